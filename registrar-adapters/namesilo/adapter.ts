/**
 * NameSilo API (https://www.namesilo.com/api-reference), every operation a GET with
 * version=1&type=json&key=K:
 *   read:   /api/getDomainInfo?domain=D                 -> reply.nameservers
 *   write:  /api/changeNameServers?domain=D&ns1=..&ns13  -> reply.code 300
 *   DNSSEC: /api/dnsSecListRecords?domain=D             -> reply.ds_record (digest, digest_type, algorithm, key_tag)
 *           /api/dnsSecAddRecord, /api/dnsSecDeleteRecord with digest, keyTag, digestType, alg (by value)
 * Errors are HTTP 200 with reply.code other than 300 (mapped by number below). 301/302 mean "done,
 * but with NameSilo's defaults" and only make sense for registrations: a changeNameServers that
 * answers 301 did not set what was asked, so it is a failure.
 *
 * The key is a URL query parameter on every call: the HTTP layer never traces query strings, the
 * debug line here lists the operation's parameters without it, and the CLI masks the key's value
 * in everything it prints. Throttling: no published limit or answer (UNCONFIRMED); HTTP 429 is
 * waited out (Retry-After, else 1 s).
 */
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import { summarizeBody } from '../../core/redact';
import { DomainNotFoundError, RegistrarApiError, RegistrarAuthError, RegistrarError, RegistrarValidationError } from '../../core/errors';
import { checkDs, DnssecRecord } from '../../core/dnssec';
import { API_PREFIX, CODE, domainInfoSchema, dsListSchema, envelopeSchema, MAX_NAMESERVERS, NameSiloDsParams, Operation } from './wire-types';
import * as answer from '../core/answer';

/** Wait after a 429 without Retry-After (no published limit: UNCONFIRMED). */
export const THROTTLE_WAIT_MS = 1_000;
const throttleWait = retryAfterOn429(THROTTLE_WAIT_MS);

const UNREADABLE_HINT = 'NameSilo sent an answer nsbridge cannot read; nothing was changed by it. Try again later, and check NSBRIDGE_NAMESILO_ENDPOINT if set';

/** The answer has the shape `schema` describes, or the call fails quoting (a summary of) the body. */
function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, call: CallContext, what: string): T {
  return answer.parseAnswer(schema, body, { ...call, status: 200, what: `the ${what} answer as NameSilo documents it`, hint: UNREADABLE_HINT });
}

type WriteKind = 'name servers' | 'DNSSEC' | false;

