import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { startEmulator } from '../../testing/registrars/namecheap/emulator';
import { adapter, THROTTLE_WAIT_MS } from '../../registrar-adapters/namecheap/adapter';
import { parseEnvelope, readGetInfo } from '../../registrar-adapters/namecheap/envelope';
import { splitDomain } from '../../registrar-adapters/namecheap/domain';
import { info } from '../../registrar-adapters/namecheap/info';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarValidationError,
  UsageError,
} from '../../core/errors';

describeRegistrarConformance({
  id: 'namecheap',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /Namecheap error 1011102 API Key is invalid or API access has not been enabled: .*NAMECHEAP_API_KEY/,
});


describe('namecheap quirks', () => {
  const setup = useEmulatorForQuirks('namecheap', () => startEmulator({ rateLimit: null }));
  const { emu, limiterDir } = setup;
  const env = (extra: EnvExtra = {}) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra });
  const get = (domain = 'example.com', e = env()) => runCli(['get', '--registrar', 'namecheap', '--domain', domain, '--json'], e);
  const set = (ns: string[], domain = 'example.com', e = env()) =>
    runCli(['set', '--registrar', 'namecheap', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  /** The adapter in-process, for calls the CLI never makes (it always reads first). */
  const client = (extra: Record<string, string> = {}) =>
    adapter.createClient({ env: env(extra), log: () => undefined, debug: () => undefined });
  /** Talk to the emulator directly, as curl would. */
  const direct = (init: { method: string; query?: Record<string, string>; form?: Record<string, string>; body?: string; contentType?: string; path?: string }) => {
    const url = new URL(`${emu().url}${init.path ?? '/xml.response'}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const body = init.form ? new URLSearchParams(init.form).toString() : init.body;
    const contentType = init.form ? 'application/x-www-form-urlencoded' : init.contentType;
    return fetch(url, { method: init.method, headers: contentType ? { 'Content-Type': contentType } : {}, body });
  };
  const auth = () => ({ ApiUser: emu().apiUser, ApiKey: emu().apiKey, UserName: emu().userName, ClientIp: emu().clientIp });
  const envelopeOf = async (res: Response) => {
    const parsed = parseEnvelope(await res.text());
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.envelope;
  };

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().http.rateLimit = undefined;
    emu().clearScripts();
    emu().calls.length = 0;
    emu().apiAccessEnabled = true;
    emu().whitelist.clear();
    emu().whitelist.add(emu().clientIp);
    emu().addDomain('example.com', OLD_NS);
  });

  describe('the wire: one endpoint, POST form, Command, global parameters', () => {
    test('every call is a POST form to /xml.response; the key is in the body, never in a URL or a trace', async () => {
      const r = await runCli(['--verbose', 'set', '--registrar', 'namecheap', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env());
      expect(r.code).toBe(0);
      expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /xml.response', 'POST /xml.response']);
      for (const c of emu().calls) {
        expect(c.contentType).toBe('application/x-www-form-urlencoded');
        expect(c.source).toBe('form');
        expect(c.names.slice(0, 5)).toEqual(['ApiUser', 'ApiKey', 'UserName', 'ClientIp', 'Command']);
      }
      expect(emu().calls.map((c) => c.params.command)).toEqual(['namecheap.domains.getInfo', 'namecheap.domains.dns.setCustom']);
      expect(r.stderr).toMatch(new RegExp(`namecheap: -> POST ${emu().endpoint.replace(/[.]/g, '\\.')}\\n`));
      expect(r.stderr).toMatch(/Command=namecheap\.domains\.getInfo DomainName=example\.com/);
      for (const s of emu().secrets()) expect(r.stderr + r.stdout).not.toContain(s);
    });

    test('NAMECHEAP_USER_NAME defaults to the API user', async () => {
      const r = await get();
      expect(r.code).toBe(0);
      expect(emu().calls[0]!.params.username).toBe(emu().apiUser);
      expect(emu().calls[0]!.params.apiuser).toBe(emu().apiUser);
      expect(emu().calls[0]!.params.clientip).toBe('203.0.113.10');
    });

    test('getInfo takes DomainName; setCustom takes SLD + TLD split at the public suffix and ONE comma-separated Nameservers', async () => {
      emu().addDomain('example.co.uk', OLD_NS);
      const r = await set(NEW_NS, 'example.co.uk');
      expect(r.code).toBe(0);
      expect(emu().calls[0]!.params).toMatchObject({ command: 'namecheap.domains.getInfo', domainname: 'example.co.uk' });
      expect(emu().calls[0]!.params.sld).toBeUndefined();
      expect(emu().calls[1]!.params).toMatchObject({
        command: 'namecheap.domains.dns.setCustom',
        sld: 'example',
        tld: 'co.uk',
        nameservers: [...NEW_NS].sort().join(','),
      });
      expect(emu().calls[1]!.names.filter((n) => n.toLowerCase() === 'nameservers')).toEqual(['Nameservers']);
      expect(emu().nameServersOf('example.co.uk')).toEqual([...NEW_NS].sort());
    });

    test('public-suffix split: multi-label suffixes, IDN, and names Namecheap does not register (exit 2, nothing sent)', async () => {
      expect(splitDomain('example.co.uk')).toEqual({ sld: 'example', tld: 'co.uk' });
      expect(splitDomain('example.com.au')).toEqual({ sld: 'example', tld: 'com.au' });
      expect(splitDomain('xn--bcher-kva.com')).toEqual({ sld: 'xn--bcher-kva', tld: 'com' });
      expect(() => splitDomain('co.uk')).toThrow(UsageError);
      const r = await get('www.example.co.uk');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/"www\.example\.co\.uk" is not a registrable domain.*the registered domain is example\.co\.uk/);
      expect(emu().http.requests).toHaveLength(0);
    });

    test('the emulator accepts GET with a query string and POST with a form, parameter names in any case', async () => {
      const lower = Object.fromEntries(Object.entries(auth()).map(([k, v]) => [k.toLowerCase(), v]));
      const viaGet = await envelopeOf(await direct({ method: 'GET', query: { ...lower, COMMAND: 'namecheap.domains.getinfo', domainname: 'example.com' } }));
      expect(viaGet.status).toBe('OK');
      expect(readGetInfo(viaGet)?.dns?.nameServers).toEqual(OLD_NS);
      const viaPost = await envelopeOf(
        await direct({ method: 'POST', form: { APIUSER: emu().apiUser, apikey: emu().apiKey, Username: emu().userName, ClientIP: emu().clientIp, Command: 'namecheap.domains.dns.getList', SLD: 'example', TLD: 'com' } }),
      );
      expect(viaPost.status).toBe('OK');
      expect(viaPost.requestedCommand).toBe('namecheap.domains.dns.getlist');
      // lexicon's style: the parameters in the query string of a POST.
      const postQuery = await envelopeOf(await direct({ method: 'POST', query: { ...auth(), Command: 'namecheap.domains.getInfo', DomainName: 'example.com' } }));
      expect(postQuery.status).toBe('OK');
      expect(emu().calls.map((c) => c.source)).toEqual(['query', 'form', 'query']);
      // A JSON body carries no parameters at all.
      const json = await envelopeOf(await direct({ method: 'POST', body: JSON.stringify({ ...auth(), Command: 'namecheap.domains.getInfo' }), contentType: 'application/json' }));
      expect(json.errors).toEqual([{ number: '1010101', text: 'Parameter APIUser is missing' }]);
    });

    test('the envelope: text/xml, Status, Errors, Warnings, lower-cased RequestedCommand, CommandResponse Type, Server, GMTTimeDifference, ExecutionTime', async () => {
      const res = await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.getInfo', DomainName: 'example.com' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
      const text = await res.text();
      expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
      const parsed = parseEnvelope(text);
      expect(parsed.ok).toBe(true);
      for (const element of ['<Errors />', '<Warnings />', '<RequestedCommand>namecheap.domains.getinfo</RequestedCommand>', '<CommandResponse Type="namecheap.domains.getInfo">', '<Server>', '<GMTTimeDifference>', '<ExecutionTime>']) {
        expect(text).toContain(element);
      }
      expect(text).toMatch(/<ApiResponse Status="OK" xmlns="http:\/\/api\.namecheap\.com\/xml\.response">/);
      expect(text).toMatch(/<DnsDetails ProviderType="CUSTOM" IsUsingOurDNS="false"[^>]*><Nameserver>ns1\.old-dns\.net<\/Nameserver>/);
    });

    test('an error is HTTP 200 with Status="ERROR"; CommandResponse is still there with empty defaults', async () => {
      const res = await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.getInfo', DomainName: 'not-mine.com' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('<ApiResponse Status="ERROR"');
      expect(text).toContain('<Error Number="2030166">Domain is invalid</Error>');
      expect(text).toContain('<DomainGetInfoResult Status="" ID="0"');
    });

    test('NSBRIDGE_NAMECHEAP_ENDPOINT must be the full URL: without /xml.response the 404 says so', async () => {
      const r = await get('example.com', env({ NSBRIDGE_NAMECHEAP_ENDPOINT: emu().url }));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: HTTP 404 HTML page "404 - File or directory not found\.".*ending in \/xml\.response/m);
      expect(emu().http.requests).toHaveLength(1);
    });
  });

  describe('credentials, IP whitelist and API access (errors in HTTP 200: exit 1, never retried)', () => {
    test('a ClientIp that is not whitelisted: 1011150 "Invalid request IP", names the IP, the whitelist and NAMECHEAP_CLIENT_IP', async () => {
      emu().whitelist.clear();
      emu().whitelist.add('192.0.2.99');
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: Namecheap error 1011150 Invalid request IP: 203\.0\.113\.10: add 203\.0\.113\.10 to the API whitelist .*NAMECHEAP_CLIENT_IP/m);
      expect(emu().http.requests).toHaveLength(1);
      // As recorded: the IP check fails before the command is read.
      const res = await envelopeOf(await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.getInfo', DomainName: 'example.com' } }));
      expect(res).toMatchObject({ status: 'ERROR', requestedCommand: '', commandResponse: undefined });
    });

    test('NAMECHEAP_CLIENT_IP must be an IPv4 address (the whitelist takes nothing else): exit 2, nothing sent', async () => {
      for (const ip of ['2001:db8::1', 'runner.example.net', '203.0.113.256']) {
        const r = await get('example.com', env({ NAMECHEAP_CLIENT_IP: ip }));
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`NAMECHEAP_CLIENT_IP="${ip}" is not an IPv4 address`);
      }
      expect(emu().http.requests).toHaveLength(0);
    });

    test('API access switched off (or the account not eligible): 1011102 explains the switch and the eligibility rule', async () => {
      emu().apiAccessEnabled = false;
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/1011102 API Key is invalid or API access has not been enabled/);
      expect(r.stderr).toMatch(/Profile > Tools > Namecheap API Access.*\$50\+ balance, 20\+ domains, or \$50\+ spent/);
      expect(emu().http.requests).toHaveLength(1);
      expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    });

    test('a wrong API user is the same 1011102 (Namecheap does not say which half is wrong)', async () => {
      const r = await get('example.com', env({ NAMECHEAP_API_USER: 'someone-else' }));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/1011102 .*API user "someone-else" \(NAMECHEAP_API_USER\)/);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('a NAMECHEAP_USER_NAME the API user may not act for: 1016103, names the variable', async () => {
      const r = await get('example.com', env({ NAMECHEAP_USER_NAME: 'other-account' }));
      expect(r.code).toBe(1);
      expect(emu().calls[0]!.params.username).toBe('other-account');
      expect(r.stderr).toMatch(/1016103 UserName unauthorized: API user "nsbridge-test" may not act for NAMECHEAP_USER_NAME "other-account"/);
    });

    test('locked accounts and IPs map to auth errors with what to do', async () => {
      const c = await client();
      for (const [number, text, hint] of [
        ['1017150', 'RequestIP is disabled or locked', /whitelisted IP 203\.0\.113\.10 is disabled or locked/],
        ['1017411', 'Too many login attempts', /locked after too many login attempts/],
        ['4011103', 'Access denied', /denied user "nsbridge-test" access to example\.com/],
      ] as const) {
        emu().failNext({ number, text });
        const err = await c.getNameServers('example.com').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RegistrarAuthError);
        expect((err as Error).message).toMatch(new RegExp(`^namecheap: get name servers example\\.com: Namecheap error ${number} ${text}: `));
        expect((err as Error).message).toMatch(hint);
      }
    });
  });

  describe('domains outside the account and edit rights', () => {
    test('getInfo on a domain of another account: 2030166 "Domain is invalid", as recorded', async () => {
      emu().addDomain('theirs.com', OLD_NS, { owner: 'another-user' });
      const r = await set(NEW_NS, 'theirs.com');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/get name servers theirs\.com: Namecheap error 2030166 Domain is invalid: theirs\.com is not in the Namecheap account "nsbridge-test" \(NAMECHEAP_USER_NAME/);
      expect(emu().http.writes()).toBe(0);
    });

    test('setCustom: 2019166 domain not found and 2016166 not associated with the account are DomainNotFoundErrors', async () => {
      const c = await client();
      const missing = await c.setNameServers('gone.com', NEW_NS).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(DomainNotFoundError);
      expect((missing as Error).message).toMatch(/^namecheap: set name servers gone\.com: Namecheap error 2019166 Domain not found: gone\.com is not in the Namecheap account/);
      emu().addDomain('theirs.com', OLD_NS, { owner: 'another-user' });
      const theirs = await c.setNameServers('theirs.com', NEW_NS).catch((e: unknown) => e);
      expect(theirs).toBeInstanceOf(DomainNotFoundError);
      expect((theirs as Error).message).toMatch(/2016166 Domain is not associated with your account/);
      expect(emu().nameServersOf('theirs.com')).toEqual(OLD_NS);
    });

    test('setCustom without edit permission: 2030166 means something else here, and the hint says so', async () => {
      emu().addDomain('shared.com', OLD_NS, { editable: false });
      const r = await set(NEW_NS, 'shared.com');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/set name servers shared\.com: Namecheap error 2030166 Edit permission for domain is not supported: user "nsbridge-test" may not edit shared\.com's name servers/);
      expect(emu().nameServersOf('shared.com')).toEqual(OLD_NS);
    });
  });

  describe('name servers the registry refuses', () => {
    test('unregistered hosts: 3031510 with the registry\'s text, a validation error, not retried', async () => {
      const c = await client();
      const err = await c.setNameServers('example.com', ['ns1.unregistered.invalid', 'ns2.unregistered.invalid']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistrarValidationError);
      expect((err as Error).message).toMatch(/Namecheap error 3031510 Error From Enom when Errorcount <> 0: Nameserver ns1\.unregistered\.invalid .*: the registry behind Namecheap refused the name servers/);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('3050900 "Unknown error from Enom" on setCustom is a refusal too: exit 1, one write attempt, nothing changed', async () => {
      emu().failNext({ number: '3050900', text: 'Unknown error from Enom', command: 'namecheap.domains.dns.setCustom' });
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: set name servers example\.com: Namecheap error 3050900 Unknown error from Enom: the registry behind Namecheap refused/m);
      expect(emu().calls.map((c) => c.params.command)).toEqual(['namecheap.domains.getInfo', 'namecheap.domains.dns.setCustom']);
      expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    });

    test('Nameservers is one string of at most 1200 characters: longer is refused before the write', async () => {
      const long = Array.from({ length: 13 }, (_, i) => `ns${i}.${'a'.repeat(60)}.${'b'.repeat(20)}.example.net`);
      expect(long.join(',').length).toBeGreaterThan(1200);
      const r = await set(long);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/set name servers example\.com: the name servers make \d+ characters as one comma-separated list: Namecheap's setCustom takes at most 1200/);
      expect(emu().calls.map((c) => c.params.command)).toEqual(['namecheap.domains.getInfo']);
      // The emulator enforces the documented limit too.
      const direct1201 = await envelopeOf(await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.dns.setCustom', SLD: 'example', TLD: 'com', Nameservers: long.join(',') } }));
      expect(direct1201.status).toBe('ERROR');
      expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    });

    test('fewer than two name servers never reach Namecheap from the adapter; the emulator\'s registry refuses them too', async () => {
      const c = await client();
      await expect(c.setNameServers('example.com', ['ns1.example.net'])).rejects.toThrow(/Namecheap needs at least 2 name servers/);
      expect(emu().http.requests).toHaveLength(0);
      const one = await envelopeOf(await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.dns.setCustom', SLD: 'example', TLD: 'com', Nameservers: 'ns1.example.net' } }));
      expect(one.errors[0]?.number).toBe('3031510');
    });

    test('a wrong SLD/TLD split (example.co + uk) finds no domain', async () => {
      emu().addDomain('example.co.uk', OLD_NS);
      const res = await envelopeOf(await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.dns.setCustom', SLD: 'example.co', TLD: 'uk', Nameservers: NEW_NS.join(',') } }));
      expect(res.errors).toEqual([{ number: '2019166', text: 'Domain not found' }]);
      expect(emu().nameServersOf('example.co.uk')).toEqual(OLD_NS);
    });
  });

  describe('throttling is HTTP 405, and Namecheap\'s own "unknown exceptions"', () => {
    test('a 405 (an HTML page, no retry hint) is throttling: nsbridge waits its own interval, then succeeds', async () => {
      emu().http.inject({ kind: 'rateLimit', times: 1 });
      const r = await get();
      expect(r.code).toBe(0);
      const throttled = emu().http.requests.filter((q) => q.fault === 'rateLimit');
      expect(throttled.map((q) => q.status)).toEqual([405]);
      // Lower bound only: the point is that a wait of THROTTLE_WAIT_MS happened, not the 20 ms backoff.
      expect(r.ms).toBeGreaterThanOrEqual(THROTTLE_WAIT_MS - 100);
      expect(r.stderr).toMatch(/namecheap: HTTP 405; retrying \(1\/4\)/);
    });

    test('persistent 405: exit 1 naming Namecheap\'s limits, bounded', async () => {
      emu().http.inject({ kind: 'rateLimit', times: Infinity });
      const r = await get('example.com', env({ NSBRIDGE_HTTP_RETRIES: '1' }));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: throttled \(HTTP 405\) after retries: Namecheap allows 20 requests a minute, 700 an hour and 8000 a day per user/m);
      expect(emu().http.requests).toHaveLength(2);
    });

    test('the emulator\'s default limit is 20 requests a minute per ApiUser, answered with 405 (no Retry-After)', async () => {
      const limited = await startEmulator();
      try {
        limited.addDomain('example.com', OLD_NS);
        const form = { ApiUser: limited.apiUser, ApiKey: limited.apiKey, UserName: limited.userName, ClientIp: limited.clientIp, Command: 'namecheap.domains.getInfo', DomainName: 'example.com' };
        const statuses: number[] = [];
        let last: Response | undefined;
        for (let i = 0; i < 21; i += 1) {
          last = await fetch(`${limited.endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
          statuses.push(last.status);
          await last.text();
        }
        expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
        expect(statuses[20]).toBe(405);
        expect(last!.headers.get('retry-after')).toBeNull();
        expect(last!.headers.get('content-type')).toBe('text/html');
        expect(limited.http.rateLimitedCount).toBe(1);
      } finally {
        await limited.close();
      }
    });

    test('5019169 "Unknown exceptions" in a 200 is retried like a 5xx, then succeeds', async () => {
      emu().failNext({ number: '5019169', text: 'Unknown exceptions', command: 'namecheap.domains.getInfo' });
      const r = await get();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
      expect(emu().calls).toHaveLength(2);
    });

    test('persistent "Unknown exceptions": exit 1 naming the number, after a bounded number of tries', async () => {
      emu().failNext({ number: '5019169', text: 'Unknown exceptions', times: 100 });
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: Namecheap error 5019169 Unknown exceptions \(still failing after retries\): Namecheap had an internal error/m);
      expect(emu().calls).toHaveLength(5);
    });
  });

  describe('odd answers', () => {
    const xml = (inner: string, status = 'OK') => ({
      status: 200,
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: `<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="${status}" xmlns="http://api.namecheap.com/xml.response"><Errors /><Warnings />${inner}<Server>X</Server></ApiResponse>`,
    });

    test('an HTML page in a 200 (a portal or maintenance page) is a clear API error, not a crash', async () => {
      emu().replyNext({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>Scheduled maintenance</title></head><body><p>Back soon<br></body></html>' });
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: HTTP 200 but the answer is not well-formed XML/m);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('well-formed XML that is not an ApiResponse, and Status="ERROR" without an <Error>', async () => {
      const c = await client();
      emu().replyNext({ status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<?xml version="1.0"?><Other/>' });
      await expect(c.getNameServers('example.com')).rejects.toThrow(/HTTP 200 but the answer is XML but not a Namecheap ApiResponse/);
      emu().replyNext(xml('<RequestedCommand>namecheap.domains.getinfo</RequestedCommand>', 'ERROR'));
      const err = await c.getNameServers('example.com').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistrarApiError);
      expect((err as Error).message).toMatch(/Namecheap error Status="ERROR" without an <Error>/);
    });

    test('Status="OK" but Updated="false": the change is not reported as done', async () => {
      emu().replyNext(xml('<RequestedCommand>namecheap.domains.dns.setcustom</RequestedCommand><CommandResponse Type="namecheap.domains.dns.setCustom"><DomainDNSSetCustomResult Domain="example.com" Updated="false" /></CommandResponse>'));
      const c = await client();
      await expect(c.setNameServers('example.com', NEW_NS)).rejects.toThrow(/set name servers example\.com: Status="OK" but Updated="false": Namecheap did not confirm the change/);
    });

    test('Status="OK" without DnsDetails, or about another domain, is refused', async () => {
      const c = await client();
      emu().replyNext(xml('<CommandResponse Type="namecheap.domains.getInfo"><DomainGetInfoResult Status="Ok" ID="1" DomainName="example.com" /></CommandResponse>'));
      // The shape check names what was missing and quotes the XML that came back.
      await expect(c.getNameServers('example.com')).rejects.toThrow(/unexpected answer \(HTTP 200\): expected Status="OK" with a DomainGetInfoResult that has DnsDetails; dns: .*; got <\?xml .*<CommandResponse Type="namecheap\.domains\.getInfo">/);
      emu().replyNext(xml('<CommandResponse Type="namecheap.domains.getInfo"><DomainGetInfoResult Status="Ok" ID="1" DomainName="other.com"><DnsDetails IsUsingOurDNS="false"><Nameserver>ns1.x.net</Nameserver></DnsDetails></DomainGetInfoResult></CommandResponse>'));
      await expect(c.getNameServers('example.com')).rejects.toThrow(/the answer is about "other\.com", not example\.com/);
    });

    test('"Parameter APIUser is missing" (1010101) means the body was lost on the way: the hint says so', async () => {
      emu().replyNext({
        status: 200,
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: '<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response"><Errors><Error Number="1010101">Parameter APIUser is missing</Error></Errors><Warnings /><RequestedCommand /></ApiResponse>',
      });
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/1010101 Parameter APIUser is missing: the request reached Namecheap without its parameters; a proxy .* may drop POST bodies/);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('warnings in an OK answer are passed on to stderr', async () => {
      emu().warnNext({ number: '9999999', text: 'Domain expires in 7 days', command: 'namecheap.domains.getInfo' });
      const r = await get();
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: get name servers example\.com: Namecheap warning 9999999 Domain expires in 7 days$/m);
    });
  });

  describe('IsUsingOurDNS: Namecheap\'s own DNS', () => {
    test('get reports the name servers getInfo lists (dns1/dns2.registrar-servers.com)', async () => {
      emu().addDomain('example.com', ['dns1.registrar-servers.com', 'dns2.registrar-servers.com']);
      const r = await get();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).nameServers).toEqual(['dns1.registrar-servers.com', 'dns2.registrar-servers.com']);
    });

    test('setting custom name servers says that Namecheap forwarding and dynamic DNS stop; getInfo then shows CUSTOM', async () => {
      emu().addDomain('example.com', ['dns1.registrar-servers.com', 'dns2.registrar-servers.com']);
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, before: ['dns1.registrar-servers.com', 'dns2.registrar-servers.com'] });
      expect(r.stderr).toMatch(/example\.com: moved from Namecheap's own DNS to custom name servers; Namecheap URL forwarding, email forwarding and dynamic DNS for it stop working/);
      const info = await envelopeOf(await direct({ method: 'POST', form: { ...auth(), Command: 'namecheap.domains.getInfo', DomainName: 'example.com' } }));
      expect(readGetInfo(info)?.dns).toMatchObject({ providerType: 'CUSTOM', isUsingOurDns: false });
      // Custom -> custom says nothing of the sort.
      const again = await set(OLD_NS);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toMatch(/Namecheap's own DNS/);
    });

    test('IsUsingOurDNS with no <Nameserver> listed: reported as an empty set, and set writes', async () => {
      emu().addDomain('example.com', [], { usingOurDns: true });
      const got = await get();
      expect(got.code).toBe(0);
      expect(JSON.parse(got.stdout).nameServers).toEqual([]);
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, before: [] });
      expect(emu().http.writes()).toBe(1);
    });
  });

  describe('sandbox switch', () => {
    test('NSBRIDGE_NAMECHEAP_SANDBOX aims at api.sandbox.namecheap.com, production otherwise; an override wins', async () => {
      const proxy = await startConnectRecorder();
      try {
        const base = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', NSBRIDGE_NAMECHEAP_ENDPOINT: undefined });
        delete base.NSBRIDGE_NAMECHEAP_ENDPOINT;
        const sandbox = await get('example.com', { ...base, NSBRIDGE_NAMECHEAP_SANDBOX: '1' });
        expect(sandbox.code).toBe(1);
        const production = await get('example.com', base);
        expect(production.code).toBe(1);
        expect(proxy.targets).toEqual(['api.sandbox.namecheap.com:443', 'api.namecheap.com:443']);
        for (const s of emu().secrets()) expect(sandbox.stderr + production.stderr).not.toContain(s);
        // With an override, the sandbox flag is still validated but the override is used.
        const overridden = await get('example.com', env({ NSBRIDGE_NAMECHEAP_SANDBOX: '1' }));
        expect(overridden.code).toBe(0);
        const bad = await get('example.com', env({ NSBRIDGE_NAMECHEAP_SANDBOX: 'maybe' }));
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/NSBRIDGE_NAMECHEAP_SANDBOX="maybe" is not a boolean/);
      } finally {
        await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
      }
    });
  });

  describe('shared rate limit', () => {
    test('by default the CLI processes of one API user share one limiter at Namecheap\'s 20 a minute; another user has its own', async () => {
      expect(info.rateLimit).toMatchObject({ requests: 20, perMs: 60_000 });
      emu().http.rateLimit = { requests: 20, perMs: 60_000 };
      const e = env();
      delete e.NSBRIDGE_RATE_LIMIT_NAMECHEAP; // the default from info.json
      const domains = ['a1.com', 'a2.com', 'a3.com'];
      for (const d of domains) emu().addDomain(d, OLD_NS);
      const results = await Promise.all(domains.map((d) => set(NEW_NS, d, e)));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(emu().http.rateLimitedCount).toBe(0);
      const files = () => readdirSync(limiterDir()).filter((f) => f.startsWith('namecheap-') && f.endsWith('.json'));
      expect(files()).toHaveLength(1);
      // Every request of the three processes was counted in that one window.
      const state = JSON.parse(readFileSync(join(limiterDir(), files()[0]!), 'utf8')) as { stamps: number[] };
      expect(state.stamps).toHaveLength(6);
      // Namecheap counts per user: another API user is another window.
      await get('example.com', { ...e, NAMECHEAP_API_USER: 'second-user' });
      expect(files()).toHaveLength(2);
    });
  });
  describe('no DNSSEC API', () => {
    test('the capability says why and what to do; the client has no dnssec operations', async () => {
      const cap = info.capabilities.dnssec;
      expect(cap.supported).toBe(false);
      if (cap.supported) return;
      expect(cap.reason).toMatch(/no DNSSEC\/DS methods/);
      expect(cap.reason).toMatch(/Namecheap dashboard \(Domain List > Manage > Advanced DNS\)/);
      expect(cap.reason).toMatch(/--registrar manual/);
      expect(info.dnssecInput).toBeUndefined();
      expect((await client()).dnssec).toBeUndefined();
    });

    test('ds set at Namecheap: exit 2 with the dashboard and manual fixes, nothing sent (no getInfo either)', async () => {
      const r = await runCli(['ds', 'set', '--registrar', 'namecheap', '--domain', 'example.com', '--ds', `12345 13 2 ${'AB'.repeat(32)}`], env());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nsbridge: namecheap: ds set example\.com: Namecheap does not take DNSSEC records through nsbridge: /);
      expect(r.stderr).toMatch(/Advanced DNS/);
      expect(r.stderr).toMatch(/--registrar manual/);
      expect(emu().http.requests).toHaveLength(0);
    });
  });
});
