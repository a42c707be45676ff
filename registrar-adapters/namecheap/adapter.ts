/**
 * Namecheap XML API (https://www.namecheap.com/support/api/methods/).
 *   one endpoint `.../xml.response`, the operation chosen by `Command`;
 *   read:  Command=namecheap.domains.getInfo&DomainName=example.com -> DnsDetails/Nameserver
 *   write: Command=namecheap.domains.dns.setCustom&SLD=example&TLD=com&Nameservers=a,b,c
 * Sent as POST application/x-www-form-urlencoded (as the official SDK and DNSControl do): the
 * key never travels in a URL. Global parameters ApiUser, ApiKey, UserName, ClientIp on every call.
 *
 * Answers: every error is HTTP 200 with Status="ERROR" and numbered <Error>s (errors.ts maps the
 * numbers); throttling is HTTP 405 with no retry hint (the body is UNCONFIRMED, so it is never
 * read); an HTTP 200 whose body is not a well-formed ApiResponse is an error, never half-read.
 *
 * IsUsingOurDNS="true" (Namecheap's own BasicDNS/FreeDNS/PremiumDNS): getInfo still lists the
 * name servers in use (dns1/dns2.registrar-servers.com, pdns* for PremiumDNS), and that list is
 * what nsbridge reports: it is what the registry holds, so comparing against it is exact, and
 * guessing Namecheap's defaults would be wrong for PremiumDNS. An empty list is reported as empty
 * (a set then writes). Leaving Namecheap DNS stops its URL/email forwarding and dynamic DNS:
 * `set` says so on stderr when it makes that switch.
 */
import type { AxiosResponse } from 'axios';
import { isIPv4 } from 'node:net';
import { domainToASCII } from 'node:url';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import { summarizeBody } from '../../core/redact';
import { RegistrarApiError, RegistrarRateLimitError, RegistrarValidationError, UsageError } from '../../core/errors';
import { COMMANDS, GetInfoAnswer, MAX_NAMESERVERS_CHARS, NamecheapEnvelope, SetCustomAnswer } from './wire-types';
import { parseAnswer } from '../core/answer';
import { parseEnvelope, readGetInfo, readSetCustom } from './envelope';
import { AccountFacts, errorFromEnvelope, TRANSIENT_ERRORS, transientExhausted } from './errors';
import { splitDomain } from './domain';
import { quoteInput } from '../../core/quote';

/**
 * How long to hold off after a 405. Namecheap sends no hint (no Retry-After, body UNCONFIRMED);
 * 5 s is the interval DNSControl has used against the real API for years. The factory waits at
 * least this long before each retry, and the shared limiter pauses every other nsbridge process
 * of the account for as long.
 */
export const THROTTLE_WAIT_MS = 5_000;

const throttleWait = (res: AxiosResponse): number | undefined => (res.status === 405 ? THROTTLE_WAIT_MS : undefined);

const THROTTLE_HINT =
  'Namecheap allows 20 requests a minute, 700 an hour and 8000 a day per user, shared with every other tool using this account; ' +
  'run fewer domains at once (terraform -parallelism) or try again later';

