/**
 * Spaceship API (https://docs.spaceship.dev/):
 *   read:  GET /api/v1/domains/{domain}              -> {name, nameservers: {provider, hosts}}
 *   write: PUT /api/v1/domains/{domain}/nameservers  {provider: "custom", hosts: [...]}
 * Auth: X-Api-Key + X-Api-Secret headers. Errors use HTTP status codes with
 * {detail, data: [{field, details}]}; a domain outside the account is 404 (UNCONFIRMED).
 *
 * Rate limit: 5 requests per DOMAIN per 300 s for both calls (Spaceship's OpenAPI summary), so the
 * shared limiter is keyed per domain: one HTTP client (and limiter window) per domain. The 429's
 * headers are UNCONFIRMED: Retry-After is honoured when present, otherwise nsbridge waits 10 s
 * (what a third-party client does) and the factory's retries apply.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials, resolveEndpoint } from '../core/environment';
import { createHttpClient, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, UsageError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { domainSchema, errorSchema, MAX_HOSTS, MIN_HOSTS, SpaceshipNameServersUpdate } from './wire-types';
import * as answer from '../core/answer';

/** Wait after a 429 without Retry-After (UNCONFIRMED; a third-party client sleeps 10 s). */
export const THROTTLE_WAIT_MS = 10_000;
const throttleWait = retryAfterOn429(THROTTLE_WAIT_MS);

/** Check an answer's shape before anything reads it (swap for the kit's helper later). */
function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, call: CallContext, status: number, what: string): z.infer<S> {
  return answer.parseAnswer(schema, value, {
    ...call,
    status,
    what,
    hint: 'nsbridge cannot read this answer; nothing was decided from it. Try again later, and check NSBRIDGE_SPACESHIP_ENDPOINT if set',
  });
}

/** Spaceship's own words: detail and the per-field details. */
function detail(res: AxiosResponse): string | undefined {
  const parsed = errorSchema.safeParse(res.data);
  if (!parsed.success) return undefined;
  const fields = parsed.data.data?.filter((d) => d.details).map((d) => `${d.field ?? '?'}: ${d.details}`) ?? [];
  return `${parsed.data.detail}${fields.length ? ` (${fields.join('; ')})` : ''}`;
}

function hintFor(res: AxiosResponse, write: boolean): string | undefined {
  if (res.status === 401) return 'Spaceship did not accept SPACESHIP_API_KEY / SPACESHIP_API_SECRET; check both in the API Manager';
  if (res.status === 403) return 'the Spaceship API key lacks the scope for this (it needs domains:read and domains:write); edit the key in the API Manager';
  if (res.status === 404) return 'the domain is not in the Spaceship account of SPACESHIP_API_KEY';
  if (write && (res.status === 400 || res.status === 422)) return 'Spaceship refused the name servers (2 to 12 existing host names); nothing was changed';
  return undefined;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const apiKey = creds.SPACESHIP_API_KEY!;
    const baseURL = resolveEndpoint(info, ctx.env);
    const clients = new Map<string, AxiosInstance>();
    /** The HTTP client of one domain: Spaceship counts 5 requests per 300 s per domain. */
    const http = (domain: string): AxiosInstance => {
      let c = clients.get(domain);
      if (!c) {
        c = createHttpClient({
          info,
          baseURL,
          ctx,
          accountIdentity: `${baseURL} ${apiKey} ${domain}`,
          headers: { 'X-Api-Key': apiKey, 'X-Api-Secret': creds.SPACESHIP_API_SECRET!, Accept: 'application/json' },
          retryAfterMs: throttleWait,
        });
        clients.set(domain, c);
      }
      return c;
    };
    const path = (domain: string) => `/api/v1/domains/${encodeURIComponent(domain)}`;

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await send(http(domain), { method: 'GET', url: path(domain) }, call, throttleWait);
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, false) });
        const body = parseAnswer(domainSchema, res.data, call, res.status, 'a domain with nameservers');
        const { provider, hosts } = body.nameservers;
        if (provider === 'custom' && hosts === undefined) {
          throw new RegistrarApiError({ ...call, status: res.status, cause: `Spaceship says the name servers are custom but lists no hosts: ${summarizeBody(res.data, 200)}`, hint: 'try again later' });
        }
        if (provider === 'basic') ctx.debug(`spaceship: ${domain} uses Spaceship's own DNS (provider "basic")`);
        return hosts ?? [];
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        if (nameServers.length < MIN_HOSTS || nameServers.length > MAX_HOSTS) {
          throw new UsageError(`spaceship: set name servers ${domain}: Spaceship takes ${MIN_HOSTS} to ${MAX_HOSTS} name servers, ${nameServers.length} given; nothing was changed`);
        }
        const data: SpaceshipNameServersUpdate = { provider: 'custom', hosts: [...nameServers] };
        const res = await send(http(domain), { method: 'PUT', url: `${path(domain)}/nameservers`, data, headers: { 'Content-Type': 'application/json' } }, call, throttleWait);
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, true) });
      },
    };
  }),
};
