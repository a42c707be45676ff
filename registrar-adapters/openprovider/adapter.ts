/**
 * Openprovider REST API v1beta (https://docs.openprovider.com/doc/all):
 *   login:  POST /v1beta/auth/login {username, password, ip:"0.0.0.0"} -> {code:0, data:{token}}
 *   find:   GET  /v1beta/domains?domain_name_pattern=<label>&extension=<tld> -> data.results[{id, domain{name, extension}}]
 *   read:   GET  /v1beta/domains/{id} -> data.name_servers[{name, seq_nr}], data.dnssec_keys[{alg, flags, protocol, pub_key}]
 *   write:  PUT  /v1beta/domains/{id} {name_servers:[{name, seq_nr}]} or {dnssec_keys:[...], is_dnssec_enabled}
 * Every answer is {code, desc, data}; code 0 is success. Whether errors come with an HTTP error
 * status (lego treats >400 as failure) or with 200 (the swagger's `default` response) is not
 * settled: the code in the body decides, whatever the status, and a non-2xx without a code is
 * mapped by its status.
 * Limits (https://support.openprovider.eu/hc/en-us/articles/218390187-API-Limits): 300 identical
 * calls per 300 s (CTE 50 per 100 s), then the IP is blacklisted with 10005 "Access denied" until
 * it is removed in the control panel; 100 failed logins an hour (CTE 50 per 50 s), then code 50
 * and a 20-minute block. Neither is worth a retry: both fail at once with the fix. A plain 429
 * (a gateway in front, UNCONFIRMED) is retried by the HTTP layer like any registrar's.
 * The bearer token is a derived secret: it is masked in everything this adapter logs or throws.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { AdapterContext, DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { readBooleanSetting, withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import {
  DomainNotFoundError,
  NsbridgeError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarError,
  RegistrarRateLimitError,
  RegistrarValidationError,
} from '../../core/errors';
import { Redactor, summarizeBody } from '../../core/redact';
import { checkDnskey, DnssecRecord, dsFromDnskey, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import {
  dnssecKeySchema,
  domainDataSchema,
  domainListDataSchema,
  envelopeSchema,
  loginDataSchema,
  OpenproviderDnssecKey,
  OpenproviderDomain,
  OpenproviderDomainUpdate,
  updateDataSchema,
} from './wire-types';
import * as answer from '../core/answer';

/** CTE allows 50 identical calls per 100 s (support article "API Limits"). */
const CTE_RATE_LIMIT = { requests: 50, perMs: 100_000 };
const CODE_AUTH_FAILED = 196;
const CODE_LOGIN_LIMIT = 50;
const CODE_IP_BLACKLISTED = 10005;
/**
 * Wait before retrying a 429 that names no wait (no 429 is documented; a gateway may send one).
 * The published window is 300 s, so a short backoff would only hit it again.
 */
export const RATE_LIMIT_FALLBACK_MS = 5_000;
const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);

const AUTH_HINT =
  'Openprovider did not accept OPENPROVIDER_USERNAME/OPENPROVIDER_PASSWORD; the API is for reseller accounts, and CTE (NSBRIDGE_OPENPROVIDER_SANDBOX=1) and production accounts differ';

