import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { startEmulator } from '../../testing/registrars/dnsimple/emulator';
import { rateLimitResetMs } from '../../registrar-adapters/dnsimple/adapter';
import { info } from '../../registrar-adapters/dnsimple/info';
import { DsRecord, formatDnskey, formatDs, recordFromDnskey, sameDnssecRecord } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { runCli } from '../../testing/registrars/run-cli';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'dnsimple',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 Authentication failed: DNSimple did not accept DNSIMPLE_TOKEN/,
});


describe('dnsimple quirks', () => {
  const { emu, env } = useEmulatorForQuirks('dnsimple', () => startEmulator({ rateLimit: null }));
  const get = (domain = 'example.com', e = env()) => runCli(['get', '--registrar', 'dnsimple', '--domain', domain, '--json'], e);
  const set = (ns: string[], domain = 'example.com', e = env()) =>
    runCli(['set', '--registrar', 'dnsimple', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const calls = () => emu().http.requests.map((q) => `${q.method} ${q.path} ${q.status}`);
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${emu().url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${init.token ?? emu().token}`, Accept: 'application/json', ...(init.headers as Record<string, string>) },
    });

  beforeEach(() => {
    emu().http.clearFaults();
    emu().resetLog();
    emu().http.rateLimit = undefined;
    emu().writeScope = undefined;
    emu().addDomain('example.com', OLD_NS);
  });

  test('paths carry the account id; the domain is checked before its delegation; the write is a bare array', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(calls()).toEqual([
      'GET /v2/1010/domains/example.com 200',
      'GET /v2/1010/registrar/domains/example.com/delegation 200',
      'PUT /v2/1010/registrar/domains/example.com/delegation 200',
    ]);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('without DNSIMPLE_ACCOUNT the account comes from GET /v2/whoami, once per run', async () => {
    const e = env();
    delete e.DNSIMPLE_ACCOUNT;
    const r = await set(NEW_NS, 'example.com', e);
    expect(r.code).toBe(0);
    expect(calls()).toEqual([
      'GET /v2/whoami 200',
      'GET /v2/1010/domains/example.com 200',
      'GET /v2/1010/registrar/domains/example.com/delegation 200',
      'PUT /v2/1010/registrar/domains/example.com/delegation 200',
    ]);
  });

  test('a user token (whoami names no account) without DNSIMPLE_ACCOUNT: exit 1 saying to set it', async () => {
    const e = env({ DNSIMPLE_TOKEN: emu().userToken });
    delete e.DNSIMPLE_ACCOUNT;
    const r = await get('example.com', e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: dnsimple: get name servers example\.com: DNSIMPLE_TOKEN is a user token.*set DNSIMPLE_ACCOUNT to the numeric id/m);
    expect(calls()).toEqual(['GET /v2/whoami 200']);
    // With the account named, the same user token works.
    const ok = await get('example.com', env({ DNSIMPLE_TOKEN: emu().userToken }));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).nameServers).toEqual(OLD_NS);
  });

  test('DNSIMPLE_ACCOUNT must be a number (exit 2, nothing sent); another account is a 404 naming DNSIMPLE_ACCOUNT', async () => {
    const bad = await get('example.com', env({ DNSIMPLE_ACCOUNT: 'acme' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DNSIMPLE_ACCOUNT="acme" is not a DNSimple account id/);
    expect(emu().http.requests).toHaveLength(0);
    const other = await get('example.com', env({ DNSIMPLE_ACCOUNT: '9999' }));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/HTTP 404 Not Found: the domain is not in DNSimple account 9999 \(DNSIMPLE_ACCOUNT\)/);
  });

  test('a domain not in the account: 404 "Domain `x` not found", one request, no retry', async () => {
    const r = await get('elsewhere.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers elsewhere\.com: HTTP 404 Domain `elsewhere\.com` not found: the domain is not in DNSimple account 1010/);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('a hosted-only domain is refused clearly, before its (meaningless) delegation is read', async () => {
    emu().addDomain('hosted.com', OLD_NS, { state: 'hosted' });
    const r = await set(NEW_NS, 'hosted.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers hosted\.com: hosted\.com is in DNSimple account 1010 for DNS hosting only \(state "hosted"\), not registered with DNSimple.*set the name servers at the registrar the domain is registered with/);
    expect(calls()).toEqual(['GET /v2/1010/domains/hosted.com 200']);
    // What a client that skips the check would have seen: an empty "delegation", no error.
    const raw = (await (await api('/v2/1010/registrar/domains/hosted.com/delegation')).json()) as { data: string[] };
    expect(raw.data).toEqual([]);
  });

  test('other registration states (e.g. expired) are explained too', async () => {
    emu().addDomain('lapsed.com', OLD_NS, { state: 'expired' });
    const r = await get('lapsed.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lapsed\.com is not registered with DNSimple right now \(state "expired"\).*renew/);
  });

  test('an empty delegation ({"data":[]}) reads as no name servers', async () => {
    emu().addDomain('example.com', []);
    const r = await get();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual([]);
  });

  test('a scoped token without registrar:<domain>:write: 403 with DNSimple\'s required scope, no retry, nothing changed', async () => {
    emu().writeScope = new Set(['other.com']);
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: HTTP 403 Permission Denied\. Required Scope: registrar:example\.com:write: the DNSimple token is not allowed/);
    expect(emu().http.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('refused name servers: 400 with DNSimple\'s per-field errors and a validation hint', async () => {
    const r = await set(['ns1.unregistered.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 400 Validation failed \(name_servers: ns1\.unregistered\.invalid is not a registered name server\): DNSimple refused the name servers/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('429 "quota exceeded" has no Retry-After: the wait comes from X-RateLimit-Reset', async () => {
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const raw = await api('/v2/1010/domains/example.com');
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBeNull();
    expect(await raw.json()).toEqual({ message: 'quota exceeded' });
    expect(Number(raw.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());

    emu().resetLog();
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().http.requests[0]!.status).toBe(429);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
  });

  test('an hourly reset far away fails at once, naming the wait, instead of hanging CI', async () => {
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 1800, times: 1 });
    const r = await get('example.com', env({ NSBRIDGE_HTTP_MAX_RETRY_AFTER: '30s' }));
    expect(r.code).toBe(1);
    // One request, no retry: the line says so instead of "after retries".
    expect(r.stderr).toMatch(/get name servers example\.com: rate limited \(HTTP 429, retry after 30m\d*s?\); not retried: the wait is longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER \(30s\)/);
    expect(r.stderr).not.toMatch(/after retries/);
    expect(r.ms).toBeLessThan(10_000);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('the reset is measured against the server\'s Date header, not the local clock', () => {
    const res = { status: 429, headers: { 'x-ratelimit-reset': '1700000060', date: new Date(1_700_000_000_000).toUTCString() } };
    expect(rateLimitResetMs(res as never)).toBe(60_000);
    expect(rateLimitResetMs({ status: 429, headers: {} } as never)).toBeUndefined();
  });

  test('X-RateLimit-* headers come with every answer, errors included; the emulator enforces its limit with 429', async () => {
    emu().http.rateLimit = { requests: 2, perMs: 60_000 };
    const ok = await api('/v2/1010/domains/example.com');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('1');
    const notFound = await api('/v2/1010/domains/nope.com');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('0');
    const over = await api('/v2/1010/domains/example.com');
    expect(over.status).toBe(429);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(emu().http.rateLimitedCount).toBe(1);
    emu().http.rateLimit = undefined;
    const unauth = await api('/v2/whoami', { token: 'nope' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ message: 'Authentication failed' });
    expect(unauth.headers.get('x-ratelimit-limit')).toBe('2400');
  });

  test('the emulator wants Content-Type: application/json and a bare array on the write', async () => {
    const noType = await api('/v2/1010/registrar/domains/example.com/delegation', { method: 'PUT', body: JSON.stringify(NEW_NS), headers: { 'Content-Type': 'text/plain' } });
    expect(noType.status).toBe(400);
    const wrapped = await api('/v2/1010/registrar/domains/example.com/delegation', {
      method: 'PUT',
      body: JSON.stringify({ name_servers: NEW_NS }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(wrapped.status).toBe(400);
    expect(await wrapped.json()).toMatchObject({ message: 'Validation failed', errors: { name_servers: [expect.any(String)] } });
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    const bare = await api('/v2/1010/registrar/domains/example.com/delegation', { method: 'PUT', body: JSON.stringify(NEW_NS), headers: { 'Content-Type': 'application/json' } });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ data: NEW_NS });
  });

  test('NSBRIDGE_DNSIMPLE_SANDBOX aims at api.sandbox.dnsimple.com, production at api.dnsimple.com', async () => {
    const proxy = await startConnectRecorder();
    try {
      const base = { NSBRIDGE_HTTP_RETRIES: '0', HTTPS_PROXY: proxy.url, https_proxy: proxy.url };
      const sandbox = env({ ...base, NSBRIDGE_DNSIMPLE_SANDBOX: 'yes' });
      delete sandbox.NSBRIDGE_DNSIMPLE_ENDPOINT;
      const r = await get('example.com', sandbox);
      expect(r.code).toBe(1);
      const prod = env(base);
      delete prod.NSBRIDGE_DNSIMPLE_ENDPOINT;
      const p = await get('example.com', prod);
      expect(p.code).toBe(1);
      expect(proxy.targets).toEqual(['api.sandbox.dnsimple.com:443', 'api.dnsimple.com:443']);
      // An endpoint override wins over the sandbox flag.
      const overridden = await get('example.com', env({ NSBRIDGE_DNSIMPLE_SANDBOX: '1' }));
      expect(overridden.code).toBe(0);
      const bad = await get('example.com', env({ NSBRIDGE_DNSIMPLE_SANDBOX: 'maybe' }));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/NSBRIDGE_DNSIMPLE_SANDBOX="maybe" is not a boolean/);
    } finally {
      proxy.server.closeAllConnections();
      await new Promise((r) => proxy.server.close(r));
    }
  });
});

describe('dnsimple DNSSEC (adapter against the emulator)', () => {
  const { emu, dnssec: client, env } = useEmulatorForQuirks('dnsimple', () => startEmulator({ rateLimit: null }));
  const domain = 'example.com';
  const DS_PATH = `/v2/1010/domains/${domain}/ds_records`;
  const post = (body: unknown) =>
    fetch(`${emu().url}${DS_PATH}`, { method: 'POST', headers: { Authorization: `Bearer ${emu().token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const calls = () => emu().http.requests.map((q) => `${q.method} ${q.path} ${q.status}`);
  const strings = (ds: DsRecord) => ({ algorithm: String(ds.algorithm), digest: ds.digest, digest_type: String(ds.digestType), keytag: String(ds.keyTag) });

  beforeEach(() => {
    emu().http.clearFaults();
    emu().resetLog();
    emu().addDomain(domain, OLD_NS);
    emu().setDnssecRecords(domain, []);
  });

  test('info: a DS registrar with the dnssec capability', () => {
    expect(info.dnssecInput).toBe('ds');
    expect(info.capabilities.dnssec.supported).toBe(true);
  });

  test('add posts every value as a string (201 {data}); get reads them back with the id', async () => {
    const rec = recordFromDnskey(domain, testDnskey());
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [rec]);
    expect(calls()).toEqual([`GET /v2/1010/domains/${domain} 200`, `POST ${DS_PATH} 201`]);
    const held = emu().dnssecRecordsOf(domain)!;
    expect(held).toEqual([{ ds: rec.ds, registrarId: expect.stringMatching(/^\d+$/) }]);
    const listed = (await (await fetch(`${emu().url}${DS_PATH}`, { headers: { Authorization: `Bearer ${emu().token}` } })).json()) as { data: Record<string, unknown>[] };
    // The DNSKEY is known, so its key data goes along as public_key.
    expect(listed.data[0]).toMatchObject({ ...strings(rec.ds), public_key: rec.dnskey!.publicKey });
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds: rec.ds, registrarId: held[0]!.registrarId }]);
    expect(sameDnssecRecord(got[0]!, rec)).toBe(true);
  });

  test('a DS alone (no DNSKEY) is sent without public_key', async () => {
    const { ds } = recordFromDnskey(domain, testDnskey());
    await (await client()).addDnssecRecords(domain, [{ ds }]);
    const listed = (await (await fetch(`${emu().url}${DS_PATH}`, { headers: { Authorization: `Bearer ${emu().token}` } })).json()) as { data: Record<string, unknown>[] };
    expect(listed.data[0]).toMatchObject({ ...strings(ds), public_key: null });
  });

  test('a TLD that wants key data: a DS alone is refused with what to do (--dnskey); with the DNSKEY, public_key is sent and accepted', async () => {
    emu().addDomain('example.de', OLD_NS);
    emu().setDnssecRecords('example.de', []);
    const key = testDnskey();
    const rec = recordFromDnskey('example.de', key);
    const dsOnly = await runCli(['ds', 'set', '--registrar', 'dnsimple', '--domain', 'example.de', '--ds', formatDs(rec.ds)], env());
    expect(dsOnly.code).toBe(1);
    expect(dsOnly.stderr).toMatch(
      /nsbridge: dnsimple: add DNSSEC record example\.de: HTTP 400 Validation failed \(public_key: can't be blank\): the registry of example\.de wants the key data \(public_key\) with the DS, which a DS alone cannot give: run `nsbridge ds set` with --dnskey/,
    );
    expect(emu().dnssecRecordsOf('example.de')).toEqual([]);
    const withKey = await runCli(['ds', 'set', '--registrar', 'dnsimple', '--domain', 'example.de', '--dnskey', formatDnskey(key), '--json'], env());
    expect(withKey.code).toBe(0);
    const listed = (await (await fetch(`${emu().url}/v2/1010/domains/example.de/ds_records`, { headers: { Authorization: `Bearer ${emu().token}` } })).json()) as { data: Record<string, unknown>[] };
    expect(listed.data).toEqual([expect.objectContaining({ ...strings(rec.ds), public_key: key.publicKey })]);
  });

  test('the emulator refuses public_key that is not the key the DS names', async () => {
    const { ds } = recordFromDnskey(domain, testDnskey());
    const other = await post({ ...strings(ds), public_key: testDnskey().publicKey });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ errors: { public_key: ['does not match the keytag'] } });
  });

  test('the emulator refuses numbers, camelCase names and missing fields with the validation envelope', async () => {
    const { ds } = recordFromDnskey(domain, testDnskey());
    const blank = await post({});
    expect(blank.status).toBe(400);
    expect(await blank.json()).toEqual({
      message: 'Validation failed',
      errors: { algorithm: ["can't be blank"], digest: ["can't be blank"], digest_type: ["can't be blank"], keytag: ["can't be blank"] },
    });
    const numbers = await post({ algorithm: 13, digest: ds.digest, digest_type: 2, keytag: ds.keyTag });
    expect(numbers.status).toBe(400);
    expect(await numbers.json()).toMatchObject({ errors: { algorithm: ['must be a string'], digest_type: ['must be a string'], keytag: ['must be a string'] } });
    const camel = await post({ algorithm: '13', digest: ds.digest, digestType: '2', keyTag: String(ds.keyTag) });
    expect(await camel.json()).toMatchObject({ errors: { digest_type: ["can't be blank"], keytag: ["can't be blank"] } });
    const short = await post({ ...strings(ds), digest: ds.digest.slice(1) });
    expect(await short.json()).toMatchObject({ errors: { digest: ['is invalid'] } });
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
  });

  test('the list is paged (pagination.total_pages): more records than a page all come back', async () => {
    const recs = Array.from({ length: 102 }, () => ({ ds: { keyTag: 0, algorithm: 13, digestType: 2, digest: '' } })).map((_, i) => ({
      ds: { keyTag: i, algorithm: 13, digestType: 2, digest: i.toString(16).toUpperCase().padStart(64, '0') },
    }));
    emu().setDnssecRecords(domain, recs);
    const got = await (await client()).getDnssecRecords(domain);
    expect(got.map((r) => r.ds)).toEqual(recs.map((r) => r.ds));
    expect(calls().filter((c) => c.startsWith(`GET ${DS_PATH}`))).toHaveLength(2);
  });

  test('remove deletes by id (204); a record already gone (404) counts as removed', async () => {
    const [a, b] = [recordFromDnskey(domain, testDnskey()), recordFromDnskey(domain, testDnskey())];
    emu().setDnssecRecords(domain, [a, b]);
    const dnssec = await client();
    const held = await dnssec.getDnssecRecords(domain);
    emu().resetLog();
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    // The domain's state was checked once by this client already.
    expect(calls()).toEqual([`DELETE ${DS_PATH}/${held[0]!.registrarId} 204`]);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.ds)).toEqual([b.ds]);
    emu().resetLog();
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    expect(calls()).toEqual([`DELETE ${DS_PATH}/${held[0]!.registrarId} 404`, `GET ${DS_PATH} 200`]);
  });

  test('a DS DNSimple already has ("has already been taken", e.g. a retried POST) is not an error', async () => {
    const rec = recordFromDnskey(domain, testDnskey());
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [rec]);
    expect(await (await post(strings(rec.ds))).json()).toMatchObject({ errors: { digest: ['has already been taken'] } });
    await dnssec.addDnssecRecords(domain, [rec]);
    expect(emu().dnssecRecordsOf(domain)).toHaveLength(1);
  });

  test('a domain DNSimple only hosts is refused before any DS call, saying why', async () => {
    emu().addDomain('hosted.example', OLD_NS, { state: 'hosted' });
    await expect((await client()).addDnssecRecords('hosted.example', [recordFromDnskey('hosted.example', testDnskey())])).rejects.toMatchObject({
      name: 'RegistrarUnsupportedError',
      message: expect.stringMatching(/^dnsimple: add DNSSEC record hosted\.example: .*DNS hosting only/),
    });
    expect(calls()).toEqual(['GET /v2/1010/domains/hosted.example 200']);
  });
});
