/**
 * OVHcloud API v1 (https://eu.api.ovh.com/console/ , guide "Configure the DNS of your domain name
 * with the API": https://help.ovhcloud.com/csm/en-domain-names-api-dns , guide "Tasks management":
 * https://help.ovhcloud.com/csm/en-domain-names-tasks-management).
 *   clock: GET  /1.0/auth/time -> bare integer (unauthenticated), once per client
 *   read:  GET  /1.0/domain/{d}/nameServer -> [id...], then GET .../nameServer/{id} -> {host, toDelete}
 *   write: GET  /1.0/domain/{d} -> nameServerType; "hosted": PUT /1.0/domain/{d} {"nameServerType":"external"}
 *          POST /1.0/domain/{d}/nameServers/update {"nameServers":[{"host"}]} -> Task DomainDnsUpdate
 *   DNSSEC: GET /1.0/domain/{d}/dsRecord -> [id...], GET .../dsRecord/{id} -> DNSKEY;
 *          POST /1.0/domain/{d}/dsRecord {"keys":[...]} (replaces all) -> Task DomainDsUpdate
 *   tasks: GET /1.0/domain/{d}/task/{id} until "done" ("error"/"cancelled" are failures).
 * Body key conflict on nameServers/update: the API schema and DNSControl send "nameServers", the
 * guide's example shows "nameServer"; the schema wins (the emulator accepts only "nameServers").
 * Errors: {"class","message"} (e.g. 404 Client::NotFound), auth failures
 * {"errorCode","httpCode","message"} (403 INVALID_CREDENTIAL, 400 INVALID_SIGNATURE); the
 * X-Ovh-Queryid header is quoted so OVH support can find the request.
 */
import type { AxiosResponse, InternalAxiosRequestConfig, AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info, OVH_ORIGINS } from './info';
import { readBooleanSetting, withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarAuthError, RegistrarError, RegistrarValidationError, UsageError } from '../../core/errors';
import { formatDuration } from '../../core/duration';
import { poll } from '../../core/poll';
import { checkDnskey, DnssecRecord, dsFromDnskey, InvalidDnssecError, keyTagOf, sameDnssecRecord } from '../../core/dnssec';
import { ApiError, AuthError, AuthTime, CurrentNameServer, DnssecKey, DnssecKeyInput, DomainDetail, DomainNs, IdList, Task } from './wire-types';
import { ovhSignature } from './signing';
import * as answer from '../core/answer';
import { pollSettings } from '../core/operation-poll';

/** OVH publishes no limit and no 429 shape (UNCONFIRMED): without Retry-After, wait this long per retry. */
export const RATE_LIMIT_FALLBACK_MS = 2_000;
const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_OVH_OPERATION_TIMEOUT';
const DEFAULT_OPERATION_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_POLL_INTERVAL_MS = 5_000;
const MAX_POLL_INTERVAL_MS = 30_000;
/** The dnssec.Key algorithm enum of the API schema (5 7 8 10 13 14), plus 15, which OVH's terraform provider also sends. */
const OVH_ALGORITHMS = new Set([5, 7, 8, 10, 13, 14, 15]);
/** OVH's terraform provider allows 1 to 4 keys per domain. */
const MAX_KEYS = 4;

const retryAfterMs = (res: AxiosResponse): number | undefined => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);

/** The region's origin: OVH_ENDPOINT (ovh-eu, ovh-ca, ovh-us; eu/ca/us as DNSControl spells them). */
export function regionOrigin(env: NodeJS.ProcessEnv): string {
  const raw = env.OVH_ENDPOINT?.trim().toLowerCase();
  if (!raw) return OVH_ORIGINS['ovh-eu']!;
  const origin = OVH_ORIGINS[raw] ?? OVH_ORIGINS[`ovh-${raw}`];
  if (!origin) throw new UsageError(`OVH_ENDPOINT="${env.OVH_ENDPOINT}" is not an OVHcloud API region; use ovh-eu, ovh-ca or ovh-us (a proxy or test server goes in NSBRIDGE_OVH_ENDPOINT instead)`);
  return origin;
}

