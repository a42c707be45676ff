/**
 * OpenSRS XCP API (https://domains.opensrs.guide/docs/overview), reseller access without end-user
 * credentials (https://domains.opensrs.guide/docs/submitting-api-commands-without-end-user-credentials):
 *   read:  GET DOMAIN {domain, type: nameservers, limit: 1}          -> attributes.nameserver_list
 *   write: ADVANCED_UPDATE_NAMESERVERS {domain, op_type: assign, assign_ns: [...]}
 *          -> 200 done ("Nameserver Update Successful" / "No nameserver changes necessary"),
 *             250 submitted to an asynchronous registry: nsbridge re-reads until the change shows.
 *   DNSSEC: GET_DNSSEC_INFO {domain} -> attributes.dnssec[]; SET_DNSSEC_INFO {domain, dnssec: [...]}
 *          replaces the whole set (an empty list clears it; osrs-toolkit-php DnsSecSet).
 * Every request: POST / with an OPS_envelope, X-Username and X-Signature (signing.ts).
 *
 * Answers: a wrong username, key or calling IP is HTTP 401 (its body is UNCONFIRMED, never read);
 * every other error is HTTP 200 with is_success=0 and a response_code (codes.ts of the docs:
 * https://domains.opensrs.guide/docs/codes). Response 300 ("Exceeded max command rate") and 310
 * (too many connections) are the throttle answers: told to the HTTP client, which waits and retries.
 *
 * Sources disagree, so every documented variant is handled:
 *  - which DNSSEC read is canonical (GET_DNSSEC_INFO or GET type=dnssec) is UNCONFIRMED: nsbridge
 *    sends GET_DNSSEC_INFO and falls back to GET type=dnssec when OpenSRS answers 430 (invalid command);
 *  - a domain outside the reseller account is 480, 415 or 435 depending on the mode (UNCONFIRMED
 *    which): all three read as "not in this account".
 */
import type { AxiosResponse } from 'axios';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarConflictError,
  RegistrarError,
  RegistrarValidationError,
  UsageError,
} from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';
import { sameNameServers } from '../../core/names';
import { checkDs, DnssecRecord, sameDnssecRecord } from '../../core/dnssec';
import { DecodeOutcome, decodeEnvelope, requestEnvelope, XcpValue } from './xcp';
import { opensrsSignature } from './signing';
import {
  CODE,
  COMMANDS,
  dnssecAttributesSchema,
  nameServersAttributesSchema,
  OpenSrsDnssecEntry,
  OpenSrsReply,
  replySchema,
} from './wire-types';
import { bodyAnswerParser } from '../core/answer';
import { pollSettings, waitUntilShown } from '../core/operation-poll';

/** OpenSRS sends no wait hint with response 300/310 (UNCONFIRMED how long to wait): two windows of nsbridge's 2/s pace. */
export const THROTTLE_WAIT_MS = 2_000;
const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_OPENSRS_OPERATION_TIMEOUT';

type Command = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Each answer is decoded once, though the retry hooks and the adapter all look at it. */
const decodedAnswers = new WeakMap<AxiosResponse, DecodeOutcome>();
function decodeAnswer(res: AxiosResponse): DecodeOutcome {
  let d = decodedAnswers.get(res);
  if (!d) {
    d = decodeEnvelope(res.data);
    decodedAnswers.set(res, d);
  }
  return d;
}

/** The response_code of an XCP answer in an HTTP 200, or undefined when the body is not one. */
function replyCode(res: AxiosResponse): string | undefined {
  if (res.status !== 200) return undefined;
  const decoded = decodeAnswer(res);
  if (!decoded.ok) return undefined;
  const code = decoded.value.response_code;
  return typeof code === 'string' ? code : undefined;
}

const isThrottled = (res: AxiosResponse): boolean => {
  const code = replyCode(res);
  return code === CODE.RATE_EXCEEDED || code === CODE.TOO_MANY_CONNECTIONS;
};
const throttleWait = (res: AxiosResponse): number | undefined => (isThrottled(res) ? THROTTLE_WAIT_MS : undefined);

