import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { GandiEmulator, gandiComputedDs, startEmulator } from '../../testing/registrars/gandi/emulator';
import { dsFromDnskey, keyTagOf, recordFromDnskey, sameDnssecRecord } from '../../core/dnssec';
import { info } from '../../registrar-adapters/gandi/info';
import { RATE_LIMIT_FALLBACK_MS } from '../../registrar-adapters/gandi/adapter';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'gandi',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /401 HTTPUnauthorized.*GANDI_PERSONAL_ACCESS_TOKEN.*expire/,
});

describe('gandi quirks', () => {
  const setup = useEmulatorForQuirks('gandi', () => startEmulator({ rateLimit: null }));
  const { emu, limiterDir } = setup;
  const env = (extra: EnvExtra = {}) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra });
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'gandi', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'gandi', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const raw = (method: string, path: string, init: { auth?: string; contentType?: string; body?: string } = {}) =>
    fetch(`${emu().url}${path}`, {
      method,
      headers: {
        ...(init.auth !== undefined ? { Authorization: init.auth } : { Authorization: `Bearer ${emu().token}` }),
        ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      },
      body: init.body,
    });
  const NS_PATH = '/v5/domain/domains/example.com/nameservers';

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().setStatus = 202;
    emu().sendRetryAfter = false;
    emu().addDomain('example.com', OLD_NS);
  });

  test('the name-server list is a bare JSON array, read as such', async () => {
    const res = await raw('GET', NS_PATH);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(OLD_NS);
    const r = await get();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
  });

  test('the PAT is sent as a Bearer token; the deprecated Apikey scheme is refused with 401', async () => {
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().seen[0]?.authorization).toBe(`Bearer ${emu().token}`);
    const legacy = await raw('GET', NS_PATH, { auth: `Apikey ${emu().token}` });
    expect(legacy.status).toBe(401);
    expect(await legacy.json()).toMatchObject({ code: 401, object: 'HTTPUnauthorized', cause: 'Unauthorized' });
  });

  test('an expired PAT is 401; the hint says PATs expire and must be recreated; no retry', async () => {
    emu().addToken({ value: 'gandi-pat-SENTINEL-expired', expiresAt: Date.now() - 1000 });
    const r = await get(env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-expired' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: gandi: get name servers example\.com: HTTP 401 HTTPUnauthorized/m);
    expect(r.stderr).toMatch(/Personal access tokens expire and cannot be renewed.*create a new one/);
    expect(r.stderr).not.toContain('SENTINEL');
    expect(emu().http.requests).toHaveLength(1);
  });

  test('a PAT without the technical-configuration permission reads but cannot write: 403, nothing changes', async () => {
    emu().addToken({ value: 'gandi-pat-SENTINEL-viewonly', permissions: ['domain:view'] });
    const r = await set(NEW_NS, env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-viewonly' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: HTTP 403 HTTPForbidden: Access was denied to this resource: .*permission to manage the domains' technical configuration/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    // One GET, one PUT: a 403 is never retried.
    expect(emu().http.requests.map((q) => `${q.method} ${q.status}`)).toEqual(['GET 200', 'PUT 403']);
  });

  test('a PAT restricted to other domains is 403 on this one, naming the token resources', async () => {
    emu().addToken({ value: 'gandi-pat-SENTINEL-scoped', resources: ['other.com'] });
    const r = await get(env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-scoped' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 403 HTTPForbidden.*resources must include this domain/);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('a domain of another organization is 404 (the recorded answer), with a hint about the organization', async () => {
    emu().addDomain('theirs.com', OLD_NS, { organization: '00000000-0000-0000-0000-000000000000' });
    const res = await raw('GET', '/v5/domain/domains/theirs.com/nameservers');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: 'The resource could not be found.', object: 'HTTPNotFound', cause: 'Not Found' });
    const r = await get(env(), 'theirs.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers theirs\.com: HTTP 404 HTTPNotFound: The resource could not be found: the domain is not in the Gandi organization/);
  });

  test.each([200, 201, 202, 204])('a %i answer to the PUT is success (Gandi documents no exact status)', async (status) => {
    emu().setStatus = status;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true });
    expect(emu().http.requests.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([status]);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('the default 202 carries a {"message"} body; nsbridge sends Content-Type application/json', async () => {
    const res = await raw('PUT', NS_PATH, { contentType: 'application/json', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: expect.any(String) });
    emu().addDomain('example.com', OLD_NS);
    emu().seen.length = 0;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().seen[1]?.contentType).toMatch(/^application\/json/);
  });

  test('a PUT without Content-Type application/json is refused (415, validation envelope) and changes nothing', async () => {
    const res = await raw('PUT', NS_PATH, { contentType: 'text/plain', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      status: 'error',
      errors: [{ location: 'header', name: 'Content-Type', description: "Content-Type header should be one of ['application/json']" }],
    });
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('validation errors ({status, errors:[{location,name,description}]}) are shown field by field', async () => {
    const missing = await raw('PUT', NS_PATH, { contentType: 'application/json', body: '{}' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ status: 'error', errors: [{ location: 'body', name: 'nameservers', description: 'Required' }] });
    const one = await raw('PUT', NS_PATH, { contentType: 'application/json', body: JSON.stringify({ nameservers: ['ns1.example.net'] }) });
    expect(one.status).toBe(400);
    const r = await set(['ns1.ok-dns.net', 'ns2.unregistered.invalid']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /set name servers example\.com: HTTP 400 validation error \(body nameservers\.1: ns2\.unregistered\.invalid is not a registered host name\): Gandi refused the request/,
    );
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('NSBRIDGE_GANDI_SHARING_ID is sent as ?sharing_id=; another organization\'s id is 403 naming the variable', async () => {
    const ok = await set(NEW_NS, env({ NSBRIDGE_GANDI_SHARING_ID: emu().organization }));
    expect(ok.code).toBe(0);
    expect(emu().seen.map((s) => s.sharingId)).toEqual([emu().organization, emu().organization]);
    const other = 'a0a0a0a0-0000-0000-0000-000000000000';
    const bad = await get(env({ NSBRIDGE_GANDI_SHARING_ID: other }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`HTTP 403 HTTPForbidden.*NSBRIDGE_GANDI_SHARING_ID \\(${other}\\) must be the id of the organization`));
    // Without the setting, no sharing_id is sent at all.
    emu().seen.length = 0;
    expect((await get()).code).toBe(0);
    expect(emu().seen[0]?.sharingId).toBeNull();
  });

  test(`a 429 without Retry-After (the strict reading) is waited out for ${RATE_LIMIT_FALLBACK_MS / 1000} s before the retry`, async () => {
    emu().http.inject({ kind: 'rateLimit', times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => q.status)).toEqual([429, 200]);
    // Lower bound only: the point is that the fallback wait happened.
    expect(r.ms).toBeGreaterThanOrEqual(RATE_LIMIT_FALLBACK_MS - 500);
  });

  test('if Gandi does send Retry-After, it wins over the fallback wait', async () => {
    emu().sendRetryAfter = true;
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 1, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(RATE_LIMIT_FALLBACK_MS - 1000);
  });

  test('a persistent 429 fails with exit 1 and says to slow down', async () => {
    emu().http.inject({ kind: 'rateLimit', times: Infinity });
    const r = await get(env({ NSBRIDGE_HTTP_RETRIES: '0' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: gandi: get name servers example\.com: rate limited \(HTTP 429\) after retries: Gandi allows 1000 requests a minute per IP address.*try again in a minute/m);
  });

  test('5xx pages from the nginx front (HTML, not JSON) are retried, then reported by their title', async () => {
    emu().http.inject({ kind: 'status', status: 502, times: 1 });
    expect((await get()).code).toBe(0);
    emu().http.inject({ kind: 'status', status: 503, times: Infinity });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 503 HTML page "503 Service Temporarily Unavailable" \(still failing after retries\)/);
  });

  test('the limit (1000 a minute) is per IP: different tokens share one window across processes', async () => {
    expect(info.rateLimit).toMatchObject({ requests: 1000, perMs: 60_000 });
    expect(new GandiEmulator().http.rateLimit).toEqual({ requests: 1000, perMs: 60_000 });
    const limited = await startEmulator({ rateLimit: { requests: 2, perMs: 1000 } });
    try {
      limited.addDomain('example.com', OLD_NS);
      limited.addToken({ value: 'gandi-pat-SENTINEL-second' });
      const base = { ...limited.env(), NSBRIDGE_RATE_LIMIT_DIR: limiterDir(), NSBRIDGE_RATE_LIMIT_GANDI: '2/1s', NSBRIDGE_HTTP_RETRY_BASE: '20ms' };
      const tokens = [limited.token, 'gandi-pat-SENTINEL-second', 'gandi-pat-SENTINEL-second'];
      const results = await Promise.all(tokens.map((t) => get(baseEnv({ ...base, GANDI_PERSONAL_ACCESS_TOKEN: t }))));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      // Had the limiter been keyed by token, the third request would have met a 429.
      expect(limited.http.rateLimitedCount).toBe(0);
    } finally {
      await limited.close();
    }
  });

  test('NSBRIDGE_GANDI_SANDBOX selects api.sandbox.gandi.net; without it, api.gandi.net', async () => {
    // A loopback HTTPS proxy (axios honours HTTPS_PROXY and tunnels with CONNECT) records which
    // host the CLI aimed at and refuses the tunnel, so nothing leaves the machine.
    const proxy = await startConnectRecorder();
    const targets = proxy.targets;
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_GANDI_ENDPOINT;
        return e;
      };
      const sandbox = await get(viaProxy({ NSBRIDGE_GANDI_SANDBOX: '1' }));
      const production = await get(viaProxy({}));
      expect(targets).toEqual(['api.sandbox.gandi.net:443', 'api.gandi.net:443']);
      for (const r of [sandbox, production]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^nsbridge: gandi: get name servers example\.com: /m);
      }
      expect(emu().http.requests).toHaveLength(0);
    } finally {
      await proxy.close();
    }
    const bad = await get(env({ NSBRIDGE_GANDI_SANDBOX: 'sometimes' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_GANDI_SANDBOX="sometimes" is not a boolean/);
  });
});

describe('gandi DNSSEC (adapter against the emulator)', () => {
  const setup = useEmulatorForQuirks('gandi', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const domain = 'example.com';
  const logs: string[] = [];
  const client = (extra: EnvExtra = {}) => setup.dnssec(extra, (m) => logs.push(m));
  const raw = (method: string, path: string, body?: unknown) =>
    fetch(`${emu().url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${emu().token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const KEYS_PATH = `/v5/domain/domains/${domain}/dnskeys`;
  const keyRequests = () => emu().http.requests.filter((r) => r.path.startsWith(KEYS_PATH));

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().dnskeysPageCap = 100;
    emu().linkHeader = true;
    emu().repeatedNextPage = undefined;
    logs.length = 0;
    emu().addDomain(domain, OLD_NS);
  });

  test('info: a DNSKEY registrar with the dnssec capability, and the adapter offers the operations', async () => {
    expect(info.dnssecInput).toBe('dnskey');
    expect(info.capabilities.dnssec.supported).toBe(true);
    expect((await client()).getDnssecRecords).toBeInstanceOf(Function);
  });

  test('add sends the DNSKEY (integer algorithm, type ksk, public_key); Gandi computes the key tag and SHA-256 digest, read back with the DNSKEY and id', async () => {
    const key = testDnskey();
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, key)]);
    const held = emu().dnssecRecordsOf(domain)!;
    expect(held).toHaveLength(1);
    // The emulator's own RFC 4034 code agrees with the core's.
    expect(held[0]!.ds).toEqual(dsFromDnskey(domain, key));
    expect(held[0]!.ds.keyTag).toBe(keyTagOf(key));
    const listed = (await (await raw('GET', KEYS_PATH)).json()) as { id: number }[];
    expect(listed).toEqual([
      expect.objectContaining({ algorithm: 13, type: 'ksk', public_key: key.publicKey, keytag: keyTagOf(key), digest_type: 2, digest: dsFromDnskey(domain, key).digest.toLowerCase() }),
    ]);
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds: dsFromDnskey(domain, key), dnskey: key, registrarId: String(listed[0].id) }]);
    expect(sameDnssecRecord(got[0]!, recordFromDnskey(domain, key))).toBe(true);
  });

  test('the emulator\'s key tag is RFC 4034\'s: its 5.4 example key (flags 256, algorithm 5) has tag 60485', () => {
    const rfcKey =
      'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==';
    expect(gandiComputedDs('dskey.example.com', 256, 5, rfcKey).keytag).toBe(60485);
    const key = testDnskey(256);
    expect(gandiComputedDs(domain, 256, 13, key.publicKey).keytag).toBe(keyTagOf(key));
  });

  test('the emulator refuses the wrong types and casing with Cornice\'s validation envelope, and a DS instead of a key', async () => {
    const key = testDnskey();
    const cases: [unknown, string][] = [
      [{ algorithm: '13', type: 'ksk', public_key: key.publicKey }, 'algorithm'],
      [{ algorithm: 13, type: 'KSK', public_key: key.publicKey }, 'type'],
      [{ algorithm: 13, type: 'ksk', publicKey: key.publicKey }, 'public_key'],
      [{ algorithm: 13, type: 'ksk', public_key: 'not base64!' }, 'public_key'],
      [{ keytag: 12345, algorithm: 13, digest_type: 2, digest: 'AB'.repeat(32) }, 'type'],
    ];
    for (const [body, field] of cases) {
      const res = await raw('POST', KEYS_PATH, body);
      expect(res.status).toBe(400);
      const out = (await res.json()) as { status: string; errors: unknown[] };
      expect(out.status).toBe('error');
      expect(out.errors).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'body', name: field })]));
    }
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
    const noType = await fetch(`${emu().url}${KEYS_PATH}`, { method: 'POST', headers: { Authorization: `Bearer ${emu().token}` }, body: '{}' });
    expect(noType.status).toBe(415);
  });

  test('a DS without its DNSKEY, or flags other than 257/256, is refused before anything is sent', async () => {
    const dnssec = await client();
    const key = testDnskey();
    const dsOnly = { ds: dsFromDnskey(domain, key) };
    await expect(dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, testDnskey()), dsOnly])).rejects.toMatchObject({
      name: 'RegistrarValidationError',
      message: expect.stringMatching(/^gandi: add DNSSEC record example\.com: a DS record without its DNSKEY: .*DNSKEY/),
    });
    await expect(dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, { ...key, flags: 385 })])).rejects.toThrow(/flags 385 are neither 257/);
    expect(emu().http.requests).toHaveLength(0);
  });

  test('the list follows the Link header (rel="next"), keeping the endpoint override: only its path and query are used', async () => {
    const keys = [testDnskey(), testDnskey(), testDnskey(256)];
    emu().setDnssecRecords(domain, keys.map((k) => recordFromDnskey(domain, k)));
    emu().dnskeysPageCap = 2;
    const got = await (await client()).getDnssecRecords(domain);
    expect(got.map((r) => r.dnskey)).toEqual(keys);
    // The emulator's links name https://api.gandi.net (as Gandi does); the requests still reach it.
    expect(keyRequests().map((r) => r.method)).toEqual(['GET', 'GET']);
    const raw = await fetch(`${emu().url}${KEYS_PATH}?page=1&per_page=2`, { headers: { Authorization: `Bearer ${emu().token}` } });
    expect(raw.headers.get('link')).toContain(`<https://api.gandi.net${KEYS_PATH}?page=2&per_page=2>; rel="next"`);
  });

  test('a page that repeats (a next link back to itself) is an error, not a loop', async () => {
    emu().setDnssecRecords(domain, [testDnskey(), testDnskey(), testDnskey()].map((k) => recordFromDnskey(domain, k)));
    emu().dnskeysPageCap = 2;
    emu().repeatedNextPage = 1;
    await expect((await client()).getDnssecRecords(domain)).rejects.toThrow(
      /gandi: get DNSSEC records example\.com: Gandi's DNSSEC key list repeats itself \(page 2 holds only keys already listed\)/,
    );
    expect(keyRequests()).toHaveLength(2);
  });

  test('without a Link header the list is paged by Total-Count: Gandi sending fewer keys than per_page asks does not cut it short', async () => {
    const keys = [testDnskey(), testDnskey(), testDnskey(256)];
    emu().setDnssecRecords(domain, keys.map((k) => recordFromDnskey(domain, k)));
    emu().linkHeader = false;
    emu().dnskeysPageCap = 1;
    const got = await (await client()).getDnssecRecords(domain);
    expect(got.map((r) => r.dnskey)).toEqual(keys);
    expect(got.map((r) => r.ds)).toEqual(keys.map((k) => dsFromDnskey(domain, k)));
    expect(keyRequests().map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  test('remove deletes by the id Gandi listed; a key already gone (404) counts as removed', async () => {
    const [a, b] = [testDnskey(), testDnskey()];
    emu().setDnssecRecords(domain, [recordFromDnskey(domain, a), recordFromDnskey(domain, b)]);
    const dnssec = await client();
    const held = await dnssec.getDnssecRecords(domain);
    emu().http.resetLog();
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    expect(keyRequests()).toEqual([expect.objectContaining({ method: 'DELETE', path: `${KEYS_PATH}/${held[0]!.registrarId}`, status: 204 })]);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.dnskey)).toEqual([b]);
    emu().http.resetLog();
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    expect(keyRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['DELETE 404', 'GET 200']);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.dnskey)).toEqual([b]);
  });

  test('a key Gandi already has (409, e.g. a retried POST) is not an error; a key held as a DS only reads back without DNSKEY', async () => {
    const key = testDnskey();
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, key)]);
    const again = await raw('POST', KEYS_PATH, { algorithm: 13, type: 'ksk', public_key: key.publicKey });
    expect(again.status).toBe(409);
    await dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, key)]);
    expect(emu().dnssecRecordsOf(domain)).toHaveLength(1);

    const ds = dsFromDnskey(domain, testDnskey());
    emu().setDnssecRecords(domain, [{ ds }]);
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds, registrarId: expect.any(String) }]);
  });

  test('a token without the technical-configuration permission may read but not add keys (403)', async () => {
    emu().addToken({ value: 'gandi-pat-SENTINEL-viewonly', permissions: ['domain:view'] });
    const dnssec = await client({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-viewonly' });
    await expect(dnssec.getDnssecRecords(domain)).resolves.toEqual([]);
    await expect(dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, testDnskey())])).rejects.toMatchObject({
      name: 'RegistrarAuthError',
      message: expect.stringMatching(/^gandi: add DNSSEC record example\.com: HTTP 403 HTTPForbidden.*technical configuration/),
    });
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
  });

  test('a domain outside the organization: 404, named as such', async () => {
    await expect((await client()).getDnssecRecords('other.example')).rejects.toMatchObject({
      name: 'DomainNotFoundError',
      message: expect.stringMatching(/^gandi: get DNSSEC records other\.example: HTTP 404/),
    });
  });
});