/** Parse an answer with its schema; a wrong shape is an error quoting the (redacted, shortened) body. */
function parseAnswer<T>(schema: z.ZodType<T>, res: AxiosResponse, call: CallContext, what: string): T {
  return answer.parseResponse(schema, res, { ...call, what, hint: 'OVH answered in an unexpected shape; nothing more was sent, try again and report it if it persists' });
}

const queryId = (res: AxiosResponse): string => {
  const id = res.headers?.['x-ovh-queryid'];
  return typeof id === 'string' && id ? ` (query id ${id})` : '';
};

function detail(res: AxiosResponse): string | undefined {
  const api = ApiError.safeParse(res.data);
  if (api.success) return `${api.data.class}: ${api.data.message}${queryId(res)}`;
  const auth = AuthError.safeParse(res.data);
  if (auth.success) return `${auth.data.errorCode}: ${auth.data.message}${queryId(res)}`;
  return undefined;
}

const RULES_HINT = 'the consumer key needs access rules for /domain/* (GET and PUT /domain/*, POST /domain/*/nameServers/update, POST /domain/*/dsRecord); create one with those rules and set OVH_CONSUMER_KEY';

/** The typed error an unaccepted answer means, with what to do about it. */
function failure(res: AxiosResponse, call: CallContext, dnssec = false): RegistrarError {
  const d = detail(res);
  const auth = AuthError.safeParse(res.data);
  if (auth.success) {
    const hint =
      auth.data.errorCode === 'INVALID_SIGNATURE'
        ? 'OVH could not verify the signature: OVH_APPLICATION_SECRET must be the secret of OVH_APPLICATION_KEY (and both of the region in OVH_ENDPOINT)'
        : 'OVH did not accept the credentials: check OVH_APPLICATION_KEY and OVH_CONSUMER_KEY, that the consumer key was validated (its validationUrl opened) and has not expired or been revoked, and that both belong to the region in OVH_ENDPOINT';
    return new RegistrarAuthError({ ...call, status: res.status, cause: `HTTP ${res.status} ${d}`, hint });
  }
  const cls = ApiError.safeParse(res.data).success ? (res.data as { class: string }).class : '';
  if (res.status === 403 && cls.includes('DomDoaForbidden')) {
    return errorForStatus(res, call, { detail: d, hint: 'OVH does not allow DNSSEC key changes for this domain (DomDoaForbidden); check the domain\'s DNSSEC page in the OVHcloud Control Panel' });
  }
  if (res.status === 401 || res.status === 403) return errorForStatus(res, call, { detail: d, hint: RULES_HINT });
  if (res.status === 404) {
    return errorForStatus(res, call, { detail: d, hint: 'the domain is not in this OVHcloud account (or it is in another region: OVH_ENDPOINT)' });
  }
  if (res.status === 400 || res.status === 409) {
    return errorForStatus(res, call, {
      detail: d,
      hint: dnssec
        ? 'OVH refused the DNSSEC keys; it takes the DNSKEY of the key-signing key (flags 257, an algorithm it lists and the base64 public key). Nothing was changed'
        : 'OVH refused the change; name servers must be existing host names (hosts inside the domain need glue records at OVH first). Nothing was changed',
    });
  }
  return errorForStatus(res, call, { detail: d });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    // OVH has no sandbox: asking for one is a mistake even when an endpoint override is set.
    if (readBooleanSetting(ctx.env, 'NSBRIDGE_OVH_SANDBOX')) {
      throw new UsageError('NSBRIDGE_OVH_SANDBOX is set but OVHcloud has no sandbox; use a throw-away domain in a real account (reads and no-op runs change nothing)');
    }
    const applicationKey = creds.OVH_APPLICATION_KEY!;
    const applicationSecret = creds.OVH_APPLICATION_SECRET!;
    const consumerKey = creds.OVH_CONSUMER_KEY!;
    const { timeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: DEFAULT_OPERATION_TIMEOUT_MS, intervalMs: DEFAULT_POLL_INTERVAL_MS });
    const { http } = connect({ ...info, productionEndpoint: regionOrigin(ctx.env) }, ctx, `${applicationKey} ${consumerKey}`, {
      headers: { Accept: 'application/json' },
      retryAfterMs,
    });

    /** Server time minus local time, in seconds: read once, on the first signed call. */
    let clockOffset: Promise<number> | undefined;
    const offsetFor = (call: CallContext): Promise<number> => {
      clockOffset ??= (async () => {
        const res = await send<unknown>(http, { method: 'GET', url: '/1.0/auth/time' }, call, retryAfterMs);
        if (!isSuccess(res)) throw failure(res, call);
        const serverTime = parseAnswer(AuthTime, res, call, 'the server time (a bare integer) from /1.0/auth/time');
        return serverTime - Math.floor(Date.now() / 1000);
      })();
      // A failed read is not cached: the next call tries again.
      clockOffset.catch(() => (clockOffset = undefined));
      return clockOffset;
    };

    /**
     * One signed call. The signature is made in transformRequest, which axios runs after the
     * shared limiter's wait and again on every retry, so the timestamp is always fresh.
     */
    async function call<T>(method: 'GET' | 'POST' | 'PUT', url: string, where: CallContext, body?: unknown): Promise<AxiosResponse<T>> {
      const offset = await offsetFor(where);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const config: AxiosRequestConfig = {
        method,
        url,
        data: text,
        transformRequest: [
          function sign(this: InternalAxiosRequestConfig, data: unknown, headers) {
            const sent = typeof data === 'string' ? data : '';
            const timestamp = Math.floor(Date.now() / 1000) + offset;
            headers.set('X-Ovh-Application', applicationKey);
            headers.set('X-Ovh-Consumer', consumerKey);
            headers.set('X-Ovh-Timestamp', String(timestamp));
            const signature = ovhSignature({ applicationSecret, consumerKey, method, url: `${this.baseURL ?? ''}${this.url ?? ''}`, body: sent, timestamp });
            // Derived from the secret: masked like it, should a proxy or OVH ever echo it.
            ctx.secret?.(signature);
            headers.set('X-Ovh-Signature', signature);
            if (sent) headers.set('Content-Type', 'application/json;charset=utf-8');
            return sent || undefined;
          },
        ],
      };
      return send<T>(http, config, where, retryAfterMs);
    }

    const domainPath = (domain: string) => `/1.0/domain/${encodeURIComponent(domain)}`;

    /** Ids, then each item (in parallel), parsed. */
    async function listThenEach<T>(listUrl: string, schema: z.ZodType<T>, where: CallContext, what: string, dnssec = false): Promise<T[]> {
      const res = await call<unknown>('GET', listUrl, where);
      if (!isSuccess(res)) throw failure(res, where, dnssec);
      const ids = parseAnswer(IdList, res, where, `a JSON array of ${what} ids`);
      return Promise.all(
        ids.map(async (id) => {
          const one = await call<unknown>('GET', `${listUrl}/${id}`, where);
          if (!isSuccess(one)) throw failure(one, where, dnssec);
          return parseAnswer(schema, one, where, `${what} ${id}`);
        }),
      );
    }

    /** Poll a task until OVH says it is done; error and cancelled are failures with OVH's comment. */
    async function waitForTask(domain: string, first: Task, where: CallContext): Promise<void> {
      let told = '';
      const outcome = await poll(
        async (attempt) => {
          if (attempt === 1) return first;
          const res = await call<unknown>('GET', `${domainPath(domain)}/task/${first.id}`, where);
          if (!isSuccess(res)) throw failure(res, where);
          return parseAnswer(Task, res, where, `task ${first.id}`);
        },
        (task) => task.status === 'done' || task.status === 'error' || task.status === 'cancelled',
        {
          timeoutMs,
          intervalMs: pollIntervalMs,
          growth: 1.5,
          maxIntervalMs: MAX_POLL_INTERVAL_MS,
          signal: ctx.signal,
          onProgress: (task, p) => {
            if (p.nextInMs !== undefined && told !== task.status) {
              ctx.log(`ovh: ${domain}: task ${task.id} (${task.function}) is ${task.status}; waiting for OVH to finish it (up to ${formatDuration(timeoutMs)})`);
              told = task.status;
            }
          },
        },
      );
      const task = outcome.result;
      switch (task.status) {
        case 'done':
          if (told) ctx.log(`ovh: ${domain}: task ${task.id} (${task.function}) is done after ${formatDuration(outcome.elapsedMs)}`);
          return;
        case 'error':
          throw new RegistrarApiError({
            ...where,
            cause: `task ${task.id} (${task.function}) ended in error${task.comment ? `: ${task.comment}` : ''}`,
            hint:
              task.function === 'DomainDsUpdate'
                ? 'the registry refused the DNSSEC change (usually a sync problem between OVH and the registry); fix it in the OVHcloud Control Panel (Domains > the domain > ongoing operations) or run again'
                : 'the registry refused the name servers (usually hosts that do not exist or need glue); fix them and run again, or relaunch the task in the OVHcloud Control Panel',
          });
        case 'cancelled':
          throw new RegistrarApiError({
            ...where,
            cause: `task ${task.id} (${task.function}) was cancelled${task.comment ? `: ${task.comment}` : ''}`,
            hint: 'the change was cancelled at OVH (in the Control Panel or by support); nothing changed, run again to retry',
          });
        default:
          throw new RegistrarApiError({
            ...where,
            cause: `task ${task.id} (${task.function}) is still ${task.status} after ${formatDuration(outcome.elapsedMs)}`,
            hint: `OVH accepted the change and is still working on it; check the task (GET /1.0/domain/${domain}/task/${task.id}, or ongoing operations in the OVHcloud Control Panel) and run again later, or wait longer with ${OPERATION_TIMEOUT_ENV} (now ${formatDuration(timeoutMs)})`,
          });
      }
    }

    // ---- DNSSEC ----
    async function listKeys(domain: string, where: CallContext): Promise<DnssecKey[]> {
      const keys = await listThenEach(`${domainPath(domain)}/dsRecord`, DnssecKey, where, 'DNSSEC key', true);
      // A key OVH has taken out of the registry stays listed as "removed" (UNCONFIRMED how long).
      return keys.filter((k) => k.status !== 'removed');
    }

    function toRecord(domain: string, key: DnssecKey, where: CallContext): DnssecRecord {
      try {
        const dnskey = checkDnskey({ flags: key.flags, protocol: 3, algorithm: key.algorithm, publicKey: key.publicKey });
        if (keyTagOf(dnskey) !== key.tag) ctx.debug(`ovh: ${domain}: key ${key.id} is listed with tag ${key.tag}, its DNSKEY has tag ${keyTagOf(dnskey)}`);
        return { ds: dsFromDnskey(domain, dnskey), dnskey, registrarId: String(key.id) };
      } catch (err) {
        if (err instanceof InvalidDnssecError) {
          throw new RegistrarApiError({ ...where, cause: `OVH lists a DNSSEC key nsbridge cannot read (key ${key.id}: ${err.message})`, hint: 'check the domain\'s DNSSEC keys in the OVHcloud Control Panel' });
        }
        throw err;
      }
    }

    const toInput = (k: DnssecKey): DnssecKeyInput => ({ algorithm: k.algorithm, flags: k.flags, publicKey: k.publicKey, tag: k.tag });

    /** POST the whole key set (OVH replaces every key with it) and wait for the DomainDsUpdate task. */
    async function replaceKeys(domain: string, keys: DnssecKeyInput[], where: CallContext): Promise<void> {
      if (keys.length > MAX_KEYS) {
        throw new RegistrarValidationError({ ...where, cause: `${keys.length} DNSSEC keys`, hint: `OVH takes at most ${MAX_KEYS} keys per domain; remove some first. Nothing was changed` });
      }
      const res = await call<unknown>('POST', `${domainPath(domain)}/dsRecord`, where, { keys });
      if (!isSuccess(res)) throw failure(res, where, true);
      await waitForTask(domain, parseAnswer(Task, res, where, 'a task (domain.Task)'), where);
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const where = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return (await listKeys(domain, where)).map((k) => toRecord(domain, k, where));
      },
      async addDnssecRecords(domain, records) {
        const where = { registrar: info.id, operation: 'add DNSSEC records', domain };
        const adding = records.map((r): DnssecKeyInput => {
          if (!r.dnskey) throw new UsageError(`ovh: ${where.operation} ${domain}: OVHcloud takes the DNSKEY, not a DS: give --dnskey`);
          if (r.dnskey.flags !== 257 && r.dnskey.flags !== 256) throw new UsageError(`ovh: ${where.operation} ${domain}: OVHcloud takes DNSKEY flags 257 or 256, not ${r.dnskey.flags}`);
          if (!OVH_ALGORITHMS.has(r.dnskey.algorithm)) {
            throw new UsageError(`ovh: ${where.operation} ${domain}: OVHcloud takes DNSSEC algorithms ${[...OVH_ALGORITHMS].join(', ')}, not ${r.dnskey.algorithm}`);
          }
          return { algorithm: r.dnskey.algorithm, flags: r.dnskey.flags, publicKey: r.dnskey.publicKey, tag: keyTagOf(r.dnskey) };
        });
        const held = await listKeys(domain, where);
        const heldRecords = held.map((k) => toRecord(domain, k, where));
        const missing = adding.filter((_, i) => !heldRecords.some((h) => sameDnssecRecord(h, records[i]!)));
        if (missing.length === 0) return;
        await replaceKeys(domain, [...held.map(toInput), ...missing], where);
      },
      async removeDnssecRecords(domain, records) {
        const where = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        const held = await listKeys(domain, where);
        const keep = held.filter((k) => !records.some((r) => sameDnssecRecord(toRecord(domain, k, where), r)));
        if (keep.length === held.length) return;
        await replaceKeys(domain, keep.map(toInput), where);
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const where = { registrar: info.id, operation: 'get name servers', domain };
        const servers = await listThenEach(`${domainPath(domain)}/nameServer`, CurrentNameServer, where, 'name server');
        // The listing includes pending changes: servers being removed are marked toDelete.
        return servers.filter((s) => !s.toDelete).map((s) => s.host);
      },
      async setNameServers(domain, nameServers) {
        const where = { registrar: info.id, operation: 'set name servers', domain };
        const res = await call<unknown>('GET', domainPath(domain), where);
        if (!isSuccess(res)) throw failure(res, where);
        const detailOf = parseAnswer(DomainDetail, res, where, 'the domain (domain.Domain with nameServerType)');
        if (detailOf.nameServerType === 'hosted') {
          ctx.log(`ovh: ${domain}: the domain uses OVH's own DNS (nameServerType "hosted"); switching it to "external" to set other name servers`);
          const put = await call<unknown>('PUT', domainPath(domain), where, { nameServerType: 'external' });
          if (!isSuccess(put)) throw failure(put, where);
        }
        const body: { nameServers: DomainNs[] } = { nameServers: nameServers.map((host) => ({ host })) };
        const update = await call<unknown>('POST', `${domainPath(domain)}/nameServers/update`, where, body);
        if (!isSuccess(update)) throw failure(update, where);
        await waitForTask(domain, parseAnswer(Task, update, where, 'a task (domain.Task)'), where);
      },
    };
  }),
};
