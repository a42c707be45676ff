/**
 * CentralNic Reseller (CNR) API (https://kb.centralnicreseller.com/api/api-commands/api-command-reference):
 *   read:  COMMAND=StatusDomain DOMAIN=example.com  -> property[NAMESERVER][n], property[DNSSECDSDATA][n], property[DNSSEC][n]
 *   write: COMMAND=ModifyDomain DOMAIN=example.com NAMESERVER0=.. NAMESERVER12=..      (kb: api-command/ModifyDomain)
 *   DNSSEC: COMMAND=ModifyDomain DNSSECDSDATA0="<tag> <alg> <type> <digest>" / DNSSEC0="<flags> <proto> <alg> <key>",
 *           DNSSECDELALL=1 to remove all.
 * Each call is one POST to /api/call.cgi with s_login, s_pw and s_command in the form body: the
 * password never travels in a URL. No session (StartSession) is used, so there is no derived
 * secret to hide and nothing to log out of.
 *
 * Answers are HTTP 200 plain text with a return code (kb.centralnicreseller.com/api/return-codes):
 * 2xx success, 4xx temporary (retried through the HTTP client; 422 "abuse detected" as throttling),
 * 5xx permanent (mapped below by number, never by text).
 *
 * Whether indexed DNSSEC lists replace the domain's set or add to it is UNCONFIRMED: nsbridge
 * always sends the complete set the domain is to hold, which is right if the list replaces, and
 * re-reads after every write so that an append (or any other reading) cannot pass unnoticed.
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { AdapterContext, DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import { summarizeBody } from '../../core/redact';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarConflictError,
  RegistrarError,
  RegistrarRateLimitError,
  RegistrarValidationError,
} from '../../core/errors';
import { checkDnskey, DnssecRecord, dsFromDnskey, formatDnskey, formatDs, parseDnskey, parseDs, sameDnssecRecord } from '../../core/dnssec';
import {
  API_PATH,
  CnrCommand,
  CnrResponse,
  CODE,
  encodeCommand,
  MAX_NAMESERVERS,
  PARAM,
  parseResponse,
  StatusDomain,
  statusDomainSchema,
  TRANSIENT_CODES,
} from './wire-types';
import * as answer from '../core/answer';

/**
 * How long to hold off after code 422 ("abuse detected"). CNR gives no hint and publishes no
 * limit (UNCONFIRMED); 3 s keeps a retry from feeding the lock, and the shared limiter pauses
 * every other nsbridge process of the login as long.
 */
export const THROTTLE_WAIT_MS = 3_000;

function codeOf(res: AxiosResponse): number | undefined {
  if (res.status !== 200) return undefined;
  const parsed = parseResponse(res.data);
  return parsed.ok ? parsed.response.code : undefined;
}

const isThrottled = (res: AxiosResponse) => codeOf(res) === CODE.ABUSE_DETECTED;
const throttleWait = (res: AxiosResponse) => (isThrottled(res) ? THROTTLE_WAIT_MS : undefined);

/** The answer has the shape `schema` describes, or the call fails quoting (a summary of) the body. */
function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, raw: unknown, call: CallContext, what: string): T {
  return answer.parseAnswer(schema, value, {
    ...call,
    status: 200,
    what: `the ${what} answer`,
    raw,
    hint: 'CNR sent an answer nsbridge cannot read; nothing was changed by it. Check the domain in the CNR control panel, and NSBRIDGE_CNR_ENDPOINT if set',
  });
}

const codeText = (r: CnrResponse) => `code ${r.code} ${r.description}`;

