/**
 * easyname REST API (https://my.easyname.com/en/account/api; DNSControl's easyname provider,
 * https://docs.dnscontrol.org/provider/easyname, is the public client this follows).
 *   read:  GET  /domain -> {status, timestamp, signature, data:[{id, domain, nameserver1..6}]}
 *   write: POST /domain/{id}/nameserverchange {data:{nameserver1..}, timestamp, signature}
 * Auth headers: X-User-ApiKey and X-User-Authentication (signing.ts). Outcome: status.type
 * "success" or "pending" is OK, anything else an error with status.code/message, usually inside
 * HTTP 200. Whether easyname also uses HTTP error statuses is UNCONFIRMED: both are read.
 * "pending" means the change is not applied yet: nsbridge reads the list back until the new set
 * shows, and reports it as pending (exit 1) when it has not by the timeout.
 * The rate limit and its answer are UNCONFIRMED: a 429, with or without Retry-After, is waited out.
 */
import { domainToASCII } from 'node:url';
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
import { authenticationHeader, changeSignature, placeholderCount } from './signing';
import { Domain, DomainList, Envelope, NAME_SERVER_FIELDS, NameServerChange } from './wire-types';
import * as answer from '../core/answer';
import { pollSettings, readBackNameServers } from '../core/operation-poll';

const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_EASYNAME_OPERATION_TIMEOUT';
export const MAX_NAME_SERVERS = NAME_SERVER_FIELDS.length;
/** A 429 without Retry-After: one slot of the pace. */
const THROTTLE_WAIT_MS = Math.ceil((info.rateLimit?.perMs ?? 60_000) / (info.rateLimit?.requests ?? 60));