function errorForCode(code: number, detail: string, call: CallContext, write: WriteKind): RegistrarError {
  const base = { ...call, status: 200, cause: `reply code ${code} ${detail || '(no detail)'}` };
  if (code === CODE.INVALID_KEY || code === CODE.IP_NOT_ALLOWED) {
    return new RegistrarAuthError({
      ...base,
      hint: code === CODE.IP_NOT_ALLOWED
        ? 'the NameSilo API key only works from allowed IP addresses; allow this machine\'s address in the API Manager'
        : 'NameSilo did not accept NAMESILO_API_KEY; check it in the API Manager (sandbox keys differ: NSBRIDGE_NAMESILO_SANDBOX)',
    });
  }
  if (code === CODE.NOT_ACTIVE_OR_NOT_YOURS) {
    return new DomainNotFoundError({ ...base, hint: `${call.domain} is not an active domain of the NameSilo account of NAMESILO_API_KEY (sandbox domains are in the sandbox account)` });
  }
  if (code === CODE.SUCCESS_DEFAULT_NS && write === 'name servers') {
    return new RegistrarValidationError({ ...base, hint: 'NameSilo found the name servers invalid and used its own instead; each must be an existing host name registered at the registry. Run `nsbridge get` to see what it holds now' });
  }
  if (write) {
    return new RegistrarValidationError({
      ...base,
      hint: write === 'DNSSEC'
        ? 'NameSilo refused the DS record; check it (key tag, algorithm, digest type, digest) against the zone\'s key-signing key, and that the TLD takes DS records'
        : 'NameSilo refused the name servers; each must be an existing host name registered at the registry (2 to 13 of them). Nothing was changed',
    });
  }
  return new RegistrarApiError({ ...base, hint: 'NameSilo refused the request; look the code up in the API reference' });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { NAMESILO_API_KEY: key }) => {
    const { http } = connect(info, ctx, key, { headers: { Accept: 'application/json' }, retryAfterMs: throttleWait });

    /** One operation; the parsed JSON of a reply whose code says success. */
    async function operation(op: Operation, params: Record<string, string>, call: CallContext, write: WriteKind): Promise<unknown> {
      ctx.debug(`namesilo: ${op} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      const res = await send(
        http,
        { method: 'GET', url: `${API_PREFIX}/${op}`, params: { version: '1', type: 'json', key, ...params }, responseType: 'text' },
        call,
        throttleWait,
      );
      if (res.status !== 200) {
        if (res.status === 404) {
          throw new RegistrarApiError({ ...call, status: 404, cause: `HTTP 404 ${summarizeBody(res.data, 200)}`, hint: `no NameSilo API at ${API_PREFIX}/${op}; NSBRIDGE_NAMESILO_ENDPOINT must be an origin only (e.g. https://www.namesilo.com)` });
        }
        throw errorForStatus(res, call, { detail: summarizeBody(res.data, 200) });
      }
      const body = answer.jsonBody(res.data);
      const { reply } = parseAnswer(envelopeSchema, body, call, op);
      const ok = reply.code === CODE.SUCCESS || (!write && (reply.code === CODE.SUCCESS_DEFAULT_NS || reply.code === CODE.SUCCESS_DEFAULT_CONTACT));
      if (!ok) throw errorForCode(reply.code, reply.detail ?? '', call, write);
      return body;
    }

    async function readDs(domain: string, call: CallContext): Promise<DnssecRecord[]> {
      const body = await operation('dnsSecListRecords', { domain }, call, false);
      const list = parseAnswer(dsListSchema, body, call, 'dnsSecListRecords').reply.ds_record ?? [];
      try {
        return list.map((r) => ({ ds: checkDs({ keyTag: r.key_tag, algorithm: r.algorithm, digestType: r.digest_type, digest: r.digest }) }));
      } catch (e) {
        throw new RegistrarApiError({ ...call, status: 200, cause: `NameSilo holds a DS record nsbridge cannot read: ${(e as Error).message}`, hint: 'check the domain\'s DNSSEC section in the NameSilo dashboard' });
      }
    }

    const dsParams = (domain: string, r: DnssecRecord): NameSiloDsParams => ({
      domain,
      digest: r.ds.digest,
      keyTag: String(r.ds.keyTag),
      digestType: String(r.ds.digestType),
      alg: String(r.ds.algorithm),
    });

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        return readDs(domain, { registrar: info.id, operation: 'get DNSSEC records', domain });
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC records', domain, writes: true };
        for (const r of records) await operation('dnsSecAddRecord', { ...dsParams(domain, r) }, call, 'DNSSEC');
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC records', domain, writes: true };
        for (const r of records) await operation('dnsSecDeleteRecord', { ...dsParams(domain, r) }, call, 'DNSSEC');
      },
    };

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const body = await operation('getDomainInfo', { domain }, call, false);
        const entries = parseAnswer(domainInfoSchema, body, call, 'getDomainInfo').reply.nameservers;
        // As listed; `position` orders them when given.
        return [...entries].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((e) => e.host);
      },
      async setNameServers(domain, nameServers) {
        // NameSilo's writes are GET requests: say so, so a failure never claims nothing changed.
        const call = { registrar: info.id, operation: 'set name servers', domain, writes: true };
        if (nameServers.length > MAX_NAMESERVERS) {
          throw new RegistrarValidationError({ ...call, cause: `${nameServers.length} name servers given`, hint: `NameSilo takes at most ${MAX_NAMESERVERS} (ns1..ns13)` });
        }
        const params: Record<string, string> = { domain };
        nameServers.forEach((ns, i) => (params[`ns${i + 1}`] = ns));
        await operation('changeNameServers', params, call, 'name servers');
      },
      dnssec,
    };
  }),
};
