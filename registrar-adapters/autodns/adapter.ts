/**
 * AutoDNS / InterNetX Domainrobot JSON API (https://help.internetx.com/display/APIXMLEN/JSON+API+Basics;
 * paths and shapes from the spec in https://github.com/InterNetX/php-domainrobot-sdk, src/Lib/specs.json):
 *   read:   GET /v1/domain/{name} -> {status, data:[Domain{nameServers[{name}], dnssecData[DNSKEY]}]}
 *   write:  PUT /v1/domain/{name} Domain -> a job: data[0].job{id, status} (or the Job itself)
 *   wait:   GET /v1/job/{id} until data[0].status is SUCCESS (FAILED/CANCELED end it)
 * Auth: HTTP Basic user:password plus X-Domainrobot-Context (AUTODNS_CONTEXT, default 4); the
 * demo system also gets X-Domainrobot-Demo: true. Errors are HTTP statuses with status.type ERROR
 * and messages[{code, text}].
 * PUT semantics: the spec takes a whole Domain; DNSControl sends only nameServers; the docs do not
 * say whether left-out fields are reset (they do say an omitted dnssecData is kept). The safe way
 * under either reading: send back the object just read, with only nameServers (or dnssecData) changed.
 * The spec documents 200 for the update; DNSControl re-sends on 202, which could submit twice, so a
 * 202 is read as an accepted job too and never re-sent. 3 requests per second per IP (InterNetX
 * help); a 429 without Retry-After waits one second per retry.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { readBooleanSetting, withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { pollSettings, pollUntilDone } from '../core/operation-poll';
import { DomainNotFoundError, RegistrarApiError, RegistrarValidationError, UsageError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { checkDnskey, DnssecRecord, dsFromDnskey, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { AutodnsDnssecKey, AutodnsDomain, AutodnsEnvelope, AutodnsJob, domainSchema, envelopeSchema, jobSchema, objectJobSchema } from './wire-types';
import * as answer from '../core/answer';

/** The published limit is per second: a 429 without a hint waits that window out. */
export const RATE_LIMIT_FALLBACK_MS = 1_000;
const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);
const DEFAULT_CONTEXT = '4';

const AUTH_HINT =
  'AutoDNS did not accept AUTODNS_API_USER/AUTODNS_API_PASSWORD in context AUTODNS_CONTEXT (default 4); demo (NSBRIDGE_AUTODNS_SANDBOX=1) and live users differ, and users with 2FA cannot use nsbridge';