/** The typed error for a non-2xx return code. */
function errorForCode(r: CnrResponse, call: CallContext, write: 'name servers' | 'DNSSEC' | false): RegistrarError {
  const base = { ...call, status: 200, cause: codeText(r) };
  switch (r.code) {
    case CODE.AUTHENTICATION_FAILED:
      return new RegistrarAuthError({ ...base, hint: 'CNR did not accept CNR_USERNAME / CNR_PASSWORD; OT&E (NSBRIDGE_CNR_SANDBOX) and live logins differ' });
    case CODE.RESTRICTED_IP:
      return new RegistrarAuthError({ ...base, hint: 'the login may only be used from allowed IP addresses; add this machine\'s public address to the login\'s IP restrictions in the CNR control panel' });
    case CODE.TOO_MANY_SESSIONS:
      return new RegistrarRateLimitError({ ...base, hint: 'too many open sessions for this login; close other API sessions or try again later' });
    case CODE.AUTHORIZATION_FAILED:
      return new DomainNotFoundError({
        ...base,
        hint: `CNR_USERNAME may not act on ${call.domain}: the domain is not in this account (or belongs to another sub-user), or the role user lacks the right for this command`,
      });
    case CODE.NOT_FOUND:
      return write === 'name servers'
        ? new RegistrarValidationError({ ...base, hint: 'something the command names does not exist at CNR: each name server must be a host registered at the registry (in-domain hosts need AddNameserver first). Nothing was changed' })
        : new DomainNotFoundError({ ...base, hint: `${call.domain} is not in this CNR account (OT&E and live accounts hold different domains)` });
    case CODE.MISSING_ATTRIBUTE:
    case CODE.INVALID_SYNTAX:
    case CODE.INVALID_VALUE:
      return new RegistrarValidationError({
        ...base,
        hint: write === 'DNSSEC'
          ? 'CNR refused the DNSSEC data; check the DS (key tag, algorithm, digest type, digest) against the zone\'s key-signing key and that the TLD takes DNSSEC. Nothing was changed'
          : write
            ? 'CNR refused the name servers; each must be an existing host name registered at the registry (2 to 13 of them). Nothing was changed'
            : 'CNR refused the request',
      });
    case CODE.ON_HOLD:
    case CODE.INVALID_SEQUENCE:
      return new RegistrarConflictError({ ...base, hint: 'the domain is on hold or has an operation pending at CNR; check it in the CNR control panel and run again later' });
    case CODE.CREDIT_LIMIT:
      return new RegistrarApiError({ ...base, hint: 'the CNR account is at its credit limit; top it up' });
    case CODE.INVALID_COMMAND:
      return new RegistrarApiError({ ...base, hint: 'CNR did not know the command; check NSBRIDGE_CNR_ENDPOINT points at the CNR API' });
    default:
      return new RegistrarApiError({
        ...base,
        hint: TRANSIENT_CODES.has(r.code) ? 'CNR had a temporary error; run again later (nothing is written twice: nsbridge reads first)' : 'CNR refused the request; look the code up at kb.centralnicreseller.com/api/return-codes',
      });
  }
}

