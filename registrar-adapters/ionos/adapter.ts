/**
 * IONOS Domains API (https://developer.hosting.ionos.com/docs/domains).
 *   id:    GET /domains/v1/domainitems?name={domain}&limit=100&offset=n -> {count, domains:[{id, name, tld}]}
 *          (`name` matches substrings, so the exact name is picked out; paged by offset)
 *   read:  GET /domains/v1/domainitems/{id}/nameservers -> {type?, nameservers:[{name, ipV4Addresses?, ...}]}
 *   write: PUT /domains/v1/domainitems/{id}/nameservers {"type":"CUSTOM","nameservers":[{"name"}]}
 *          -> 202 Accepted {id}; the change is applied later.
 * Auth: X-API-Key: <prefix>.<secret>. Errors: the gateway answers {"message"} (401 "Missing or
 * invalid API key."), the Domains service a list of {code, message}; both are read.
 *
 * Sources conflict or are silent on several points, so this adapter takes every variant:
 *  - the PUT may answer 202 (documented in third-party clients), or 200/204 (a synchronous
 *    variant): 202 is polled, 200/204 is done;
 *  - how to follow the 202 is not confirmed (some clients poll an undocumented /v1/requests/{id}):
 *    nsbridge re-reads the documented name-server endpoint until it shows the new set, bounded by
 *    NSBRIDGE_IONOS_OPERATION_TIMEOUT, with progress on stderr; still different at the end is
 *    reported as pending (exit 1) with what to check, never as done;
 *  - 429 may or may not carry Retry-After: without it nsbridge waits one slot of the pace.
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { DomainNotFoundError, RegistrarApiError, UsageError } from '../../core/errors';
import { Redactor, summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';
import { canonicalNameServers, sameNameServers } from '../../core/names';
import { Accepted, DomainList, GatewayError, NameServersAnswer, NameServersUpdate, ServiceErrors } from './wire-types';
import * as answer from '../core/answer';
import { pollSettings, readBackNameServers } from '../core/operation-poll';

const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_IONOS_OPERATION_TIMEOUT';
const DEFAULT_OPERATION_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** Domains per page of the id lookup, and how many pages before giving up (a runaway guard). */
export const LOOKUP_PAGE_SIZE = 100;
const MAX_LOOKUP_PAGES = 100;
/** A 429 without Retry-After: wait one slot of the pace (60 s / 25). */
const THROTTLE_WAIT_MS = Math.ceil((info.rateLimit?.perMs ?? 60_000) / (info.rateLimit?.requests ?? 25));

/** `prefix.secret`: both parts present. The value itself never appears in a message. */
function checkApiKey(key: string): void {
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1 || /\s/.test(key)) {
    throw new UsageError(
      'ionos: IONOS_API_KEY must be "<public prefix>.<secret>", the two parts the IONOS developer portal shows joined by a dot (developer.hosting.ionos.com/keys)',
    );
  }
}

/** The error text of either envelope, or undefined. */
export function errorDetail(body: unknown): string | undefined {
  const service = ServiceErrors.safeParse(body);
  if (service.success && service.data.length > 0) return service.data.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
  const gateway = GatewayError.safeParse(body);
  return gateway.success ? gateway.data.message : undefined;
}

