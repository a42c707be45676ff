/**
 * Dynadot api3, JSON flavour (https://www.dynadot.com/domain/api-commands):
 *   read:  GET /api3.json?key=K&command=get_ns&domain=D            -> GetNsResponse.NsContent.Host0..
 *   write: GET /api3.json?key=K&command=add_ns&host=H   (each new host, into the account's server list)
 *          GET /api3.json?key=K&command=set_ns&domain=D&ns0=..&ns12
 * set_ns only takes hosts that are "already in your account" (api-commands, set_ns), hence add_ns
 * first, for every host (the account's list cannot be read reliably: server_list's shape is
 * UNCONFIRMED), which is idempotent at Dynadot's end. An add_ns refusal is not read for meaning
 * (Dynadot's errors are free text; "already exists" is the usual one and is harmless): set_ns is
 * the judge, and when it refuses, its error carries the add_ns refusals too.
 *
 * The key is a URL query parameter on every call: the HTTP layer never traces query strings, the
 * debug line here lists the command's parameters without it, and the CLI masks the key's value in
 * everything it prints (an error body that echoes the request URL included).
 *
 * Errors are HTTP 200 with ResponseCode -1. Throttling: the shape is UNCONFIRMED; HTTP 429 (the
 * strict reading, no Retry-After) waits one request's share of the 60/minute limit.
 */
import type { z } from 'zod';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import { summarizeBody } from '../../core/redact';
import { DomainNotFoundError, RegistrarApiError, RegistrarAuthError, RegistrarError, RegistrarValidationError } from '../../core/errors';
import { API_PATH, CommandName, commandEnvelopeSchema, envelopeKey, getNsSchema, hostsOf, keyRefusalSchema, MAX_NAMESERVERS } from './wire-types';
import * as answer from '../core/answer';

/** One request's share of 60 per minute: the wait after a hintless 429. */
export const THROTTLE_WAIT_MS = Math.round((info.rateLimit?.perMs ?? 60_000) / (info.rateLimit?.requests ?? 60));
const throttleWait = retryAfterOn429(THROTTLE_WAIT_MS);

const UNREADABLE_HINT = 'Dynadot sent an answer nsbridge cannot read; nothing was changed by it. Try again later, and check NSBRIDGE_DYNADOT_ENDPOINT if set';

/** The answer has the shape `schema` describes, or the call fails quoting (a summary of) the body. */
function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, call: CallContext, what: string, raw: unknown = body): T {
  return answer.parseAnswer(schema, body, { ...call, status: 200, what: `the ${what} answer as Dynadot documents it`, raw, hint: UNREADABLE_HINT });
}

type Refusal = 'key' | 'domain' | 'nameServers' | 'other';

/**
 * Which refusal an error text is, for the error class and hint only (Dynadot has no error
 * numbers): never used to decide a retry or a write.
 */
function refusalOf(text: string, command: CommandName | 'key'): Refusal {
  if (command === 'key') return 'key';
  if (/invalid key|key.*(not valid|disabled|expired)|ip.*not allowed/i.test(text)) return 'key';
  if (/(not find|not found|no such|not exist).*domain|domain.*(not in your account|not found)|not your domain/i.test(text)) return 'domain';
  if (command === 'set_ns') return 'nameServers';
  return 'other';
}