/** The same answer as a RegistrarError of the right kind, from Openprovider's code (or the HTTP status). */
function errorForCode(call: CallContext, status: number, code: number, desc: string): RegistrarError {
  const base = { ...call, status, cause: `code ${code} ${desc}`.trim() };
  if (code === CODE_AUTH_FAILED) return new RegistrarAuthError({ ...base, hint: AUTH_HINT });
  if (code === CODE_IP_BLACKLISTED) {
    return new RegistrarAuthError({
      ...base,
      hint: 'Openprovider blacklisted this IP address (too many identical calls: 300 per 300 s, CTE 50 per 100 s); remove it from the blacklist in the Openprovider control panel (API settings), then run again with fewer domains at once',
    });
  }
  if (code === CODE_LOGIN_LIMIT) {
    return new RegistrarRateLimitError({
      ...base,
      hint: 'too many failed logins (100 an hour, CTE 50 per 50 s): Openprovider blocks logins for 20 minutes; fix OPENPROVIDER_USERNAME/OPENPROVIDER_PASSWORD and try again after that',
    });
  }
  // Old API docs' ranges: 2xx name servers, 3xx-7xx domains, 9xx billing.
  if (code >= 200 && code < 300) {
    return new RegistrarValidationError({ ...base, hint: 'Openprovider refused the name servers; they must be existing, resolvable host names (at least two). Nothing was changed' });
  }
  if (code >= 300 && code < 800) {
    return new RegistrarValidationError({ ...base, hint: 'Openprovider refused the change for this domain (check its status in the control panel). Nothing was changed' });
  }
  return new RegistrarApiError({ ...base, hint: 'Openprovider refused the request; check the domain in the control panel' });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const sandbox = readBooleanSetting(ctx.env, 'NSBRIDGE_OPENPROVIDER_SANDBOX');
    const username = creds.OPENPROVIDER_USERNAME!;
    // The password is masked by the CLI too; the token only exists here, so it is masked here.
    const scrub = new Redactor([creds.OPENPROVIDER_PASSWORD]);
    const masked: AdapterContext = { ...ctx, log: (m) => ctx.log(scrub.redact(m)), debug: (m) => ctx.debug(scrub.redact(m)) };
    const { http } = connect(info, masked, username, {
      headers: { Accept: 'application/json' },
      rateLimit: sandbox ? CTE_RATE_LIMIT : undefined,
      retryAfterMs,
    });
    const quote = (body: unknown) => scrub.redact(summarizeBody(body));

    /**
     * The `data` of an answer, checked against its schema (parseAnswer): a non-zero code is the
     * error it names, whatever the HTTP status; any other shape is an error quoting the body.
     */
    function parseAnswer<S extends z.ZodType>(res: AxiosResponse, call: CallContext, schema: S, what: string): z.infer<S> {
      const envelope = envelopeSchema.safeParse(res.data);
      if (envelope.success && envelope.data.code !== 0) {
        throw errorForCode(call, res.status, envelope.data.code, scrub.redact(envelope.data.desc ?? ''));
      }
      if (!isSuccess(res)) {
        throw errorForStatus(res, call, { detail: quote(res.data), hint: res.status === 401 ? AUTH_HINT : undefined });
      }
      return answer.parseAnswer(schema, envelope.success ? envelope.data.data : undefined, {
        ...call,
        status: res.status,
        what,
        raw: quote(res.data),
        hint: 'Openprovider answered in an unexpected shape; nothing was changed by this call, try again and report it if it persists',
      });
    }

    let token: Promise<string> | undefined;
    async function login(call: CallContext): Promise<string> {
      const res = await send(
        http,
        // `ip` is the client IP the token is bound to; 0.0.0.0 = any (CI runners change address).
        { method: 'POST', url: '/v1beta/auth/login', data: { username, password: creds.OPENPROVIDER_PASSWORD, ip: '0.0.0.0' }, headers: { 'Content-Type': 'application/json' } },
        call,
      );
      const { token: t } = parseAnswer(res, call, loginDataSchema, 'a login answer with data.token');
      scrub.add(t);
      masked.debug(`openprovider: logged in as ${username}`);
      return t;
    }

    /** A call with the bearer token; an expired token (196 / 401) means one fresh login and one more try. */
    async function authed(config: AxiosRequestConfig, call: CallContext): Promise<AxiosResponse> {
      const attempt = async () => {
        token ??= login(call);
        const current = token;
        const t = await current.catch((e) => {
          if (token === current) token = undefined;
          throw e;
        });
        return { res: await send(http, { ...config, headers: { ...config.headers, Authorization: `Bearer ${t}` } }, call), used: current };
      };
      const first = await attempt();
      const code = envelopeSchema.safeParse(first.res.data).data?.code;
      if (first.res.status !== 401 && code !== CODE_AUTH_FAILED) return first.res;
      masked.debug('openprovider: the token was refused; logging in again');
      if (token === first.used) token = undefined;
      return (await attempt()).res;
    }

    /** Every error leaving the client is scrubbed of the token, whoever built its message. */
    async function guard<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (e) {
        if (e instanceof Error || NsbridgeError.isNsbridgeError(e)) e.message = scrub.redact(e.message);
        throw e;
      }
    }

    const ids = new Map<string, number>();
    /** The domain's id: GET /v1beta/domains with the label and the extension, exact match only. */
    async function domainId(domain: string, call: CallContext): Promise<number> {
      const known = ids.get(domain);
      if (known !== undefined) return known;
      const dot = domain.indexOf('.');
      const label = domain.slice(0, dot);
      const extension = domain.slice(dot + 1);
      const res = await authed({ method: 'GET', url: '/v1beta/domains', params: { domain_name_pattern: label, extension, limit: 100 } }, call);
      const list = parseAnswer(res, call, domainListDataSchema, 'a domain list with data.results');
      // The pattern may match more than the name (wildcards): only the exact name counts.
      const hit = list.results.find((r) => `${r.domain.name}.${r.domain.extension}`.toLowerCase() === domain);
      if (!hit) {
        throw new DomainNotFoundError({
          ...call,
          status: res.status,
          cause: 'Openprovider lists no such domain in this account',
          hint: `the domain is not in the Openprovider account of ${username}${sandbox ? ' (CTE)' : ''}; check the domain list in the control panel`,
        });
      }
      ids.set(domain, hit.id);
      return hit.id;
    }

    async function readDomain(domain: string, call: CallContext): Promise<{ id: number; data: OpenproviderDomain }> {
      const id = await domainId(domain, call);
      const res = await authed({ method: 'GET', url: `/v1beta/domains/${id}` }, call);
      return { id, data: parseAnswer(res, call, domainDataSchema, 'a domain with data.name_servers') };
    }

    async function update(id: number, body: OpenproviderDomainUpdate, call: CallContext): Promise<void> {
      const res = await authed({ method: 'PUT', url: `/v1beta/domains/${id}`, data: body, headers: { 'Content-Type': 'application/json' } }, call);
      parseAnswer(res, call, updateDataSchema, 'an update answer');
    }

    function toRecord(domain: string, key: OpenproviderDnssecKey, call: CallContext): DnssecRecord {
      try {
        const dnskey = checkDnskey({ flags: key.flags, protocol: key.protocol, algorithm: key.alg, publicKey: key.pub_key });
        return { ds: dsFromDnskey(domain, dnskey), dnskey };
      } catch (e) {
        if (!(e instanceof InvalidDnssecError)) throw e;
        throw new RegistrarApiError({ ...call, cause: `Openprovider holds a DNSSEC key nsbridge cannot read (${e.message}): ${quote(key)}`, hint: 'check the domain\'s DNSSEC keys in the Openprovider control panel' });
      }
    }

    const toWire = (r: DnssecRecord) => ({ alg: r.dnskey!.algorithm, flags: r.dnskey!.flags, protocol: r.dnskey!.protocol, pub_key: r.dnskey!.publicKey });

    /** The domain's keys as the wire holds them, each with its record. */
    async function readKeys(domain: string, call: CallContext) {
      const { id, data } = await readDomain(domain, call);
      const keys = (data.dnssec_keys ?? []).map((k) => dnssecKeySchema.parse(k));
      return { id, keys: keys.map((k) => ({ wire: k, record: toRecord(domain, k, call) })) };
    }

    /** Send the whole key list (the update replaces it); DNSSEC is off when none is left. */
    async function writeKeys(id: number, keys: { alg: number; flags: number; protocol: number; pub_key: string }[], call: CallContext) {
      await update(id, { dnssec_keys: keys, is_dnssec_enabled: keys.length > 0 }, call);
    }

    const dnssec: DnssecOperations = {
      getDnssecRecords: (domain) =>
        guard(async () => (await readKeys(domain, { registrar: info.id, operation: 'get DNSSEC records', domain })).keys.map((k) => k.record)),
      addDnssecRecords: (domain, records) =>
        guard(async () => {
          const call = { registrar: info.id, operation: 'add DNSSEC records', domain };
          const missing = records.find((r) => !r.dnskey);
          if (missing) {
            throw new RegistrarValidationError({ ...call, cause: 'a DS record without its DNSKEY', hint: 'Openprovider takes the DNSKEY and computes the DS itself; give --dnskey. Nothing was changed' });
          }
          const { id, keys } = await readKeys(domain, call);
          const adding = records.filter((r) => !keys.some((k) => sameDnssecRecord(k.record, r)));
          if (adding.length === 0) return;
          await writeKeys(id, [...keys.map((k) => k.wire), ...adding.map(toWire)].map(({ alg, flags, protocol, pub_key }) => ({ alg, flags, protocol, pub_key })), call);
        }),
      removeDnssecRecords: (domain, records) =>
        guard(async () => {
          const call = { registrar: info.id, operation: 'remove DNSSEC records', domain };
          const { id, keys } = await readKeys(domain, call);
          const kept = keys.filter((k) => !records.some((r) => sameDnssecRecord(k.record, r)));
          if (kept.length === keys.length) return;
          await writeKeys(id, kept.map(({ wire: { alg, flags, protocol, pub_key } }) => ({ alg, flags, protocol, pub_key })), call);
        }),
    };

    return {
      dnssec,
      getNameServers: (domain) =>
        guard(async () => {
          const { data } = await readDomain(domain, { registrar: info.id, operation: 'get name servers', domain });
          return [...data.name_servers].sort((a, b) => (a.seq_nr ?? 0) - (b.seq_nr ?? 0)).map((n) => n.name);
        }),
      setNameServers: (domain, nameServers) =>
        guard(async () => {
          const call = { registrar: info.id, operation: 'set name servers', domain };
          const id = await domainId(domain, call);
          // Foreign hosts need only the name; ip/ip6 are glue for hosts inside the domain.
          await update(id, { name_servers: nameServers.map((name, i) => ({ name, seq_nr: i + 1 })) }, call);
        }),
    };
  }),
};
