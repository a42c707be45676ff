/**
 * INWX DomRobot JSON-RPC (https://www.inwx.com/en/help/apidoc ; official terraform provider
 * https://github.com/inwx/terraform-provider-inwx ; goinwx https://github.com/nrdcg/goinwx).
 *   every call: POST /jsonrpc/ {"method", "params"} -> HTTP 200 {code, msg, resData?, reason?}
 *   session:    account.login {user, pass} -> Set-Cookie domrobot=...; resData.tfa "GOOGLE-AUTH"
 *               -> account.unlock {tan: TOTP}; account.logout when nsbridge is done
 *   read:       domain.info {domain} -> resData.ns
 *   write:      domain.update {domain, ns} -> 1000 done, or 1001 pending at the registry: no
 *               operation id, so domain.info is read until it shows the new set
 *   DNSSEC:     dnssec.listkeys {domainName}; dnssec.adddnskey {domainName, dnskey|ds};
 *               dnssec.deletednskey {key}
 * Codes: 1000-1999 success (goinwx; terraform accepts 1000/1001 for writes), 2303 not in the
 * account, 2200 not logged in (or locked pending 2FA). UNCONFIRMED: the throttle answer; both an
 * HTTP 429 and EPP code 2502 ("session limit exceeded") in a 200 are treated as "slow down".
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import * as errors from '../../core/errors';
import { formatDuration } from '../../core/duration';
import { poll } from '../../core/poll';
import { checkDnskey, checkDs, DnssecRecord, formatDnskey, formatDs, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { sameNameServers } from '../../core/names';
import { CODE, DomainInfo, Envelope, ListedKey, ListKeysData, LoginData, RpcRequest } from './wire-types';
import { base32Decode, totp } from './totp';
import * as answer from '../core/answer';
import { SessionLost, SharedSession } from '../core/session';
import { OPERATION_BACKOFF, pollSettings } from '../core/operation-poll';

/** INWX publishes no limit or throttle answer (UNCONFIRMED): without Retry-After, wait this long per retry. */
export const RATE_LIMIT_FALLBACK_MS = 2_000;
const RPC_PATH = '/jsonrpc/';

const codeOf = (res: AxiosResponse): number | undefined => {
  const body = res.data as { code?: unknown } | undefined;
  return body && typeof body === 'object' && typeof body.code === 'number' ? body.code : undefined;
};
const isThrottle = (res: AxiosResponse) => res.status === 200 && codeOf(res) === CODE.SESSION_LIMIT;
const retryAfterMs = retryAfterOn429(RATE_LIMIT_FALLBACK_MS, isThrottle);

/** Parse with a schema; a wrong shape is an error quoting the (redacted, shortened) body. */
function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, res: AxiosResponse, call: CallContext, what: string): T {
  return answer.parseAnswer(schema, value, { ...call, status: res.status, what, raw: res.data, hint: 'INWX answered in an unexpected shape; try again and report it if it persists' });
}

const describe = (e: Envelope) => `code ${e.code} ${e.msg}${e.reason ? ` (${e.reason}${e.reasonCode ? `, ${e.reasonCode}` : ''})` : ''}`;