/** Check an answer's shape before anything reads it; a wrong shape quotes the (redacted, shortened) body. */
function parseAnswer<S extends z.ZodType>(schema: S, res: AxiosResponse, call: CallContext, what: string, redactor: Redactor): z.infer<S> {
  return answer.parseResponse(schema, res, {
    ...call,
    what,
    raw: redactor.redact(summarizeBody(res.data)),
    hint: 'IONOS answered in an unexpected shape; nothing was changed by this call; try again, and report it if it persists',
  });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { IONOS_API_KEY: apiKey }) => {
    checkApiKey(apiKey);
    // The secret half alone is a secret too (the CLI masks the whole key): keep it out of any
    // message built from IONOS's answers, even if IONOS echoes it.
    const redactor = new Redactor([apiKey, apiKey.slice(apiKey.indexOf('.') + 1)]);
    const { timeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: DEFAULT_OPERATION_TIMEOUT_MS, intervalMs: DEFAULT_POLL_INTERVAL_MS });
    const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? THROTTLE_WAIT_MS : undefined);
    // The public prefix names the key; the secret stays out of the limiter's key.
    const { http } = connect(info, ctx, apiKey.slice(0, apiKey.indexOf('.')), {
      headers: { 'X-API-Key': apiKey, Accept: 'application/json' },
      retryAfterMs,
    });

    const hintFor = (res: AxiosResponse): string | undefined => {
      switch (res.status) {
        case 400:
        case 422:
          return 'IONOS refused the request; name servers must be existing host names (2 to 13), and the TLD must allow name-server changes through IONOS';
        case 401:
          return 'IONOS did not accept IONOS_API_KEY; check it is the current key from developer.hosting.ionos.com/keys, written as <prefix>.<secret>';
        case 403:
          return 'the IONOS API key may not manage this domain (a key of another contract, or a domain in provisioning); check the key and the domain in the IONOS Control Panel';
        case 404:
          return 'the domain is not in the IONOS account of IONOS_API_KEY';
        case 409:
          return 'IONOS has another change of this domain in progress; wait for it to finish (IONOS Control Panel) and run again';
        default:
          return undefined;
      }
    };
    const fail = (res: AxiosResponse, call: CallContext) =>
      errorForStatus(res, call, { detail: redactor.redact(errorDetail(res.data) ?? summarizeBody(res.data)), hint: hintFor(res) });

    /** Domain name -> IONOS domain id, looked up once per client. */
    const ids = new Map<string, string>();
    async function domainId(domain: string, call: CallContext): Promise<string> {
      const known = ids.get(domain);
      if (known) return known;
      for (let page = 0, offset = 0; page < MAX_LOOKUP_PAGES; page += 1) {
        const res = await send(http, { method: 'GET', url: '/domains/v1/domainitems', params: { name: domain, limit: LOOKUP_PAGE_SIZE, offset } }, call, retryAfterMs);
        if (!isSuccess(res)) throw fail(res, call);
        const list = parseAnswer(DomainList, res, call, 'a domain list {count, domains}', redactor);
        const hit = list.domains.find((d) => d.name.toLowerCase().replace(/\.$/, '') === domain);
        if (hit) {
          ids.set(domain, hit.id);
          return hit.id;
        }
        offset += list.domains.length;
        if (list.domains.length === 0 || list.count === undefined || offset >= list.count) break;
      }
      throw new DomainNotFoundError({ ...call, cause: 'IONOS lists no domain of this name', hint: hintFor({ status: 404 } as AxiosResponse) });
    }

    const nsPath = (id: string) => `/domains/v1/domainitems/${encodeURIComponent(id)}/nameservers`;

    async function readNameServers(id: string, call: CallContext): Promise<string[]> {
      const res = await send(http, { method: 'GET', url: nsPath(id) }, call, retryAfterMs);
      if (!isSuccess(res)) throw fail(res, call);
      return parseAnswer(NameServersAnswer, res, call, 'a name-server answer {nameservers:[{name}]}', redactor).nameservers.map((n) => n.name);
    }

    /** After a 202: read back until the new set shows, or say it is still pending. */
    async function waitForChange(domain: string, id: string, requestId: string | undefined, wanted: string[]): Promise<void> {
      const call = { registrar: info.id, operation: 'wait for operation', domain };
      const what = requestId ? `request ${requestId}` : 'the change';
      const outcome = await readBackNameServers({
        ctx,
        timeoutMs,
        intervalMs: pollIntervalMs,
        read: () => readNameServers(id, call),
        wanted,
        progress: (elapsedMs) =>
          `ionos: ${domain}: IONOS accepted ${what} (202); waiting for the name servers to show it (${formatDuration(elapsedMs)} so far, up to ${formatDuration(timeoutMs)})`,
      });
      if (outcome.done) {
        ctx.debug(`ionos: ${domain}: the new name servers show after ${outcome.attempts} read(s)`);
        return;
      }
      throw new RegistrarApiError({
        ...call,
        cause: `IONOS accepted ${what} (202) but after ${formatDuration(outcome.elapsedMs)} the domain still reads ${outcome.result.join(', ') || '(no name servers)'}`,
        hint: `the change is pending, not done: check later with \`nsbridge get --registrar ionos --domain ${domain}\` or in the IONOS Control Panel (Domains), or wait longer with ${OPERATION_TIMEOUT_ENV}`,
      });
    }

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        return readNameServers(await domainId(domain, call), call);
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const id = await domainId(domain, call);
        const data: NameServersUpdate = { type: 'CUSTOM', nameservers: nameServers.map((name) => ({ name })) };
        const res = await send(http, { method: 'PUT', url: nsPath(id), data, headers: { 'Content-Type': 'application/json' } }, call, retryAfterMs);
        if (res.status === 200 || res.status === 204) return;
        // 409: a change of the domain is in progress. After an answer that was cut off it may be
        // this very change (the retry meets it): wait for the wanted set to show, bounded as a 202 is.
        if (res.status === 409) {
          const wanted = canonicalNameServers(nameServers);
          if (sameNameServers(await readNameServers(id, call), wanted)) return;
          ctx.log(`ionos: ${domain}: IONOS has a change of the domain in progress (409); waiting to see whether it is this one`);
          await waitForChange(domain, id, undefined, wanted);
          return;
        }
        if (res.status !== 202) throw fail(res, call);
        const accepted = res.data === '' || res.data === undefined ? {} : parseAnswer(Accepted, res, call, 'an accepted request {id}', redactor);
        await waitForChange(domain, id, accepted.id, canonicalNameServers(nameServers));
      },
    };
  }),
};
