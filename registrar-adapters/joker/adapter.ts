/**
 * Joker.com DMAPI (https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi ,
 * https://dmapi.joker.com/docs/DMAPI-ext.txt ; "Other Requests" for result-list/result-retrieve).
 *   every call: POST /request/<name>, form variables; a plain-text reply ("Key: value" headers,
 *               an empty line, the body). The form (not the query string) carries the API key,
 *               the password and the session id, so none of them is ever in a URL.
 *   session:    login {api-key} or {username, password} -> Auth-Sid header; auth-sid on every
 *               other request; logout when nsbridge is done
 *   read:       query-whois {domain} -> domain.nservers.nserver.handle lines
 *   write:      domain-modify {domain, ns-list: "a:b:c"} -> Proc-ID; result-retrieve {Proc-ID}
 *               -> Completion-Status ack (done) | nack (refused) | ? (still running)
 * Errors: Status-Code other than 0 (or 1000-1999), Result NACK, or Error lines; the docs say
 * HTTP 200 when the request was accepted and another status otherwise, the overview of
 * registrars says errors come in HTTP 200: both are read from the reply, whatever the status.
 * UNCONFIRMED: the Status-Code values (EPP-style 2200 auth, 2201 authorization, 2303 not found
 * are mapped; anything else is reported with Joker's text); the throttle answer (HTTP 429 and
 * Status-Code 2502 are both "slow down").
 */
import type { AxiosResponse } from 'axios';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import {
  DomainNotFoundError,
  MissingCredentialsError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarError,
  RegistrarValidationError,
} from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';
import { poll } from '../../core/poll';
import { DmapiReply, NameServerHandles, ReplyHeaders, STATUS } from './wire-types';
import { bodyValues, firstValues, parseReply } from './reply';
import { SessionLost, SharedSession } from '../core/session';
import { OPERATION_BACKOFF, pollSettings } from '../core/operation-poll';

export const RATE_LIMIT_FALLBACK_MS = 2_000;

const statusOf = (res: AxiosResponse): number | undefined => {
  const reply = parseReply(res.data);
  const code = reply?.headers.get('status-code')?.[0];
  return code !== undefined && /^\d+$/.test(code) ? Number(code) : undefined;
};
const isThrottle = (res: AxiosResponse) => statusOf(res) === STATUS.SESSION_LIMIT;
const retryAfterMs = retryAfterOn429(RATE_LIMIT_FALLBACK_MS, isThrottle);

interface Answer {
  readonly reply: DmapiReply;
  readonly headers: ReplyHeaders;
  readonly res: AxiosResponse;
}

const succeeded = (h: ReplyHeaders, reply: DmapiReply) => {
  const code = Number(h['status-code']);
  return (code === 0 || (code >= 1000 && code < 2000)) && h.result?.toUpperCase() !== 'NACK' && !reply.headers.has('error');
};

/** Joker's own words for a failure: Status-Code, Status-Text and every Error line. */
function describe(a: Answer): string {
  const errors = a.reply.headers.get('error') ?? [];
  const tracking = a.headers['tracking-id'] ? ` (Tracking-Id ${a.headers['tracking-id']})` : '';
  return `Status-Code ${a.headers['status-code']} ${a.headers['status-text'] ?? ''}${errors.length ? `: ${errors.join('; ')}` : ''}${tracking}`.replace(/\s+/g, ' ');
}