/** Passing faults: 408/5xx, and 350/404 in the body (a new connection / "Internal Server Error"). */
function isTransient(res: AxiosResponse): boolean {
  if (res.status === 408 || res.status >= 500) return true;
  const code = replyCode(res);
  return code === CODE.TOO_MANY_COMMANDS_PER_CONNECTION || code === CODE.INTERNAL;
}

/** Check a decoded answer's shape before anything reads it. */
const parseAnswer = bodyAnswerParser(
  'nsbridge cannot read this answer; nothing was decided from it. Try again later, and check NSBRIDGE_OPENSRS_ENDPOINT if set',
);

interface Facts {
  readonly username: string;
  readonly sandbox: boolean;
}

const AUTH_HINT = (f: Facts) =>
  `OpenSRS did not accept reseller "${f.username}" (OPENSRS_USERNAME) with OPENSRS_API_KEY, or this machine's IP address is not on the reseller's API allow-list ` +
  `(Reseller Control Panel > Profile Management > API Settings; changes take up to 15 minutes); ${f.sandbox ? 'Horizon' : 'production'} has its own username, key and allow-list (NSBRIDGE_OPENSRS_SANDBOX)`;

/** An is_success=0 answer as the typed error its response_code means. */
function errorFromReply(reply: OpenSrsReply, call: CallContext, facts: Facts, write: boolean): RegistrarError {
  const base = { ...call, status: 200, cause: `response ${reply.response_code} ${reply.response_text.trim()}` };
  switch (reply.response_code) {
    case CODE.RESELLER_AUTH:
      return new RegistrarAuthError({ ...base, hint: AUTH_HINT(facts) });
    case CODE.INTERNAL_OR_ACCESS_DENIED:
      return new RegistrarAuthError({
        ...base,
        hint: `OpenSRS uses 400 both for "Access denied: invalid IP address" and internal errors: if it is the former, add this machine's address to the API allow-list of "${facts.username}"; otherwise try again later`,
      });
    case CODE.REGISTRANT_AUTH:
    case CODE.PERMISSION_DENIED:
      return new DomainNotFoundError({ ...base, hint: `${call.domain} is not in the OpenSRS reseller account "${facts.username}" (OPENSRS_USERNAME)${facts.sandbox ? ' in Horizon' : ''}, or that account may not manage it` });
    case CODE.NOT_FOUND:
      return write
        ? new RegistrarValidationError({ ...base, hint: 'OpenSRS did not find a name server (or the domain); each name server must already exist at the registry. Nothing was changed' })
        : new DomainNotFoundError({ ...base, hint: `${call.domain} is not in the OpenSRS reseller account "${facts.username}" (OPENSRS_USERNAME)${facts.sandbox ? ' in Horizon' : ''}` });
    case CODE.FAILED_VALIDATION:
    case CODE.REGISTRY_ERROR:
      return new RegistrarValidationError({
        ...base,
        hint: write
          ? 'the registry refused the change: each name server must already exist at the registry (ADVANCED_UPDATE_NAMESERVERS does not create hosts); ask the DNS host to register it, or add it to the registry with OpenSRS registry_add_ns or in the control panel (Nameserver Management). Nothing was changed'
          : 'the registry refused the request; try again later',
      });
    case CODE.REQUEST_WAITING:
      return new RegistrarConflictError({ ...base, hint: 'another request is still waiting at the asynchronous registry for this domain; run again once it has finished' });
    case CODE.MISSING_FIELD:
    case CODE.INVALID_DATA:
      return new RegistrarValidationError({ ...base, hint: 'OpenSRS refused the request data; nothing was changed' });
    case CODE.INVALID_COMMAND:
      return new RegistrarApiError({ ...base, hint: 'OpenSRS does not offer this command for the domain (e.g. name servers of .DK domains change with update_all_info)' });
    default:
      return new RegistrarApiError({ ...base, hint: write ? 'run `nsbridge get` to see what OpenSRS holds now, then try again' : 'try again later' });
  }
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { OPENSRS_USERNAME: username, OPENSRS_API_KEY: privateKey }) => {
    const { timeoutMs: operationTimeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: 10 * 60_000, intervalMs: 15_000 });
    const { sandbox, http } = connect(info, ctx, username, {
      headers: { 'Content-Type': 'text/xml', Accept: 'text/xml', 'X-Username': username },
      isRateLimited: isThrottled,
      retryAfterMs: throttleWait,
      isTransient,
    });
    const facts: Facts = { username, sandbox };

    /** One XCP command; returns its reply, refusals (is_success=0) included. */
    async function exchange(cmd: Command, attributes: { [key: string]: XcpValue }, call: CallContext, write: boolean): Promise<OpenSrsReply> {
      const body = requestEnvelope(cmd.action, cmd.object, attributes);
      ctx.debug(`opensrs: ${cmd.action} ${cmd.object} ${call.domain}`);
      const res = await send<string>(
        http,
        // The signature covers the exact body bytes: axios must send the string untouched.
        { method: 'POST', url: '/', data: body, headers: { 'X-Signature': opensrsSignature(body, privateKey) }, responseType: 'text', transformRequest: [(d: string) => d] },
        call,
        throttleWait,
      );
      if (res.status === 401) throw new RegistrarAuthError({ ...call, status: 401, cause: 'HTTP 401 authentication failed', hint: AUTH_HINT(facts) });
      if (res.status !== 200) throw errorForStatus(res, call, { detail: summarizeBody(res.data, 200) });
      const decoded = decodeAnswer(res);
      if (!decoded.ok) {
        throw new RegistrarApiError({
          ...call,
          status: 200,
          cause: `HTTP 200 but ${decoded.reason}: ${summarizeBody(res.data, 120)}`,
          hint: write
            ? 'it is not known whether the change was made; run `nsbridge get` to see what OpenSRS holds, and check NSBRIDGE_OPENSRS_ENDPOINT if set'
            : 'OpenSRS sent an answer nsbridge cannot read; try again later, and check NSBRIDGE_OPENSRS_ENDPOINT if set',
        });
      }
      return parseAnswer(replySchema, decoded.value, call, 'a reply envelope (is_success, response_code)');
    }

    /** One XCP command; returns the reply when is_success=1 (200 or 250), else throws. */
    async function command(cmd: Command, attributes: { [key: string]: XcpValue }, call: CallContext, write: boolean): Promise<OpenSrsReply> {
      const reply = await exchange(cmd, attributes, call, write);
      if (reply.is_success !== '1') throw errorFromReply(reply, call, facts, write);
      return reply;
    }

    async function readNameServers(call: CallContext, domain: string): Promise<string[]> {
      const reply = await command(COMMANDS.getDomain, { domain, type: 'nameservers', limit: '1' }, call, false);
      const attrs = parseAnswer(nameServersAttributesSchema, reply.attributes, call, 'a nameserver_list');
      return [...attrs.nameserver_list].sort((a, b) => Number(a.sortorder ?? 0) - Number(b.sortorder ?? 0)).map((n) => n.name);
    }

    /**
     * After response 250: re-read until `shows()` says the change is there, logging progress; past
     * NSBRIDGE_OPENSRS_OPERATION_TIMEOUT, report it pending (exit 1) with what to check.
     */
    function waitUntilAsyncShows(call: CallContext, what: string, check: string, shows: () => Promise<boolean>): Promise<void> {
      return waitUntilShown({
        ctx,
        timeoutMs: operationTimeoutMs,
        intervalMs: pollIntervalMs,
        shows,
        started: `opensrs: ${call.domain}: ${what} was submitted to an asynchronous registry (response 250); waiting up to ${formatDuration(operationTimeoutMs)} for it to show`,
        pending: `opensrs: ${call.domain}: ${what} still pending`,
        done: `opensrs: ${call.domain}: ${what} is done`,
        notShown: (waited) =>
          new RegistrarApiError({
            ...call,
            cause: `${what} was submitted to an asynchronous registry (response 250) and still did not show after ${waited}`,
            hint: `the registry may still apply it; check later with \`${check}\`, or wait longer with ${OPERATION_TIMEOUT_ENV}`,
          }),
      });
    }

    // --- DNSSEC ---
    /** Which read this OpenSRS answers: GET_DNSSEC_INFO, or GET type=dnssec (found on a 430). */
    let dnssecRead: 'GET_DNSSEC_INFO' | 'GET type=dnssec' = 'GET_DNSSEC_INFO';

    async function readDnssec(call: CallContext, domain: string): Promise<DnssecRecord[]> {
      let reply: OpenSrsReply | undefined;
      if (dnssecRead === 'GET_DNSSEC_INFO') {
        reply = await exchange(COMMANDS.getDnssec, { domain }, call, false);
        if (reply.is_success !== '1' && reply.response_code === CODE.INVALID_COMMAND) {
          ctx.debug('opensrs: GET_DNSSEC_INFO is not offered here (response 430); reading with GET type=dnssec');
          dnssecRead = 'GET type=dnssec';
          reply = undefined;
        } else if (reply.is_success !== '1') {
          throw errorFromReply(reply, call, facts, false);
        }
      }
      reply ??= await command(COMMANDS.getDomain, { domain, type: 'dnssec' }, call, false);
      const attrs = parseAnswer(dnssecAttributesSchema, reply.attributes, call, 'a dnssec list');
      return attrs.dnssec.map((d) => {
        try {
          return { ds: checkDs({ keyTag: d.key_tag, algorithm: d.algorithm, digestType: d.digest_type, digest: d.digest }) };
        } catch (err) {
          throw new RegistrarApiError({ ...call, status: 200, cause: `OpenSRS holds a DS nsbridge cannot read (${(err as Error).message}): ${summarizeBody(d)}`, hint: 'check the domain\'s DNSSEC data in the OpenSRS control panel' });
        }
      });
    }

    const toWire = (r: DnssecRecord): OpenSrsDnssecEntry => ({
      key_tag: String(r.ds.keyTag),
      algorithm: String(r.ds.algorithm),
      digest_type: String(r.ds.digestType),
      digest: r.ds.digest,
    });

    async function writeDnssec(call: CallContext, domain: string, records: DnssecRecord[]): Promise<void> {
      const reply = await command(COMMANDS.setDnssec, { domain, dnssec: records.map(toWire) }, call, true);
      if (reply.response_code === CODE.ASYNC_SUBMITTED) {
        const same = (held: DnssecRecord[]) => held.length === records.length && held.every((h) => records.some((r) => sameDnssecRecord(h, r)));
        await waitUntilAsyncShows(call, 'the DS change', `nsbridge ds get --registrar opensrs --domain ${domain}`, async () => same(await readDnssec(call, domain)));
      }
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        return readDnssec({ registrar: info.id, operation: 'get DNSSEC records', domain }, domain);
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC records', domain };
        const held = await readDnssec(call, domain);
        const missing = records.filter((r) => !held.some((h) => sameDnssecRecord(h, r)));
        if (missing.length > 0) await writeDnssec(call, domain, [...held, ...missing]);
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        const held = await readDnssec(call, domain);
        const kept = held.filter((h) => !records.some((r) => sameDnssecRecord(h, r)));
        if (kept.length !== held.length) await writeDnssec(call, domain, kept);
      },
    };

    return {
      async getNameServers(domain) {
        return readNameServers({ registrar: info.id, operation: 'get name servers', domain }, domain);
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        if (domain.endsWith('.dk')) {
          // https://domains.opensrs.guide/docs/advanced_update_nameservers: "not supported for .DK".
          throw new UsageError(
            `opensrs: set name servers ${domain}: OpenSRS does not support ADVANCED_UPDATE_NAMESERVERS for .DK domains (they change with update_all_info); change them in the OpenSRS control panel, or use the manual registrar for this domain; nothing was changed`,
          );
        }
        const reply = await command(COMMANDS.updateNameServers, { domain, op_type: 'assign', assign_ns: [...nameServers] }, call, true);
        if (reply.response_code === CODE.ASYNC_SUBMITTED) {
          await waitUntilAsyncShows(call, 'the name-server change', `nsbridge get --registrar opensrs --domain ${domain}`, async () =>
            sameNameServers(await readNameServers(call, domain), nameServers),
          );
        } else if (domain.endsWith('.it')) {
          ctx.log(`opensrs: ${domain}: the .IT registry tests new name servers before it activates them; reads show the old ones until then (up to 30 days)`);
        }
      },
      dnssec,
    };
  }),
};