function statusHint(status: number, env: NodeJS.ProcessEnv): string {
  if (status === 404) {
    return env.NSBRIDGE_NAMECHEAP_ENDPOINT
      ? 'NSBRIDGE_NAMECHEAP_ENDPOINT must be the full API URL, ending in /xml.response (e.g. https://api.namecheap.com/xml.response)'
      : 'Namecheap\'s API URL answered 404; try again later';
  }
  if (status === 401 || status === 403) {
    return 'something in front of Namecheap\'s API refused the request before the API saw it; check that this address is not blocked (and NSBRIDGE_NAMECHEAP_ENDPOINT, if set)';
  }
  return 'Namecheap answered outside its API envelope; try again later';
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { NAMECHEAP_API_USER: apiUser, NAMECHEAP_API_KEY: apiKey, NAMECHEAP_USER_NAME: userName, NAMECHEAP_CLIENT_IP: clientIp }) => {
    if (!isIPv4(clientIp)) {
      throw new UsageError(
        `NAMECHEAP_CLIENT_IP=${quoteInput(clientIp)} is not an IPv4 address: Namecheap's API whitelist takes IPv4 addresses only; ` +
          'set it to the public IPv4 address this machine\'s requests leave from',
      );
    }
    const facts: AccountFacts = { apiUser, userName, clientIp };

    // The last "unknown exception" envelope the retry layer saw, to name it if it outlasts the retries.
    let lastTransient: NamecheapEnvelope | undefined;
    // Namecheap counts its limits per user; the identity is hashed into the limiter's file name.
    const { baseURL: endpoint, http } = connect(info, ctx, apiUser.toLowerCase(), {
      headers: { Accept: 'text/xml' },
      isRateLimited: (res) => res.status === 405,
      retryAfterMs: throttleWait,
      isTransient: (res) => {
        if (res.status === 408 || res.status >= 500) return true;
        if (res.status !== 200) return false;
        const parsed = parseEnvelope(res.data);
        if (!parsed.ok || parsed.envelope.status === 'OK') return false;
        if (!parsed.envelope.errors.some((e) => TRANSIENT_ERRORS.has(e.number))) return false;
        lastTransient = parsed.envelope;
        return true;
      },
    });

    // Which domains getInfo found on Namecheap's own DNS (for the warning when set leaves it).
    const onNamecheapDns = new Set<string>();

    async function request(command: string, params: Record<string, string>, where: CallContext): Promise<{ envelope: NamecheapEnvelope; raw: unknown }> {
      lastTransient = undefined;
      const form = new URLSearchParams({ ApiUser: apiUser, ApiKey: apiKey, UserName: userName, ClientIp: clientIp, Command: command, ...params });
      ctx.debug(`namecheap: Command=${command} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      let res: AxiosResponse<string>;
      try {
        res = await send<string>(
          http,
          {
            method: 'POST',
            url: endpoint,
            data: form.toString(),
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            responseType: 'text',
          },
          where,
          throttleWait,
        );
      } catch (err) {
        if (err instanceof RegistrarRateLimitError) {
          throw new RegistrarRateLimitError({ ...where, status: err.status, cause: err.retried === false ? err.reason : `throttled (HTTP ${err.status ?? 405}) after retries`, hint: THROTTLE_HINT });
        }
        if (err instanceof RegistrarApiError && err.status === 200 && lastTransient) throw transientExhausted(lastTransient, where);
        throw err;
      }
      if (res.status !== 200) {
        const meaning = { detail: summarizeBody(res.data, 200), hint: statusHint(res.status, ctx.env) };
        // A 404 from the one API URL means a wrong URL, not a missing domain.
        if (res.status === 404) throw new RegistrarApiError({ ...where, status: 404, cause: `HTTP 404 ${meaning.detail}`, hint: meaning.hint });
        throw errorForStatus(res, where, meaning);
      }
      const parsed = parseEnvelope(res.data);
      if (!parsed.ok) {
        throw new RegistrarApiError({
          ...where,
          status: 200,
          cause: `HTTP 200 but ${parsed.reason}: ${summarizeBody(res.data, 120)}`,
          hint: 'Namecheap sent an answer nsbridge cannot read; try again later (and check NSBRIDGE_NAMECHEAP_ENDPOINT, if set, points at the API)',
        });
      }
      const envelope = parsed.envelope;
      for (const w of envelope.warnings) ctx.log(`namecheap: ${where.operation} ${where.domain}: Namecheap warning ${[w.number, w.text].filter(Boolean).join(' ')}`);
      if (envelope.status !== 'OK') throw errorFromEnvelope(envelope, where, facts, res.status);
      return { envelope, raw: res.data };
    }

    return {
      async getNameServers(domain) {
        const ctxCall: CallContext = { registrar: info.id, operation: 'get name servers', domain };
        splitDomain(domain); // a usage error for non-registrable names, before anything is sent
        const { envelope, raw } = await request(COMMANDS.getInfo, { DomainName: domain }, ctxCall);
        const result = parseAnswer(GetInfoAnswer, readGetInfo(envelope) ?? null, {
          ...ctxCall,
          status: 200,
          raw,
          what: 'Status="OK" with a DomainGetInfoResult that has DnsDetails',
        });
        if (result.domainName && domainToASCII(result.domainName).toLowerCase() !== domain) {
          throw new RegistrarApiError({ ...ctxCall, status: 200, cause: `the answer is about "${result.domainName}", not ${domain}`, hint: 'try again later' });
        }
        if (result.dns.isUsingOurDns) {
          onNamecheapDns.add(domain);
          ctx.debug(`namecheap: ${domain} uses Namecheap's own DNS (ProviderType ${result.dns.providerType || '?'}): reporting the name servers getInfo lists`);
        } else {
          onNamecheapDns.delete(domain);
        }
        return result.dns.nameServers;
      },

      async setNameServers(domain, nameServers) {
        const ctxCall: CallContext = { registrar: info.id, operation: 'set name servers', domain };
        const { sld, tld } = splitDomain(domain);
        const value = nameServers.join(',');
        if (nameServers.length < 2) {
          throw new RegistrarValidationError({ ...ctxCall, cause: `${nameServers.length} name server(s) given`, hint: 'Namecheap needs at least 2 name servers' });
        }
        if (value.length > MAX_NAMESERVERS_CHARS) {
          throw new RegistrarValidationError({
            ...ctxCall,
            cause: `the name servers make ${value.length} characters as one comma-separated list`,
            hint: `Namecheap's setCustom takes at most ${MAX_NAMESERVERS_CHARS}; use fewer or shorter name servers`,
          });
        }
        const { envelope, raw } = await request(COMMANDS.setCustom, { SLD: sld, TLD: tld, Nameservers: value }, ctxCall);
        const result = parseAnswer(SetCustomAnswer, readSetCustom(envelope) ?? null, {
          ...ctxCall,
          status: 200,
          raw,
          write: true,
          what: 'Status="OK" with a DomainDNSSetCustomResult',
        });
        if (!result.updated) {
          throw new RegistrarApiError({
            ...ctxCall,
            status: 200,
            cause: 'Status="OK" but Updated="false"',
            hint: 'Namecheap did not confirm the change; run `nsbridge get` to see what it holds, then try again',
          });
        }
        if (onNamecheapDns.delete(domain)) {
          ctx.log(`namecheap: ${domain}: moved from Namecheap's own DNS to custom name servers; Namecheap URL forwarding, email forwarding and dynamic DNS for it stop working`);
        }
      },
    };
  }),
};
