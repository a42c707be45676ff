/**
 * Internet.bs API (https://internetbs.net/ResellerRegistrarDomainNameAPI/):
 *   read:  POST /Domain/Info   Domain=example.com                      -> {status:"SUCCESS", nameserver:[...]}
 *   write: POST /Domain/Update Domain=example.com&Ns_list=ns1.a,ns2.a  -> {status:"SUCCESS"|"PENDING"|"FAILURE"}
 * ApiKey, Password and ResponseFormat=JSON go in the form body of every POST (the API takes GET or
 * POST), so credentials never appear in a URL, a proxy log or the --verbose trace.
 *
 * Every answer is HTTP 200; the outcome is `status`. FAILURE carries `message` and a numeric
 * `code` (107002 = invalid key/password). PENDING means the registry is still processing: how to
 * follow it is UNCONFIRMED, so nsbridge re-reads /Domain/Info until the new set shows, bounded by
 * NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT, and otherwise reports it pending (exit 1) with what to check.
 * The answer to a domain outside the account is FAILURE with an UNCONFIRMED code and text: every
 * FAILURE of a read that is not a credential error names that possibility and the IP allow-list.
 * Throttling is UNCONFIRMED: an HTTP 429 (with or without Retry-After) is waited out and retried.
 */
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import { RegistrarApiError, RegistrarAuthError, RegistrarError, RegistrarValidationError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';
import { sameNameServers } from '../../core/names';
import { domainInfoSchema, envelopeSchema, FAILURE, InternetBsEnvelope, PATHS } from './wire-types';
import { bodyAnswerParser } from '../core/answer';
import { pollSettings, waitUntilShown } from '../core/operation-poll';

/** Internet.bs sends no documented wait hint: wait a little over one window of nsbridge's 1/s pace. */
export const THROTTLE_WAIT_MS = 1_500;
const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT';

const throttleWait = retryAfterOn429(THROTTLE_WAIT_MS);

/** Check an answer's shape before anything reads it. */
const parseAnswer = bodyAnswerParser(
  'nsbridge cannot read this answer; nothing was decided from it. Try again later, and check NSBRIDGE_INTERNETBS_ENDPOINT if set',
);

const CREDENTIALS_HINT =
  'Internet.bs did not accept INTERNET_BS_API_KEY / INTERNET_BS_PASSWORD; API access must be requested from Internet.bs and this machine\'s IP address allow-listed; ' +
  'the test API (NSBRIDGE_INTERNETBS_SANDBOX) takes only its public credentials';

function failure(env: InternetBsEnvelope, call: CallContext, write: boolean): RegistrarError {
  const code = env.code === undefined ? '' : String(env.code);
  const base = { ...call, status: 200, cause: `FAILURE${code ? ` ${code}` : ''}: ${env.message?.trim() || '(no message)'}` };
  if (code === FAILURE.INVALID_CREDENTIALS) return new RegistrarAuthError({ ...base, hint: CREDENTIALS_HINT });
  if (write && (code === FAILURE.INVALID_PARAMETER || code === FAILURE.UNSUPPORTED_EXTENSION)) {
    return new RegistrarValidationError({ ...base, hint: 'Internet.bs refused the name servers; each must be an existing host name known to the registry. Nothing was changed' });
  }
  return new RegistrarApiError({
    ...base,
    hint: write
      ? 'run `nsbridge get` to see what Internet.bs holds now, then try again'
      : `check that ${call.domain} is in the Internet.bs account of INTERNET_BS_API_KEY and that this machine's IP address is on the API allow-list`,
  });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { INTERNET_BS_API_KEY: apiKey, INTERNET_BS_PASSWORD: password }) => {
    const { timeoutMs: operationTimeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: 10 * 60_000, intervalMs: 15_000 });
    const { http } = connect(info, ctx, apiKey, {
      headers: { Accept: 'application/json' },
      retryAfterMs: throttleWait,
    });

    async function call(path: string, params: Record<string, string>, where: CallContext, write: boolean): Promise<InternetBsEnvelope & Record<string, unknown>> {
      const form = new URLSearchParams({ ApiKey: apiKey, Password: password, ResponseFormat: 'JSON', ...params });
      ctx.debug(`internetbs: ${path} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      const res = await send<string>(
        http,
        { method: 'POST', url: path, data: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, responseType: 'text', transformResponse: [(d: unknown) => d] },
        where,
        throttleWait,
      );
      if (res.status !== 200) throw errorForStatus(res, where, { detail: summarizeBody(res.data, 200) });
      let body: unknown;
      try {
        body = JSON.parse(String(res.data));
      } catch {
        throw new RegistrarApiError({
          ...where,
          status: 200,
          cause: `HTTP 200 but the answer is not JSON: ${summarizeBody(res.data, 120)}`,
          hint: write
            ? 'it is not known whether the change was made; run `nsbridge get` to see what Internet.bs holds'
            : 'Internet.bs sent an answer nsbridge cannot read; try again later, and check NSBRIDGE_INTERNETBS_ENDPOINT if set',
        });
      }
      const envelope = parseAnswer(envelopeSchema, body, where, 'a status');
      if (envelope.status === 'FAILURE') throw failure(envelope, where, write);
      return body as InternetBsEnvelope & Record<string, unknown>;
    }

    async function readNameServers(where: CallContext, domain: string): Promise<string[]> {
      const body = await call(PATHS.info, { Domain: domain }, where, false);
      return parseAnswer(domainInfoSchema, body, where, 'a nameserver list').nameserver;
    }

    function waitUntilPendingShows(where: CallContext, domain: string, nameServers: readonly string[]): Promise<void> {
      return waitUntilShown({
        ctx,
        timeoutMs: operationTimeoutMs,
        intervalMs: pollIntervalMs,
        shows: async () => sameNameServers(await readNameServers(where, domain), nameServers),
        started: `internetbs: ${domain}: the update is PENDING at the registry; waiting up to ${formatDuration(operationTimeoutMs)} for it to show`,
        pending: `internetbs: ${domain}: still PENDING`,
        done: `internetbs: ${domain}: the update is done`,
        notShown: (waited) =>
          new RegistrarApiError({
            ...where,
            cause: `Internet.bs answered PENDING and the new name servers still did not show after ${waited}`,
            hint: `the registry may still apply it; check later with \`nsbridge get --registrar internetbs --domain ${domain}\`, or wait longer with ${OPERATION_TIMEOUT_ENV}`,
          }),
      });
    }

    return {
      async getNameServers(domain) {
        return readNameServers({ registrar: info.id, operation: 'get name servers', domain }, domain);
      },
      async setNameServers(domain, nameServers) {
        const where = { registrar: info.id, operation: 'set name servers', domain };
        const body = await call(PATHS.update, { Domain: domain, Ns_list: nameServers.join(',') }, where, true);
        if (body.status === 'PENDING') await waitUntilPendingShows(where, domain, nameServers);
      },
    };
  }),
};
