/**
 * hosting.de JSON API (https://www.hosting.de/api/); every call is POST /api/domain/v1/json/<method>
 * with `authToken` in the body, answered HTTP 200 with {status, errors, metadata, response}:
 *   read:   domainsFind {filter:{field:"DomainName", value}} -> response.data[0].nameservers[{name, ips}]
 *   write:  domainUpdate {domain:<the whole object>} -> status "pending" + metadata.serverTransactionId,
 *           then jobsFind {filter:{field:"JobServerTransactionId", value}} until data[0].state is "successful"
 *   DNSSEC: dnsSecKeysList {domainName} -> responses[{keyData}]; dnsSecKeyModify {domainName, add, remove} (a job too)
 * domainUpdate resets optional fields that are left out (https://www.hosting.de/api/#domainupdate),
 * so the adapter sends back the object it just read, every field as it came, with only
 * `nameservers` replaced. Errors are `status: "error"` with codes; their meanings are not listed
 * publicly beyond 10205 (blocked by a running update, retried as DNSControl does), so the rest
 * are reported with hosting.de's own codes and texts. Job states other than "successful" are
 * UNCONFIRMED: "failed", "error" and "canceled" end the wait, anything else is still running.
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { pollSettings, pollUntilDone } from '../core/operation-poll';
import { DomainNotFoundError, RegistrarApiError, RegistrarValidationError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { checkDnskey, DnssecRecord, dsFromDnskey, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { dnsSecKeyListSchema, envelopeSchema, findResultSchema, HostingdeApiError, HostingdeDomain, HostingdeEnvelope, HostingdeKeyData, jobsFindSchema } from './wire-types';
import * as answer from '../core/answer';

/** "Zone blocked by a running update": wait and send again (DNSControl's hosting.de provider does). */
const CODE_BLOCKED = 10205;
const BLOCKED_WAIT_MS = 2_000;
const UNEXPECTED_SHAPE_HINT = 'hosting.de answered in an unexpected shape; nothing was changed by this call, try again and report it if it persists';
/** Wait before retrying a 429 that names no wait (no limit is published). */
export const RATE_LIMIT_FALLBACK_MS = 5_000;
const FAILED_JOB_STATES = new Set(['failed', 'error', 'canceled', 'cancelled']);

const blocked = (res: AxiosResponse) => {
  const env = envelopeSchema.safeParse(res.data);
  return env.success && env.data.status === 'error' && (env.data.errors ?? []).some((e) => e.code === CODE_BLOCKED);
};
const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : blocked(res) ? BLOCKED_WAIT_MS : undefined);