export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { INWX_USERNAME: user, INWX_PASSWORD: pass, INWX_SHARED_SECRET: sharedSecret }) => {
    let totpKey: Buffer | undefined;
    if (sharedSecret) {
      try {
        totpKey = base32Decode(sharedSecret);
      } catch (e) {
        throw new errors.UsageError(`INWX_SHARED_SECRET is not a base32 TOTP secret (${(e as Error).message}); copy the secret INWX showed when two-factor login was set up`);
      }
    }
    const { timeoutMs, intervalMs: pollIntervalMs, timeoutEnv } = pollSettings(info, ctx.env, { timeoutMs: 10 * 60_000, intervalMs: 5_000 });
    const { sandbox, http } = connect(info, ctx, user.toLowerCase(), {
      headers: { Accept: 'application/json' },
      isRateLimited: isThrottle,
      retryAfterMs,
    });
    const authHint = `INWX did not accept INWX_USERNAME/INWX_PASSWORD; OT&E and production are separate systems with separate accounts (NSBRIDGE_INWX_SANDBOX is ${sandbox ? 'on' : 'off'})`;

    /** One JSON-RPC call: HTTP failures are errors here; the envelope is returned for its code. */
    async function rpc(request: RpcRequest, where: CallContext, cookie?: string): Promise<{ envelope: Envelope; res: AxiosResponse }> {
      ctx.debug(`inwx: ${request.method}`);
      const res = await send<unknown>(
        http,
        {
          method: 'POST',
          url: RPC_PATH,
          data: JSON.stringify({ method: request.method, params: { ...request.params, lang: 'en' } }),
          headers: { 'Content-Type': 'application/json; charset=UTF-8', ...(cookie ? { Cookie: `domrobot=${cookie}` } : {}) },
        },
        where,
        retryAfterMs,
      );
      if (res.status !== 200) throw errorForStatus(res, where, { hint: 'INWX answers every call with HTTP 200; something in front of the API answered instead (check NSBRIDGE_INWX_ENDPOINT if set)' });
      return { envelope: parseAnswer(Envelope, res.data, res, where, 'a DomRobot answer {code, msg}'), res };
    }

    /** The error an unsuccessful code means. */
    function failure(e: Envelope, where: CallContext, dnssec = false): errors.RegistrarError {
      const base = { ...where, status: 200, cause: describe(e) };
      if (e.code === CODE.OBJECT_DOES_NOT_EXIST) {
        return new errors.DomainNotFoundError({ ...base, hint: `the domain is not in this INWX account${sandbox ? ' (this is the OT&E system)' : ' (OT&E domains are only in OT&E: NSBRIDGE_INWX_SANDBOX)'}` });
      }
      if (e.code === CODE.AUTH_ERROR) return new errors.RegistrarAuthError({ ...base, hint: authHint });
      if (e.code >= 2000 && e.code < 2400) {
        return new errors.RegistrarValidationError({
          ...base,
          hint: dnssec
            ? 'INWX refused the DNSSEC record; check it against the zone\'s key-signing key. Nothing was changed'
            : 'INWX refused the change; name servers must be existing host names (hosts inside the domain need glue: host.create at INWX first). Nothing was changed',
        });
      }
      return new errors.RegistrarApiError({ ...base, hint: 'INWX could not do it now; try again later' });
    }

    // ---- session: one login shared by the operations in flight, logged out when the last ends ----

    async function login(where: CallContext): Promise<string> {
      const { envelope, res } = await rpc({ method: 'account.login', params: { user, pass } }, where);
      if (envelope.code !== CODE.OK) {
        throw new errors.RegistrarAuthError({ ...where, status: 200, cause: `account.login: ${describe(envelope)}`, hint: authHint });
      }
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      const cookie = cookies.map((c) => /(?:^|;\s*)domrobot=([^;]+)/.exec(c)?.[1]).find((v) => v !== undefined);
      if (!cookie) {
        throw new errors.RegistrarApiError({ ...where, status: 200, cause: 'account.login answered 1000 without a domrobot session cookie', hint: 'INWX answered in an unexpected way; try again later' });
      }
      ctx.secret?.(cookie);
      const data = parseAnswer(LoginData, envelope.resData ?? {}, res, where, 'account.login data');
      const tfa = String(data.tfa ?? '0');
      if (tfa === '0' || tfa === '') return cookie;
      if (!totpKey) {
        await logout(cookie);
        throw new errors.RegistrarAuthError({
          ...where,
          status: 200,
          cause: `the INWX account has two-factor login (tfa ${tfa})`,
          hint: 'set INWX_SHARED_SECRET to the base32 secret shown when two-factor login was set up, so nsbridge can unlock the session, or use a sub-account without 2FA',
        });
      }
      const tan = totp(totpKey, Date.now() / 1000);
      ctx.secret?.(tan);
      const unlock = await rpc({ method: 'account.unlock', params: { tan } }, where, cookie);
      if (unlock.envelope.code !== CODE.OK) {
        await logout(cookie);
        throw new errors.RegistrarAuthError({
          ...where,
          status: 200,
          cause: `account.unlock: ${describe(unlock.envelope)}`,
          hint: 'INWX refused the one-time code: check INWX_SHARED_SECRET (the base32 secret of this account) and that this machine\'s clock is right (TOTP codes change every 30 s)',
        });
      }
      return cookie;
    }

    async function logout(cookie: string): Promise<void> {
      try {
        const { envelope } = await rpc({ method: 'account.logout', params: {} }, { registrar: info.id, operation: 'log out', domain: '' }, cookie);
        // 1500 is EPP's "ending session"; anything else is worth a trace, never a failure.
        if (envelope.code !== CODE.OK && envelope.code !== 1500) ctx.debug(`inwx: account.logout: ${describe(envelope)}`);
      } catch (e) {
        ctx.debug(`inwx: account.logout failed: ${(e as Error).message}`);
      }
    }

    const sessions = new SharedSession<string>({ login, logout, onLost: () => ctx.debug('inwx: the session ended (2200); logging in again') });

    function withSession<T>(where: CallContext, fn: (call: (r: RpcRequest) => Promise<{ envelope: Envelope; res: AxiosResponse }>) => Promise<T>): Promise<T> {
      return sessions.use(where, (cookie, mayRelogin) =>
        fn(async (r) => {
          const out = await rpc(r, where, cookie);
          if (out.envelope.code === CODE.AUTH_ERROR && mayRelogin) throw new SessionLost();
          return out;
        }),
      );
    }

    const isSuccess = (e: Envelope) => e.code >= 1000 && e.code < 2000;

    /** After a 1001: read again until `shows()` says the change is visible, bounded, with progress. */
    async function waitForPending(where: CallContext, what: string, shows: () => Promise<boolean>, check: string): Promise<void> {
      ctx.log(`inwx: ${where.domain}: INWX accepted ${what} as pending at the registry (1001); reading it back until it shows (up to ${formatDuration(timeoutMs)})`);
      const outcome = await poll(shows, (shown) => shown, {
        timeoutMs,
        intervalMs: pollIntervalMs,
        ...OPERATION_BACKOFF,
        waitFirst: true,
        signal: ctx.signal,
      });
      if (outcome.done) {
        ctx.log(`inwx: ${where.domain}: ${what} shows after ${formatDuration(outcome.elapsedMs)}`);
        return;
      }
      throw new errors.RegistrarApiError({
        ...where,
        status: 200,
        cause: `${what} is still pending at the registry after ${formatDuration(outcome.elapsedMs)} (INWX answered 1001)`,
        hint: `INWX accepted it and the registry has not applied it yet; check later with \`${check}\` (or the domain in the INWX dashboard), or wait longer with ${timeoutEnv} (now ${formatDuration(timeoutMs)})`,
      });
    }

    type Call = (r: RpcRequest) => Promise<{ envelope: Envelope; res: AxiosResponse }>;

    async function readDomain(call: Call, where: CallContext, domain: string): Promise<z.infer<typeof DomainInfo>> {
      const { envelope, res } = await call({ method: 'domain.info', params: { domain } });
      if (!isSuccess(envelope)) throw failure(envelope, where);
      return parseAnswer(DomainInfo, envelope.resData, res, where, 'domain.info data with an ns list');
    }

    async function listKeys(call: Call, where: CallContext, domain: string): Promise<DnssecRecord[]> {
      const { envelope, res } = await call({ method: 'dnssec.listkeys', params: { domainName: domain } });
      if (!isSuccess(envelope)) throw failure(envelope, where, true);
      const keys = envelope.resData === undefined || envelope.resData === null ? [] : parseAnswer(ListKeysData, envelope.resData, res, where, 'dnssec.listkeys data (a list of keys)');
      return keys.map((k) => toRecord(k, where));
    }

    function toRecord(k: ListedKey, where: CallContext): DnssecRecord {
      try {
        const ds = checkDs({ keyTag: k.keyTag, algorithm: k.algorithmId, digestType: k.digestTypeId, digest: k.digest });
        if (k.publicKey && k.flagId !== undefined) {
          return { ds, dnskey: checkDnskey({ flags: k.flagId, protocol: 3, algorithm: k.algorithmId, publicKey: k.publicKey }), registrarId: String(k.id) };
        }
        return { ds, registrarId: String(k.id) };
      } catch (e) {
        if (e instanceof InvalidDnssecError) throw new errors.RegistrarApiError({ ...where, cause: `INWX lists a DNSSEC key nsbridge cannot read (key ${k.id}: ${e.message})`, hint: 'check the domain\'s DNSSEC keys in the INWX dashboard' });
        throw e;
      }
    }

    const dnssec: DnssecOperations = {
      getDnssecRecords(domain) {
        const where = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return withSession(where, (call) => listKeys(call, where, domain));
      },
      addDnssecRecords(domain, records) {
        const where = { registrar: info.id, operation: 'add DNSSEC records', domain };
        return withSession(where, async (call) => {
          for (const r of records) {
            // The DNSKEY when known (INWX computes the SHA-256 DS itself), else the DS.
            const params = r.dnskey
              ? { domainName: domain, dnskey: `${domain}. IN DNSKEY ${formatDnskey(r.dnskey)}`, calculateDigest: true, digestType: 2 }
              : { domainName: domain, ds: formatDs(r.ds), calculateDigest: false };
            const { envelope } = await call({ method: 'dnssec.adddnskey', params });
            const held = () => listKeys(call, where, domain).then((ks) => ks.some((k) => sameDnssecRecord(k, r)));
            // 2302 "object exists": our own earlier add whose answer was lost, when the key is there.
            if (envelope.code === 2302 && (await held())) continue;
            if (!isSuccess(envelope)) throw failure(envelope, where, true);
            if (envelope.code === CODE.PENDING) await waitForPending(where, `the DNSSEC key ${r.ds.keyTag}`, held, `nsbridge ds get --registrar inwx --domain ${domain}`);
          }
        });
      },
      removeDnssecRecords(domain, records) {
        const where = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        return withSession(where, async (call) => {
          let listed: DnssecRecord[] | undefined;
          for (const r of records) {
            let id = r.registrarId;
            if (id === undefined) {
              listed ??= await listKeys(call, where, domain);
              id = listed.find((l) => sameDnssecRecord(l, r))?.registrarId;
              if (id === undefined) continue;
            }
            const { envelope } = await call({ method: 'dnssec.deletednskey', params: { key: Number(id) } });
            const gone = () => listKeys(call, where, domain).then((ks) => !ks.some((k) => k.registrarId === id));
            if (envelope.code === CODE.OBJECT_DOES_NOT_EXIST && (await gone())) continue;
            if (!isSuccess(envelope)) throw failure(envelope, where, true);
            if (envelope.code === CODE.PENDING) await waitForPending(where, `the removal of DNSSEC key ${r.ds.keyTag}`, gone, `nsbridge ds get --registrar inwx --domain ${domain}`);
          }
        });
      },
    };

    return {
      dnssec,
      getNameServers(domain) {
        const where = { registrar: info.id, operation: 'get name servers', domain };
        return withSession(where, async (call) => (await readDomain(call, where, domain)).ns);
      },
      setNameServers(domain, nameServers) {
        const where = { registrar: info.id, operation: 'set name servers', domain };
        return withSession(where, async (call) => {
          const { envelope } = await call({ method: 'domain.update', params: { domain, ns: [...nameServers] } });
          if (!isSuccess(envelope)) throw failure(envelope, where);
          if (envelope.code !== CODE.PENDING) return;
          await waitForPending(
            where,
            'the name-server change',
            async () => {
              const d = await readDomain(call, where, domain);
              return sameNameServers(d.ns, nameServers) && !/pending/i.test(d.status ?? '');
            },
            `nsbridge get --registrar inwx --domain ${domain}`,
          );
        });
      },
    };
  }),
};