function messages(env: AutodnsEnvelope | undefined): string | undefined {
  if (!env) return undefined;
  const parts = [env.status.code && env.status.text ? `${env.status.code} ${env.status.text}` : env.status.text ?? env.status.code];
  for (const m of env.messages ?? []) parts.push(`${m.code ?? ''} ${m.text ?? ''}`.trim());
  const text = parts.filter(Boolean).join('; ');
  return text || undefined;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const sandbox = readBooleanSetting(ctx.env, 'NSBRIDGE_AUTODNS_SANDBOX');
    const context = creds.AUTODNS_CONTEXT ?? DEFAULT_CONTEXT;
    if (!/^\d+$/.test(context)) throw new UsageError(`AUTODNS_CONTEXT="${context}" is not an AutoDNS context number (4 for the live system, 1 for the test context)`);
    const polling = pollSettings(info, ctx.env);
    // The limit counts per IP address: every user on this machine shares one window.
    const { http } = connect(info, ctx, 'per-ip', {
      headers: {
        Authorization: `Basic ${Buffer.from(`${creds.AUTODNS_API_USER}:${creds.AUTODNS_API_PASSWORD}`).toString('base64')}`,
        'X-Domainrobot-Context': context,
        ...(sandbox ? { 'X-Domainrobot-Demo': 'true' } : {}),
        Accept: 'application/json',
      },
      retryAfterMs,
    });
    const request = (config: AxiosRequestConfig, call: CallContext) => send(http, config, call, retryAfterMs);
    const path = (domain: string) => `/v1/domain/${encodeURIComponent(domain)}`;

    /** The envelope's data[0], checked against its schema (parseAnswer); another shape quotes the body. */
    function parseAnswer<S extends z.ZodType>(res: AxiosResponse, call: CallContext, schema: S, what: string): z.infer<S> {
      const hint = 'AutoDNS answered in an unexpected shape; try again and report it if it persists';
      const env = answer.parseResponse(envelopeSchema, res, { ...call, what: `an AutoDNS envelope with ${what}`, hint });
      return answer.parseAnswer(schema, env.data?.[0], { ...call, status: res.status, what, hint, raw: res.data });
    }

    function failure(res: AxiosResponse, call: CallContext, write: boolean) {
      const env = envelopeSchema.safeParse(res.data);
      const detail = messages(env.success ? env.data : undefined);
      if (res.status === 401 || res.status === 403) return errorForStatus(res, call, { detail, hint: AUTH_HINT });
      if (res.status === 404) return errorForStatus(res, call, { detail, hint: `the domain is not in the AutoDNS account of this user (context ${context}${sandbox ? ', demo system' : ''})` });
      if (write && res.status === 400) {
        return new RegistrarValidationError({ ...call, status: 400, cause: `HTTP 400 ${detail ?? summarizeBody(res.data)}`, hint: 'AutoDNS refused the update (name servers must be existing host names; DNSKEYs must be valid); nothing was changed' });
      }
      return errorForStatus(res, call, { detail });
    }

    async function readDomain(domain: string, call: CallContext): Promise<AutodnsDomain> {
      const res = await request({ method: 'GET', url: path(domain) }, call);
      if (!isSuccess(res)) throw failure(res, call, false);
      const env = envelopeSchema.safeParse(res.data);
      // DNSControl reads an empty data list as "not found": so does nsbridge.
      if (env.success && (env.data.data ?? []).length === 0) {
        throw new DomainNotFoundError({ ...call, status: res.status, cause: `AutoDNS returned no domain (${messages(env.data) ?? 'empty data'})`, hint: `the domain is not in the AutoDNS account of this user (context ${context})` });
      }
      return parseAnswer(res, call, domainSchema, 'a domain object with nameServers');
    }

    /** PUT the object as read with `change` applied, then wait for its job. */
    async function update(domain: string, current: AutodnsDomain, change: Partial<AutodnsDomain>, call: CallContext): Promise<void> {
      const res = await request({ method: 'PUT', url: path(domain), data: { ...current, ...change }, headers: { 'Content-Type': 'application/json' } }, call);
      if (!isSuccess(res)) throw failure(res, call, true);
      const env = envelopeSchema.safeParse(res.data);
      if (env.success && (env.data.data ?? []).length === 0 && env.data.status.type === 'SUCCESS') return;
      const first = parseAnswer(res, call, objectJobSchema, 'a job (data[0].job)');
      const job: AutodnsJob = 'job' in first ? (first as { job: AutodnsJob }).job : (first as AutodnsJob);
      if (job.status === 'SUCCESS') return;
      await pollUntilDone({
        settings: polling,
        ctx,
        what: `autodns: ${domain}: job ${job.id}`,
        check: async () => {
          const r = await request({ method: 'GET', url: `/v1/job/${encodeURIComponent(String(job.id))}` }, call);
          if (!isSuccess(r)) throw failure(r, call, false);
          const j = parseAnswer(r, call, jobSchema, 'a job with a status');
          if (j.status === 'SUCCESS') return { done: true };
          if (j.status === 'FAILED' || j.status === 'CANCELED') {
            const why = messages(envelopeSchema.safeParse(r.data).data);
            throw new RegistrarValidationError({
              ...call,
              cause: `job ${job.id} ended ${j.status}${j.subStatus ? ` (${j.subStatus})` : ''}${why ? `: ${why}` : ''}`,
              hint: 'AutoDNS (or the registry) did not make the change; nothing changed. Check the job in the AutoDNS interface, then run again',
            });
          }
          return { done: false, status: j.status };
        },
        pending: (status, waited) =>
          new RegistrarApiError({
            ...call,
            cause: `job ${job.id} is still ${status} after ${Math.round(waited / 1000)}s`,
            hint: `AutoDNS accepted the update and may still complete it (job ${job.id} in the AutoDNS interface${status === 'SUPPORT' ? '; SUPPORT means InterNetX support handles it' : ''}); check later with \`nsbridge get --registrar autodns --domain ${domain}\`, or wait longer with ${polling.timeoutEnv}`,
          }),
      });
    }

    function toRecord(domain: string, k: AutodnsDnssecKey, call: CallContext): DnssecRecord {
      try {
        const dnskey = checkDnskey({ flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey });
        return { ds: dsFromDnskey(domain, dnskey), dnskey };
      } catch (e) {
        if (!(e instanceof InvalidDnssecError)) throw e;
        throw new RegistrarApiError({ ...call, cause: `AutoDNS holds a DNSSEC key nsbridge cannot read (${e.message}): ${summarizeBody(k)}`, hint: 'check the domain\'s DNSSEC keys in the AutoDNS interface' });
      }
    }
    const wire = (r: DnssecRecord): AutodnsDnssecKey => ({ algorithm: r.dnskey!.algorithm, flags: r.dnskey!.flags, protocol: r.dnskey!.protocol, publicKey: r.dnskey!.publicKey });

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const call = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return ((await readDomain(domain, call)).dnssecData ?? []).map((k) => toRecord(domain, k, call));
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC records', domain };
        if (records.some((r) => !r.dnskey)) {
          throw new RegistrarValidationError({ ...call, cause: 'a DS record without its DNSKEY', hint: 'AutoDNS takes the DNSKEY and computes the DS itself; give --dnskey. Nothing was changed' });
        }
        const current = await readDomain(domain, call);
        const held = current.dnssecData ?? [];
        const adding = records.filter((r) => !held.some((k) => sameDnssecRecord(toRecord(domain, k, call), r)));
        if (adding.length) await update(domain, current, { dnssecData: [...held, ...adding.map(wire)] }, call);
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        const current = await readDomain(domain, call);
        const held = current.dnssecData ?? [];
        // An empty list deletes every key at the registry (an omitted one would keep them).
        const kept = held.filter((k) => !records.some((r) => sameDnssecRecord(toRecord(domain, k, call), r)));
        if (kept.length !== held.length) await update(domain, current, { dnssecData: kept }, call);
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        return (await readDomain(domain, { registrar: info.id, operation: 'get name servers', domain })).nameServers.map((n) => n.name);
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const current = await readDomain(domain, call);
        await update(domain, current, { nameServers: nameServers.map((name) => ({ name })) }, call);
      },
    };
  }),
};