function refusalError(text: string, command: CommandName | 'key', call: CallContext, extra = ''): RegistrarError {
  const base = { ...call, status: 200, cause: `ResponseCode -1: ${text || '(no Error text)'}${extra}` };
  switch (refusalOf(text, command)) {
    case 'key':
      return new RegistrarAuthError({ ...base, hint: 'Dynadot did not accept DYNADOT_API_KEY; check it under Tools > API in the Dynadot account (and the key\'s IP allow-list, if one is set)' });
    case 'domain':
      return new DomainNotFoundError({ ...base, hint: `${call.domain} is not in the Dynadot account of DYNADOT_API_KEY` });
    case 'nameServers':
      return new RegistrarValidationError({ ...base, hint: 'Dynadot refused the name servers; each must be an existing host name (in-domain hosts need glue: register them with register_ns in the dashboard first), 2 to 13 of them. Nothing was changed' });
    default:
      return new RegistrarApiError({ ...base, hint: 'Dynadot refused the request' });
  }
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { DYNADOT_API_KEY: key }) => {
    const { http } = connect(info, ctx, key, {
      headers: { Accept: 'application/json' },
      retryAfterMs: throttleWait,
    });

    /** One api3 command: the parsed JSON of a ResponseCode 0 answer, or Dynadot's refusal text. */
    async function attempt(name: CommandName, params: Record<string, string>, call: CallContext): Promise<{ ok: true; body: unknown } | { ok: false; text: string; keyRefused: boolean }> {
      ctx.debug(`dynadot: command=${name} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      const res = await send(http, { method: 'GET', url: API_PATH, params: { key, command: name, ...params }, responseType: 'text' }, call, throttleWait);
      if (res.status !== 200) {
        if (res.status === 404) {
          throw new RegistrarApiError({ ...call, status: 404, cause: `HTTP 404 ${summarizeBody(res.data, 200)}`, hint: `no Dynadot API at ${API_PATH}; NSBRIDGE_DYNADOT_ENDPOINT must be an origin only (e.g. https://api.dynadot.com)` });
        }
        throw errorForStatus(res, call, { detail: summarizeBody(res.data, 200) });
      }
      const body = answer.jsonBody(res.data);
      const refusal = keyRefusalSchema.safeParse(body);
      if (refusal.success) {
        if (refusal.data.Response.ResponseCode === 0) {
          throw new RegistrarApiError({ ...call, status: 200, cause: `a bare Response without ${envelopeKey(name)}: ${summarizeBody(body, 200)}`, hint: UNREADABLE_HINT });
        }
        return { ok: false, text: refusal.data.Response.Error ?? '', keyRefused: true };
      }
      const envelope = parseAnswer(
        commandEnvelopeSchema,
        body && typeof body === 'object' ? (body as Record<string, unknown>)[envelopeKey(name)] : undefined,
        call,
        name,
        res.data,
      );
      if (envelope.ResponseCode !== 0) return { ok: false, text: envelope.Error ?? '', keyRefused: false };
      return { ok: true, body };
    }

    async function command(name: CommandName, params: Record<string, string>, call: CallContext, extraOnError = ''): Promise<unknown> {
      const r = await attempt(name, params, call);
      if (!r.ok) throw refusalError(r.text, r.keyRefused ? 'key' : name, call, extraOnError);
      return r.body;
    }

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const body = await command('get_ns', { domain }, call);
        return hostsOf(parseAnswer(getNsSchema, body, call, 'get_ns').GetNsResponse.NsContent);
      },
      async setNameServers(domain, nameServers) {
        // api3's writes are GET requests: say so, so a failure never claims nothing changed.
        const call = { registrar: info.id, operation: 'set name servers', domain, writes: true };
        if (nameServers.length > MAX_NAMESERVERS) {
          throw new RegistrarValidationError({ ...call, cause: `${nameServers.length} name servers given`, hint: `Dynadot takes at most ${MAX_NAMESERVERS} (ns0..ns12)` });
        }
        // Each host into the account's server list first; one already there is refused, harmlessly.
        const refused: string[] = [];
        for (const host of nameServers) {
          const r = await attempt('add_ns', { host }, call);
          if (r.ok) continue;
          if (r.keyRefused) throw refusalError(r.text, 'key', call);
          refused.push(`${host}: ${r.text || 'refused'}`);
          ctx.debug(`dynadot: add_ns ${host} refused (set_ns decides): ${r.text}`);
        }
        const params: Record<string, string> = { domain };
        nameServers.forEach((ns, i) => (params[`ns${i}`] = ns));
        await command('set_ns', params, call, refused.length ? ` (add_ns refused ${refused.join('; ')})` : '');
      },
    };
  }),
};