const describeErrors = (errors: readonly HostingdeApiError[]) =>
  errors
    .map((e) => {
      // The offending value helps (e.g. which name server); an echoed secret is masked by the CLI's redactor.
      const value = typeof e.value === 'string' || typeof e.value === 'number' ? `: ${e.value}` : '';
      const where = e.contextPath || value ? ` (${e.contextPath ?? ''}${value})` : '';
      return `${e.code}${e.text ? ` ${e.text}` : ''}${where}`;
    })
    .join('; ') || '(no error details)';

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const polling = pollSettings(info, ctx.env);
    const { http } = connect(info, ctx, creds.HOSTINGDE_API_KEY, {
      headers: { Accept: 'application/json' },
      isRateLimited: blocked,
      retryAfterMs,
    });

    /** One API method: its envelope, checked; `status: "error"` is an error whatever the HTTP status. */
    async function call(method: string, body: Record<string, unknown>, c: CallContext, write: boolean): Promise<HostingdeEnvelope> {
      const res = await send(
        http,
        { method: 'POST', url: `/api/domain/v1/json/${method}`, data: { authToken: creds.HOSTINGDE_API_KEY, ...body }, headers: { 'Content-Type': 'application/json' } },
        c,
        retryAfterMs,
      );
      if (!isSuccess(res)) throw errorForStatus(res, c);
      const envelope = answer.parseResponse(envelopeSchema, res, { ...c, what: `a ${method} answer envelope`, hint: UNEXPECTED_SHAPE_HINT });
      if (envelope.status === 'error') {
        const Err = write ? RegistrarValidationError : RegistrarApiError;
        throw new Err({
          ...c,
          status: res.status,
          cause: `${method}: error ${describeErrors(envelope.errors ?? [])}`,
          hint: write
            ? 'hosting.de refused the change (name servers must be existing host names; DNSKEYs must be valid); nothing was changed'
            : 'hosting.de refused the request; check HOSTINGDE_API_KEY (and that the key may use the domain API) and the domain in the control panel',
        });
      }
      return envelope;
    }

    /** The `response` (or `responses`) of an envelope, checked against its schema (parseAnswer). */
    function parseAnswer<S extends z.ZodType>(env: HostingdeEnvelope, field: 'response' | 'responses', schema: S, c: CallContext, what: string): z.infer<S> {
      return answer.parseAnswer(schema, env[field], {
        ...c,
        what,
        raw: env,
        hint: UNEXPECTED_SHAPE_HINT,
      });
    }

    async function findDomain(domain: string, c: CallContext): Promise<HostingdeDomain> {
      const env = await call('domainsFind', { filter: { field: 'DomainName', value: domain }, limit: 10, page: 1 }, c, false);
      const found = parseAnswer(env, 'response', findResultSchema, c, 'a domainsFind result with data[]');
      const hit = found.data.find((d) => d.name.toLowerCase() === domain);
      if (!hit) {
        throw new DomainNotFoundError({ ...c, cause: 'domainsFind lists no such domain', hint: 'the domain is not in the hosting.de account of HOSTINGDE_API_KEY (or of a white-label instance: check NSBRIDGE_HOSTINGDE_ENDPOINT)' });
      }
      return hit;
    }

    /** A "pending" answer: wait for its job. A "success" answer is done already. */
    async function settle(env: HostingdeEnvelope, domain: string, c: CallContext): Promise<void> {
      if (env.status === 'success') return;
      const stid = env.metadata?.serverTransactionId;
      if (!stid) {
        throw new RegistrarApiError({ ...c, cause: `the change is pending without a serverTransactionId: ${summarizeBody(env)}`, hint: `it may still complete; check with \`nsbridge get --registrar hostingde --domain ${domain}\` later` });
      }
      await pollUntilDone({
        settings: polling,
        ctx,
        what: `hostingde: ${domain}: job ${stid}`,
        check: async () => {
          const jobs = parseAnswer(await call('jobsFind', { filter: { field: 'JobServerTransactionId', value: stid } }, c, false), 'response', jobsFindSchema, c, 'a jobsFind result with data[]');
          const state = jobs.data[0]?.state;
          if (state === undefined) return { done: false, status: 'not listed yet' };
          if (state === 'successful') return { done: true };
          if (FAILED_JOB_STATES.has(state)) {
            throw new RegistrarValidationError({ ...c, cause: `job ${stid} ended ${state}: ${summarizeBody(jobs.data[0])}`, hint: 'hosting.de (or the registry) refused the change; nothing changed. Check the domain\'s jobs in the control panel, then run again' });
          }
          return { done: false, status: state };
        },
        pending: (status, waited) =>
          new RegistrarApiError({
            ...c,
            cause: `job ${stid} is still ${status} after ${Math.round(waited / 1000)}s`,
            hint: `hosting.de accepted the change and may still complete it (the domain's jobs in the control panel); check later with \`nsbridge get --registrar hostingde --domain ${domain}\`, or wait longer with ${polling.timeoutEnv}`,
          }),
      });
    }

    function toRecord(domain: string, k: HostingdeKeyData, c: CallContext): DnssecRecord {
      try {
        const dnskey = checkDnskey({ flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey });
        return { ds: dsFromDnskey(domain, dnskey), dnskey };
      } catch (e) {
        if (!(e instanceof InvalidDnssecError)) throw e;
        throw new RegistrarApiError({ ...c, cause: `hosting.de holds a DNSSEC key nsbridge cannot read (${e.message}): ${summarizeBody(k)}`, hint: 'check the domain\'s DNSSEC keys in the control panel' });
      }
    }

    async function listKeys(domain: string, c: CallContext) {
      const env = await call('dnsSecKeysList', { domainName: domain }, c, false);
      return parseAnswer(env, 'responses', dnsSecKeyListSchema, c, 'a dnsSecKeysList result with responses[{keyData}]').map((k) => ({ keyData: k.keyData, record: toRecord(domain, k.keyData, c) }));
    }

    const keyData = (r: DnssecRecord): HostingdeKeyData => ({ flags: r.dnskey!.flags, protocol: r.dnskey!.protocol, algorithm: r.dnskey!.algorithm, publicKey: r.dnskey!.publicKey });

    async function modifyKeys(domain: string, add: HostingdeKeyData[], remove: HostingdeKeyData[], c: CallContext) {
      const env = await call('dnsSecKeyModify', { domainName: domain, add: add.map((k) => ({ keyData: k })), remove: remove.map((k) => ({ keyData: k })) }, c, true);
      await settle(env, domain, c);
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        return (await listKeys(domain, { registrar: info.id, operation: 'get DNSSEC records', domain })).map((k) => k.record);
      },
      async addDnssecRecords(domain, records) {
        const c = { registrar: info.id, operation: 'add DNSSEC records', domain };
        if (records.some((r) => !r.dnskey)) {
          throw new RegistrarValidationError({ ...c, cause: 'a DS record without its DNSKEY', hint: 'hosting.de takes the DNSKEY and computes the DS itself; give --dnskey. Nothing was changed' });
        }
        const held = await listKeys(domain, c);
        const adding = records.filter((r) => !held.some((h) => sameDnssecRecord(h.record, r)));
        if (adding.length) await modifyKeys(domain, adding.map(keyData), [], c);
      },
      async removeDnssecRecords(domain, records) {
        const c = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        const held = await listKeys(domain, c);
        const removing = held.filter((h) => records.some((r) => sameDnssecRecord(h.record, r)));
        if (removing.length) await modifyKeys(domain, [], removing.map((h) => h.keyData), c);
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        return (await findDomain(domain, { registrar: info.id, operation: 'get name servers', domain })).nameservers.map((n) => n.name);
      },
      async setNameServers(domain, nameServers) {
        const c = { registrar: info.id, operation: 'set name servers', domain };
        const current = await findDomain(domain, c);
        // The whole object as read (contacts, transfer lock, DNSSEC entries, ...): domainUpdate resets what is left out.
        const env = await call('domainUpdate', { domain: { ...current, nameservers: nameServers.map((name) => ({ name })) } }, c, true);
        await settle(env, domain, c);
      },
    };
  }),
};