const CREDENTIALS_HINT =
  'check EASYNAME_USERID, EASYNAME_EMAIL, EASYNAME_APIKEY and EASYNAME_AUTHSALT against my.easyname.com/en/account/api, and that API access is enabled there';

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { EASYNAME_USERID: userId, EASYNAME_EMAIL: email, EASYNAME_APIKEY: apiKey, EASYNAME_AUTHSALT: authSalt, EASYNAME_SIGNSALT: signSalt }) => {
    if (!/^\d+$/.test(userId)) throw new UsageError(`easyname: EASYNAME_USERID="${userId}" must be the numeric user id shown on the easyname API page`);
    if (placeholderCount(authSalt) !== 2) {
      throw new UsageError('easyname: EASYNAME_AUTHSALT must contain exactly two %s (for the user id and the e-mail), as easyname shows it; copy it whole from my.easyname.com/en/account/api');
    }
    const { timeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: 10 * 60_000, intervalMs: 5_000 });
    const authentication = authenticationHeader(authSalt, userId, email);
    // The derived header is as good as the credentials: keep it (and them) out of every message
    // built from easyname's text, even if easyname echoes it.
    const redactor = new Redactor([authentication, apiKey, authSalt, signSalt]);
    const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? THROTTLE_WAIT_MS : undefined);
    const { http } = connect(info, ctx, userId, {
      headers: { 'X-User-ApiKey': apiKey, 'X-User-Authentication': authentication, Accept: 'application/json' },
      retryAfterMs,
    });

    const body = (res: AxiosResponse) => redactor.redact(summarizeBody(res.data));

    function parseAnswer<S extends z.ZodType>(schema: S, res: AxiosResponse, call: CallContext, what: string): z.infer<S> {
      return answer.parseResponse(schema, res, { ...call, what, hint: 'easyname answered in an unexpected shape; nothing was changed by this call; try again, and report it if it persists' });
    }

    /** The envelope's outcome; an error status (inside HTTP 200 or not) becomes a RegistrarError. */
    function outcome(res: AxiosResponse, call: CallContext, write: boolean): 'success' | 'pending' {
      const parsed = Envelope.safeParse(res.data);
      const status = parsed.success ? parsed.data.status : undefined;
      const detail = status ? redactor.redact(`${status.type} ${status.code ?? ''}: ${status.message ?? '(no message)'}`) : undefined;
      if (!isSuccess(res)) {
        throw errorForStatus(res, call, { detail: detail ?? body(res), hint: res.status === 401 || res.status === 403 ? CREDENTIALS_HINT : undefined });
      }
      if (!status) parseAnswer(Envelope, res, call, 'an answer with status {type, code, message}');
      if (status!.type === 'success' || status!.type === 'pending') return status!.type;
      // Inside HTTP 200; the codes are not published, so the hint names every usual cause.
      throw new RegistrarApiError({
        ...call,
        status: res.status,
        cause: `easyname answered ${detail}`,
        hint: write
          ? 'easyname refused the change; the name servers must be existing host names (2 to 6), and the domain must not be locked or in a transfer; nothing was changed'
          : `easyname refused the request; ${CREDENTIALS_HINT}`,
      });
    }

    async function findDomain(domain: string, call: CallContext): Promise<Domain> {
      const res = await send(http, { method: 'GET', url: '/domain' }, call, retryAfterMs);
      outcome(res, call, false);
      const list = parseAnswer(DomainList, res, call, 'a domain list {status, data:[{id, domain, nameserver1..6}]}');
      const hit = list.data.find((d) => (domainToASCII(d.domain.trim().replace(/\.$/, '')) || d.domain).toLowerCase() === domain);
      if (!hit) {
        throw new DomainNotFoundError({ ...call, cause: `easyname lists no domain ${domain} in this account (${list.data.length} domains listed)`, hint: 'the domain is not in the easyname account of EASYNAME_USERID' });
      }
      return hit;
    }

    const nameServersOf = (d: Domain): string[] => NAME_SERVER_FIELDS.map((f) => d[f]).filter((n): n is string => typeof n === 'string' && n.trim() !== '');

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        return nameServersOf(await findDomain(domain, call));
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        if (nameServers.length > MAX_NAME_SERVERS) {
          throw new UsageError(`easyname: set name servers ${domain}: easyname takes at most ${MAX_NAME_SERVERS} name servers, ${nameServers.length} were given; nothing was changed`);
        }
        const { id } = await findDomain(domain, call);
        const timestamp = Math.floor(Date.now() / 1000);
        const values = [...nameServers];
        const data: NameServerChange = {
          data: Object.fromEntries(values.map((ns, i) => [NAME_SERVER_FIELDS[i]!, ns])),
          timestamp,
          signature: changeSignature(values, timestamp, signSalt),
        };
        const res = await send(
          http,
          { method: 'POST', url: `/domain/${encodeURIComponent(String(id))}/nameserverchange`, data, headers: { 'Content-Type': 'application/json' } },
          call,
          retryAfterMs,
        );
        if (outcome(res, call, true) === 'success') return;

        // "pending": read back until the new set shows; never report it done before.
        const wait = { registrar: info.id, operation: 'wait for operation', domain };
        const readBack = await readBackNameServers({
          ctx,
          timeoutMs,
          intervalMs: pollIntervalMs,
          read: async () => nameServersOf(await findDomain(domain, wait)),
          wanted: nameServers,
          progress: (elapsedMs) =>
            `easyname: ${domain}: easyname says the change is pending; waiting for the name servers to show it (${formatDuration(elapsedMs)} so far, up to ${formatDuration(timeoutMs)})`,
        });
        if (readBack.done) return;
        throw new RegistrarApiError({
          ...wait,
          cause: `easyname accepted the change as pending, but after ${formatDuration(readBack.elapsedMs)} the domain still reads ${readBack.result.join(', ') || '(no name servers)'}`,
          hint: `the change is pending, not done: check later with \`nsbridge get --registrar easyname --domain ${domain}\` or in the easyname control panel, or wait longer with ${OPERATION_TIMEOUT_ENV}`,
        });
      },
    };
  }),
};