export interface CnrCaller {
  call(command: CnrCommand, where: CallContext, write: 'name servers' | 'DNSSEC' | false): Promise<CnrResponse>;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { CNR_USERNAME: login, CNR_PASSWORD: password }) => {
    let lastTransient: CnrResponse | undefined;
    const { http } = connect(info, ctx, login.toLowerCase(), {
      headers: { Accept: 'text/plain' },
      isRateLimited: isThrottled,
      retryAfterMs: throttleWait,
      isTransient: (res) => {
        if (res.status === 408 || res.status >= 500) return true;
        const parsed = res.status === 200 ? parseResponse(res.data) : undefined;
        if (parsed?.ok && TRANSIENT_CODES.has(parsed.response.code)) {
          lastTransient = parsed.response;
          return true;
        }
        return false;
      },
    });

    const caller: CnrCaller = {
      async call(command, where, write) {
        lastTransient = undefined;
        ctx.debug(`cnr: ${encodeCommand(command).replace(/\n/g, ' ')}`);
        const form = new URLSearchParams({ s_login: login, s_pw: password, s_command: encodeCommand(command) });
        let res: AxiosResponse<string>;
        try {
          res = await send<string>(
            http,
            { method: 'POST', url: API_PATH, data: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, responseType: 'text' },
            where,
            throttleWait,
          );
        } catch (err) {
          if (err instanceof RegistrarRateLimitError && err.status === 200) {
            throw new RegistrarRateLimitError({ ...where, status: 200, cause: `code 422 abuse detected (still after retries)`, hint: 'CNR locked the login for a while after too many requests; run fewer domains at once (terraform -parallelism) and try again in a few minutes' });
          }
          if (err instanceof RegistrarApiError && err.status === 200 && lastTransient) {
            throw new RegistrarApiError({ ...where, status: 200, cause: `${codeText(lastTransient)} (still failing after retries)`, hint: 'CNR had a temporary error; run again later (nothing is written twice: nsbridge reads first)' });
          }
          throw err;
        }
        if (res.status !== 200) {
          const detail = summarizeBody(res.data, 200);
          if (res.status === 404) {
            throw new RegistrarApiError({ ...where, status: 404, cause: `HTTP 404 ${detail}`, hint: `no CNR API at ${API_PATH}; NSBRIDGE_CNR_ENDPOINT must be an origin only (e.g. https://api.rrpproxy.net)` });
          }
          throw errorForStatus(res, where, { detail, hint: 'CNR answered outside its API; try again later' });
        }
        const parsed = parseResponse(res.data);
        if (!parsed.ok) {
          throw new RegistrarApiError({ ...where, status: 200, cause: `HTTP 200 but ${parsed.reason}: ${summarizeBody(res.data, 120)}`, hint: 'CNR sent an answer nsbridge cannot read; try again later (and check NSBRIDGE_CNR_ENDPOINT, if set)' });
        }
        const r = parsed.response;
        if (r.code < 200 || r.code > 299) throw errorForCode(r, where, write);
        return r;
      },
    };

    async function statusDomain(domain: string, where: CallContext): Promise<StatusDomain> {
      const r = await caller.call({ COMMAND: 'StatusDomain', DOMAIN: domain }, where, false);
      const status = parseAnswer(statusDomainSchema, r.properties, renderForMessage(r), where, 'StatusDomain');
      if (status.DOMAIN[0]!.toLowerCase().replace(/\.$/, '') !== domain) {
        throw new RegistrarApiError({ ...where, status: 200, cause: `the StatusDomain answer is about "${status.DOMAIN[0]}", not ${domain}`, hint: 'try again later' });
      }
      return status;
    }

    return {
      async getNameServers(domain) {
        const where = { registrar: info.id, operation: 'get name servers', domain };
        return (await statusDomain(domain, where)).NAMESERVER;
      },
      async setNameServers(domain, nameServers) {
        const where = { registrar: info.id, operation: 'set name servers', domain };
        if (nameServers.length > MAX_NAMESERVERS) {
          throw new RegistrarValidationError({ ...where, cause: `${nameServers.length} name servers given`, hint: `CNR takes at most ${MAX_NAMESERVERS} (NAMESERVER0..12)` });
        }
        const command: Record<string, string> = { COMMAND: 'ModifyDomain', DOMAIN: domain };
        nameServers.forEach((ns, i) => (command[PARAM.nameserver(i)] = ns));
        await caller.call(command, where, 'name servers');
      },
      dnssec: dnssecOperations(caller, statusDomain, ctx),
    };
  }),
};

/** A parsed answer back as text, for messages (properties only: no secret is ever in an answer). */
function renderForMessage(r: CnrResponse): string {
  return [`code = ${r.code}`, ...Object.entries(r.properties).flatMap(([k, vs]) => vs.map((v, i) => `property[${k}][${i}] = ${v}`))].join(' ');
}

/** How CNR holds a record: as DS data, or as a DNSKEY (from which the DS is computed). */
type HeldForm = 'DNSSECDSDATA' | 'DNSSEC';