export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { JOKER_API_KEY: apiKey, JOKER_USERNAME: username, JOKER_PASSWORD: password }) => {
    if (!apiKey && !(username && password)) {
      // Either way of logging in will do; name what is missing for each.
      throw new MissingCredentialsError(info.id, username ? ['JOKER_PASSWORD (or JOKER_API_KEY instead)'] : ['JOKER_API_KEY (or JOKER_USERNAME and JOKER_PASSWORD)']);
    }
    const loginForm: Record<string, string> = apiKey ? { 'api-key': apiKey } : { username: username!, password: password! };
    const { timeoutMs, intervalMs: pollIntervalMs, timeoutEnv } = pollSettings(info, ctx.env, { timeoutMs: 10 * 60_000, intervalMs: 5_000 });
    const { sandbox, http } = connect(info, ctx, (apiKey ?? username)!, {
      headers: { Accept: 'text/plain' },
      isRateLimited: isThrottle,
      retryAfterMs,
    });
    const authHint = apiKey
      ? `Joker.com did not accept JOKER_API_KEY; OT&E and production keys differ (NSBRIDGE_JOKER_SANDBOX is ${sandbox ? 'on' : 'off'}), and DMAPI access may need a reseller account`
      : `Joker.com did not accept JOKER_USERNAME/JOKER_PASSWORD; OT&E and production accounts differ (NSBRIDGE_JOKER_SANDBOX is ${sandbox ? 'on' : 'off'}), and DMAPI access may need a reseller account`;

    /** One DMAPI request: the reply parsed and its headers checked, whatever the HTTP status. */
    async function request(name: string, form: Record<string, string>, where: CallContext): Promise<Answer> {
      ctx.debug(`joker: ${name}`);
      const res = await send<string>(
        http,
        {
          method: 'POST',
          url: `/request/${name}`,
          data: new URLSearchParams(form).toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          responseType: 'text',
        },
        where,
        retryAfterMs,
      );
      const reply = parseReply(res.data);
      if (!reply) {
        if (res.status !== 200) throw errorForStatus(res, where, { hint: 'Joker.com answered outside DMAPI\'s reply format; check NSBRIDGE_JOKER_ENDPOINT if set, or try again later' });
        throw new RegistrarApiError({ ...where, status: res.status, cause: `HTTP 200 but not a DMAPI reply: ${summarizeBody(res.data)}`, hint: 'Joker.com answered in an unexpected shape; try again and report it if it persists' });
      }
      const parsed = ReplyHeaders.safeParse(firstValues(reply));
      if (!parsed.success) {
        throw new RegistrarApiError({
          ...where,
          status: res.status,
          cause: `a DMAPI reply without a usable Status-Code (${parsed.error.issues.map((i) => i.message).join('; ')}): ${summarizeBody(res.data)}`,
          hint: 'Joker.com answered in an unexpected shape; try again and report it if it persists',
        });
      }
      return { reply, headers: parsed.data, res };
    }

    function failure(a: Answer, where: CallContext): RegistrarError {
      const base = { ...where, status: a.res.status, cause: describe(a) };
      switch (Number(a.headers['status-code'])) {
        case STATUS.AUTH_ERROR:
          return new RegistrarAuthError({ ...base, hint: authHint });
        case STATUS.AUTHORIZATION_ERROR:
          return new RegistrarAuthError({ ...base, hint: 'this Joker.com account may not change the domain (it is registered through Joker.com, but in another account)' });
        case STATUS.OBJECT_DOES_NOT_EXIST:
          return new DomainNotFoundError({ ...base, hint: `the domain is not registered through Joker.com${sandbox ? ' OT&E' : ''} (OT&E and production are separate: NSBRIDGE_JOKER_SANDBOX)` });
        default:
          return a.res.status >= 400 && a.res.status < 500 && a.res.status !== 401 && a.res.status !== 403
            ? new RegistrarValidationError({ ...base, hint: 'Joker.com refused the request; nothing was changed' })
            : new RegistrarApiError({ ...base, hint: 'Joker.com refused or could not do it; nothing was changed by nsbridge, check the reason and try again' });
      }
    }

    // ---- session: one login shared by the operations in flight, logged out when the last ends ----

    async function login(where: CallContext): Promise<string> {
      const a = await request('login', loginForm, where);
      if (!succeeded(a.headers, a.reply)) throw new RegistrarAuthError({ ...where, status: a.res.status, cause: `login: ${describe(a)}`, hint: authHint });
      const sid = a.headers['auth-sid'];
      if (!sid) throw new RegistrarApiError({ ...where, status: a.res.status, cause: `login succeeded without an Auth-Sid: ${summarizeBody(a.res.data)}`, hint: 'Joker.com answered in an unexpected way; try again later' });
      ctx.secret?.(sid);
      return sid;
    }

    async function logout(sid: string): Promise<void> {
      try {
        const a = await request('logout', { 'auth-sid': sid }, { registrar: info.id, operation: 'log out', domain: '' });
        if (!succeeded(a.headers, a.reply)) ctx.debug(`joker: logout: ${describe(a)}`);
      } catch (e) {
        ctx.debug(`joker: logout failed: ${(e as Error).message}`);
      }
    }

    type Call = (name: string, form: Record<string, string>) => Promise<Answer>;

    const sessions = new SharedSession<string>({ login, logout, onLost: () => ctx.debug('joker: the session ended; logging in again') });

    function withSession<T>(where: CallContext, fn: (call: Call) => Promise<T>): Promise<T> {
      return sessions.use(where, (sid, mayRelogin) =>
        fn(async (name, form) => {
          const a = await request(name, { ...form, 'auth-sid': sid }, where);
          if (Number(a.headers['status-code']) === STATUS.AUTH_ERROR && mayRelogin) throw new SessionLost();
          return a;
        }),
      );
    }

    /** Ask for the result of a Proc-ID until Joker says ack (done) or nack (refused), bounded, with progress. */
    async function waitForProc(call: Call, where: CallContext, procId: string): Promise<void> {
      ctx.log(`joker: ${where.domain}: Joker.com is processing the change (Proc-ID ${procId}); waiting for its result (up to ${formatDuration(timeoutMs)})`);
      const outcome = await poll(
        async () => {
          const a = await call('result-retrieve', { 'Proc-ID': procId });
          if (!succeeded(a.headers, a.reply)) throw failure(a, where);
          const status = a.headers['completion-status']?.toLowerCase();
          if (status === 'nack') {
            const reason = a.reply.body.trim().split('\n').filter(Boolean).slice(0, 3).join(' ') || '(no reason given)';
            throw new RegistrarValidationError({
              ...where,
              cause: `Proc-ID ${procId} was refused (nack): ${reason}`,
              hint: 'the registry refused the name servers (they must exist; hosts inside the domain need ns-create first); nothing changed, fix them and run again',
            });
          }
          // "?" (or nothing yet): still running.
          return status;
        },
        (status) => status === 'ack',
        { timeoutMs, intervalMs: pollIntervalMs, ...OPERATION_BACKOFF, waitFirst: true, signal: ctx.signal },
      );
      if (!outcome.done) throw stillProcessing(where, procId, outcome.elapsedMs);
      ctx.log(`joker: ${where.domain}: Proc-ID ${procId} completed (ack) after ${formatDuration(outcome.elapsedMs)}`);
    }

    function stillProcessing(where: CallContext, procId: string, waitedMs: number): RegistrarApiError {
      return new RegistrarApiError({
        ...where,
        cause: `Proc-ID ${procId} is still being processed after ${formatDuration(waitedMs)}`,
        hint: `Joker.com accepted the change and has not completed it yet; check later with \`nsbridge get --registrar joker --domain ${where.domain}\` (or the result list in the Joker.com dashboard), or wait longer with ${timeoutEnv} (now ${formatDuration(timeoutMs)})`,
      });
    }

    return {
      getNameServers(domain) {
        const where = { registrar: info.id, operation: 'get name servers', domain };
        return withSession(where, async (call) => {
          const a = await call('query-whois', { domain });
          if (!succeeded(a.headers, a.reply)) throw failure(a, where);
          const handles = NameServerHandles.safeParse(bodyValues(a.reply, 'domain.nservers.nserver.handle'));
          if (!handles.success) {
            throw new RegistrarApiError({
              ...where,
              status: a.res.status,
              cause: `query-whois answered without name servers (${handles.error.issues[0]?.message}): ${summarizeBody(a.res.data)}`,
              hint: 'Joker.com answered in an unexpected shape; try again and report it if it persists',
            });
          }
          return handles.data;
        });
      },
      setNameServers(domain, nameServers) {
        const where = { registrar: info.id, operation: 'set name servers', domain };
        return withSession(where, async (call) => {
          const a = await call('domain-modify', { domain, 'ns-list': nameServers.join(':') });
          if (!succeeded(a.headers, a.reply)) throw failure(a, where);
          for (const w of a.reply.headers.get('warning') ?? []) ctx.log(`joker: ${domain}: Joker.com warning: ${w}`);
          const procId = a.headers['proc-id'];
          if (!procId) {
            throw new RegistrarApiError({
              ...where,
              status: a.res.status,
              cause: 'domain-modify was accepted without a Proc-ID, so its result cannot be checked',
              hint: `check the change later with \`nsbridge get --registrar joker --domain ${domain}\``,
            });
          }
          await waitForProc(call, where, procId);
        });
      },
    };
  }),
};