/** What StatusDomain lists, canonical; `registrarId` says which form CNR holds it in. */
export function dnssecFromStatus(domain: string, status: StatusDomain): DnssecRecord[] {
  const fromDs = (status.DNSSECDSDATA ?? []).filter((t) => t.trim() !== '').map((t): DnssecRecord => ({ ds: parseDs(t), registrarId: 'DNSSECDSDATA' }));
  const fromKeys = (status.DNSSEC ?? []).filter((t) => t.trim() !== '').map((t): DnssecRecord => {
    const dnskey = parseDnskey(t);
    return { ds: dsFromDnskey(domain, dnskey), dnskey, registrarId: 'DNSSEC' };
  });
  // A key CNR lists both ways is one record: keep the DS entry and attach its key.
  const out = [...fromDs];
  for (const k of fromKeys) {
    const twin = out.findIndex((d) => d.registrarId === 'DNSSECDSDATA' && sameDnssecRecord(d, { ds: k.ds }));
    if (twin >= 0) out[twin] = { ...out[twin]!, dnskey: k.dnskey };
    else out.push(k);
  }
  return out;
}

function dnssecOperations(
  caller: CnrCaller,
  statusDomain: (domain: string, where: CallContext) => Promise<StatusDomain>,
  ctx: AdapterContext,
): DnssecOperations {
  async function read(domain: string, where: CallContext): Promise<DnssecRecord[]> {
    const status = await statusDomain(domain, where);
    try {
      return dnssecFromStatus(domain, status);
    } catch (e) {
      throw new RegistrarApiError({ ...where, status: 200, cause: `CNR holds DNSSEC data nsbridge cannot read: ${(e as Error).message}`, hint: 'check the domain\'s DNSSEC settings in the CNR control panel' });
    }
  }

  /** Send the complete set the domain is to hold, then read back that CNR holds exactly it. */
  async function writeSet(domain: string, where: CallContext, records: readonly DnssecRecord[]): Promise<void> {
    const command: Record<string, string> = { COMMAND: 'ModifyDomain', DOMAIN: domain };
    if (records.length === 0) command[PARAM.deleteAllDnssec] = '1';
    let ds = 0;
    let keys = 0;
    for (const r of records) {
      const form: HeldForm = r.registrarId === 'DNSSEC' && r.dnskey ? 'DNSSEC' : 'DNSSECDSDATA';
      if (form === 'DNSSEC') command[PARAM.dnskey(keys++)] = formatDnskey(checkDnskey(r.dnskey!));
      else command[PARAM.dsData(ds++)] = formatDs(r.ds);
    }
    await caller.call(command, where, 'DNSSEC');
    const now = await read(domain, where);
    const missing = records.filter((r) => !now.some((h) => sameDnssecRecord(h, r)));
    const extra = now.filter((h) => !records.some((r) => sameDnssecRecord(h, r)));
    if (missing.length || extra.length) {
      throw new RegistrarApiError({
        ...where,
        status: 200,
        cause: `ModifyDomain answered code 200 but CNR now holds ${now.length} DNSSEC record(s)${missing.length ? `, without ${missing.map((r) => `"${formatDs(r.ds)}"`).join(', ')}` : ''}${extra.length ? `, with ${extra.map((r) => `"${formatDs(r.ds)}"`).join(', ')} still there` : ''}`,
        hint: `run \`nsbridge ds get --registrar cnr --domain ${domain}\` to see what CNR holds, and check the domain in the CNR control panel`,
      });
    }
    ctx.debug(`cnr: ${domain}: CNR holds ${now.length} DNSSEC record(s), as sent`);
  }

  return {
    async getDnssecRecords(domain) {
      return read(domain, { registrar: info.id, operation: 'get DNSSEC records', domain });
    },
    async addDnssecRecords(domain, records) {
      if (records.length === 0) return;
      const where = { registrar: info.id, operation: 'add DNSSEC records', domain };
      const held = await read(domain, where);
      await writeSet(domain, where, [...held, ...records.filter((r) => !held.some((h) => sameDnssecRecord(h, r)))]);
    },
    async removeDnssecRecords(domain, records) {
      if (records.length === 0) return;
      const where = { registrar: info.id, operation: 'remove DNSSEC records', domain };
      const held = await read(domain, where);
      const keep = held.filter((h) => !records.some((r) => sameDnssecRecord(h, r)));
      if (keep.length === held.length) return;
      await writeSet(domain, where, keep);
    },
  };
}
