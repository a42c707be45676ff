import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { NamecomEmulator, startEmulator } from '../../testing/registrars/namecom/emulator';
import { info } from '../../registrar-adapters/namecom/info';
import { DsRecord, recordFromDnskey, sameDnssecRecord } from '../../core/dnssec';
import { PACE, RATE_LIMIT_FALLBACK_MS } from '../../registrar-adapters/namecom/adapter';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'namecom',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 Unauthorized: Name\.com did not accept NAMECOM_USERNAME/,
});

// The older API v4, while Name.com keeps it (NSBRIDGE_NAMECOM_API=v4); the conformance suite runs the default, the Core API.
describe('namecom quirks (API v4)', () => {
  const setup = useEmulatorForQuirks('namecom', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: NamecomEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', NSBRIDGE_NAMECOM_API: 'v4', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'namecom', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'namecom', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
  const raw = (method: string, path: string, init: { contentType?: string; body?: string; auth?: string } = {}, e: NamecomEmulator = emu()) =>
    fetch(`${e.url}${path}`, {
      method,
      headers: {
        Authorization: init.auth ?? basic(e.apiUser, e.token),
        ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      },
      body: init.body,
    });
  const writes = () => emu().http.requests.filter((q) => q.write).length;

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().twoStepVerification = false;
    emu().addDomain('example.com', OLD_NS);
  });

  test('answers come as text/html with a JSON body; nsbridge reads them regardless', async () => {
    const res = await raw('GET', '/v4/domains/example.com');
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(JSON.parse(await res.text())).toMatchObject({ domainName: 'example.com', nameservers: OLD_NS });
    const r = await get();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
    // Error bodies too: the 404 message still reaches the user.
    const missing = await get(env(), 'not-mine.com');
    expect(missing.stderr).toMatch(/get name servers not-mine\.com: HTTP 404 Not Found: the domain is not in the Name\.com account "nsbridge-ops"/);
  });

  test('default-valued fields are omitted: no locked:false, and no nameservers field means none', async () => {
    emu().addDomain('bare.com', [], { locked: false });
    const body = (await (await raw('GET', '/v4/domains/bare.com')).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('locked');
    expect(body).not.toHaveProperty('privacyEnabled');
    expect(body).not.toHaveProperty('nameservers');
    expect(body).toMatchObject({ domainName: 'bare.com', autorenewEnabled: true });
    const r = await get(env(), 'bare.com');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual([]);
    const s = await set(NEW_NS, env(), 'bare.com');
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ changed: true, before: [] });
  });

  test(':setNameservers is sent with a literal colon; an encoded %3A is no route and changes nothing', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().seen.map((s) => s.path)).toEqual(['/v4/domains/example.com', '/v4/domains/example.com:setNameservers']);
    emu().addDomain('example.com', OLD_NS);
    const encoded = await raw('POST', '/v4/domains/example.com%3AsetNameservers', { contentType: 'application/json', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(encoded.status).toBe(404);
    expect(await encoded.json()).toEqual({ message: 'Not Found' });
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a POST without Content-Type application/json is 403; nsbridge always sends it', async () => {
    const res = await raw('POST', '/v4/domains/example.com:setNameservers', { contentType: 'text/plain', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Forbidden' });
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    emu().seen.length = 0;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().seen.map((s) => s.path)).toEqual(['/v4/domains/example.com', '/v4/domains/example.com:setNameservers']);
    expect(emu().seen[1]?.contentType).toMatch(/^application\/json/);
  });

  test(':setNameservers answers 200 with the whole updated Domain', async () => {
    const res = await raw('POST', '/v4/domains/example.com:setNameservers', { contentType: 'application/json', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ domainName: 'example.com', nameservers: NEW_NS, locked: true, renewalPrice: 12.99 });
  });

  test('ns1-4.name.com become the account\'s ns1xyz.name.com: reported as stored, with the names to use', async () => {
    const generic = ['ns1.name.com', 'ns2.name.com', 'ns3.name.com', 'ns4.name.com'];
    const own = emu().accountNameServers();
    const first = await set(generic);
    expect(first.code).toBe(0);
    expect(emu().nameServersOf('example.com')).toEqual(own);
    expect(first.stderr).toContain(`Name.com stored ${own.join(', ')} for ${generic.join(', ')}`);
    expect(first.stderr).toMatch(/use the stored names in --ns so that re-runs find nothing to change/);
    // get reports what is stored (and what the parent zone will show), not the names given.
    expect(JSON.parse((await get()).stdout).nameServers).toEqual(own);
    // Decided and documented: with the generic names every run writes again (harmless, same result).
    emu().http.resetLog();
    const again = await set(generic);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: true, before: own });
    expect(writes()).toBe(1);
    expect(emu().nameServersOf('example.com')).toEqual(own);
    // With the account's own names, a re-run is a no-op.
    emu().http.resetLog();
    const own2 = await set(own);
    expect(JSON.parse(own2.stdout)).toMatchObject({ changed: false });
    expect(own2.stderr).not.toContain('Name.com stored');
    expect(writes()).toBe(0);
  });

  test('errors are {message, details}: both reach the user', async () => {
    const r = await set(['ns1.ok-dns.net', 'ns2.unregistered.invalid']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /set name servers example\.com: HTTP 400 Invalid Argument \(Parameter Value Error - Nameserver ns2\.unregistered\.invalid is not registered\): Name\.com refused the name servers/,
    );
    const dup = await raw('POST', '/v4/domains/example.com:setNameservers', { contentType: 'application/json', body: JSON.stringify({ nameservers: ['a.example.net', 'A.example.net'] }) });
    expect(dup.status).toBe(400);
    expect(await dup.json()).toEqual({ message: 'Invalid Argument', details: 'Parameter Value Error - Duplicate nameserver a.example.net' });
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('v4 answers bad credentials with 403: the hint names the credentials first, not only two-step verification; not retried', async () => {
    const bad = await get(env({ NAMECOM_TOKEN: 'wrong-secret-SENTINEL-0000' }));
    expect(bad.code).toBe(1);
    expect(emu().seen[0]!.path).toBe('/v4/domains/example.com');
    expect(bad.stderr).toMatch(
      /HTTP 403 Forbidden: Name\.com's API v4 refused access: it answers bad credentials with 403, so check NAMECOM_USERNAME \("nsbridge-ops"\) and NAMECOM_TOKEN on the API Token Management page first; otherwise the account has two-step verification/,
    );
    expect(emu().http.requests).toHaveLength(1);
  });

  test('an account with two-step verification is refused (403) on every call; the hint says why; no retry', async () => {
    emu().twoStepVerification = true;
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: namecom: get name servers example\.com: HTTP 403 Forbidden: Name\.com's API v4 refused access: .*two-step verification/m);
    expect(emu().http.requests).toHaveLength(1);
  });

  test(`a 429 without Retry-After (the strict reading) is retried after ${RATE_LIMIT_FALLBACK_MS} ms, the per-second window`, async () => {
    emu().http.inject({ kind: 'rateLimit', times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => q.status)).toEqual([429, 200]);
    expect(r.ms).toBeGreaterThanOrEqual(RATE_LIMIT_FALLBACK_MS - 100);
  });

  test('both windows are enforced: 20 a second and 3000 an hour per account, 429 {message} without Retry-After', async () => {
    expect(info.rateLimit).toMatchObject({ requests: 20, perMs: 1_000 });
    const defaults = new NamecomEmulator();
    expect(defaults.http.rateLimit).toEqual({ requests: 20, perMs: 1_000 });
    expect(defaults.hourlyLimit).toEqual({ requests: 3_000, perMs: 3_600_000 });

    const limited = await startEmulator({ rateLimit: { requests: 20, perMs: 1_000 }, hourlyLimit: { requests: 25, perMs: 3_600_000 } });
    try {
      limited.addDomain('example.com', OLD_NS);
      // A burst of 25 at once: the per-second window lets 20 through and refuses the rest.
      const burst = await Promise.all(Array.from({ length: 25 }, () => raw('GET', '/v4/domains/example.com', {}, limited)));
      const refused = burst.filter((b) => b.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(burst.length - refused.length).toBeGreaterThanOrEqual(20);
      expect(refused[0]!.headers.get('retry-after')).toBeNull();
      expect(await refused[0]!.json()).toEqual({ message: 'Too Many Requests' });
      // Past the second, the hourly window (25 here) is what stops them: at least 20 were let through already.
      await new Promise((r) => setTimeout(r, 1_100));
      const later = [];
      for (let i = 0; i < 10; i++) later.push((await raw('GET', '/v4/domains/example.com', {}, limited)).status);
      expect(later.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
      expect(limited.hourlyLimitedCount).toBeGreaterThanOrEqual(5);
      // The CLI, out of hourly quota, gives up with Name.com's own terms.
      const r = await get(env({ NSBRIDGE_HTTP_RETRIES: '1' }, limited));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/rate limited \(HTTP 429\) after retries: Name\.com allows 20 requests a second and about 3,000 an hour.*another client is probably using the same account/);
    } finally {
      await limited.close();
    }
  });

  test('the shared limiter paces concurrent processes under 20 a second: 15 domains (30 requests) at once, no 429', async () => {
    expect(PACE).toEqual({ requests: 10, perMs: 1_000 });
    const limited = await startEmulator({ rateLimit: { requests: 20, perMs: 1_000 } });
    try {
      const domains = Array.from({ length: 15 }, (_, i) => `d${i}.com`);
      for (const d of domains) limited.addDomain(d, OLD_NS);
      // The adapter's own pace (no NSBRIDGE_RATE_LIMIT_NAMECOM override), against Name.com's real window.
      const e = env({ NSBRIDGE_RATE_LIMIT_NAMECOM: '' }, limited);
      delete e.NSBRIDGE_RATE_LIMIT_NAMECOM;
      const results = await Promise.all(domains.map((d) => set(NEW_NS, e, d)));
      expect(results.map((r) => r.code)).toEqual(domains.map(() => 0));
      expect(limited.http.rateLimitedCount).toBe(0);
    } finally {
      await limited.close();
    }
  });

  test('NSBRIDGE_NAMECOM_SANDBOX: the sandbox user name gets -test (appended when missing), and the host is api.dev.name.com', async () => {
    const sandbox = await startEmulator({ rateLimit: null, sandbox: true });
    try {
      sandbox.addDomain('example.com', OLD_NS);
      // The production user name is refused by the sandbox...
      const plain = await get(env({ NAMECOM_USERNAME: sandbox.user }, sandbox));
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/HTTP 403 Forbidden/);
      // ...and with the sandbox switch on, nsbridge sends the -test user name, whichever form was given.
      for (const user of [sandbox.user, `${sandbox.user}-test`]) {
        const r = await get(env({ NAMECOM_USERNAME: user, NSBRIDGE_NAMECOM_SANDBOX: '1' }, sandbox));
        expect(r.code).toBe(0);
      }
      expect(sandbox.seen.map((s) => s.user)).toEqual([sandbox.user, `${sandbox.user}-test`, `${sandbox.user}-test`]);
    } finally {
      await sandbox.close();
    }

    // Which real host: a loopback HTTPS proxy records the CONNECT target and refuses the tunnel.
    const proxy = await startConnectRecorder();
    const targets = proxy.targets;
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_NAMECOM_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_NAMECOM_SANDBOX: 'true' })), await get(viaProxy({}))];
      expect(targets).toEqual(['api.dev.name.com:443', 'api.name.com:443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('namecom Core API (the default)', () => {
  const setup = useEmulatorForQuirks('namecom', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra });
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'namecom', '--domain', domain, '--json'], e);
  const auth = () => `Basic ${Buffer.from(`${emu().apiUser}:${emu().token}`).toString('base64')}`;

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().addDomain('example.com', OLD_NS);
  });

  test('requests go to /core/v1 under the endpoint override (the origin only is replaced); answers are application/json', async () => {
    const r = await runCli(['set', '--registrar', 'namecom', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--json'], env());
    expect(r.code).toBe(0);
    expect(emu().seen.map((s) => s.path)).toEqual(['/core/v1/domains/example.com', '/core/v1/domains/example.com:setNameservers']);
    const res = await fetch(`${emu().url}/core/v1/domains/example.com`, { headers: { Authorization: auth() } });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  test('bad credentials are 401 Unauthorized with the credentials hint; a -test user against production is pointed at the sandbox', async () => {
    const bad = await get(env({ NAMECOM_TOKEN: 'wrong-secret-SENTINEL-0000' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 401 Unauthorized: Name\.com did not accept NAMECOM_USERNAME \("nsbridge-ops"\) with NAMECOM_TOKEN/);
    expect(bad.stderr).not.toMatch(/two-step/);
    expect(emu().http.requests).toHaveLength(1);
    const testUser = await get(env({ NAMECOM_USERNAME: 'nsbridge-ops-test' }));
    expect(testUser.stderr).toMatch(/"nsbridge-ops-test" is a sandbox user name \(-test\); set NSBRIDGE_NAMECOM_SANDBOX=1/);
  });

  test('a POST without JSON Content-Type is 415 on the Core API (403 on v4); a missing domain is 404 with details', async () => {
    const res = await fetch(`${emu().url}/core/v1/domains/example.com:setNameservers`, {
      method: 'POST',
      headers: { Authorization: auth(), 'Content-Type': 'text/plain' },
      body: JSON.stringify({ nameservers: NEW_NS }),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ message: "The 'Content-Type' header must be 'application/json' for this request." });
    const missing = await get(env(), 'not-mine.com');
    expect(missing.stderr).toMatch(/HTTP 404 Not Found \(The requested domain does not exist\.\): the domain is not in the Name\.com account/);
  });

  test('a 429 with X-RateLimit-Reset (Unix seconds) is waited out until the reset', async () => {
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => q.status)).toEqual([429, 200]);
    // The reset is 2 s after the whole second: at least a second and a bit, far more than the 20 ms backoff.
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
  });

  test('two-step verification on the Core API is 403 "Permission denied", with the access hint', async () => {
    emu().twoStepVerification = true;
    try {
      const r = await get();
      expect(r.stderr).toMatch(/HTTP 403 Permission denied: Name\.com refused this call for the account \(permission denied\)/);
    } finally {
      emu().twoStepVerification = false;
    }
  });

  test('NSBRIDGE_NAMECOM_API other than core or v4 is exit 2, nothing sent', async () => {
    const r = await get(env({ NSBRIDGE_NAMECOM_API: 'v5' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NSBRIDGE_NAMECOM_API="v5" must be core \(the Core API, default\) or v4/);
    expect(emu().http.requests).toHaveLength(0);
  });
});

describe('namecom DNSSEC (adapter against the emulator)', () => {
  const setup = useEmulatorForQuirks('namecom', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const domain = 'example.com';
  const DNSSEC_PATH = `/core/v1/domains/${domain}/dnssec`;
  const client = () => setup.dnssec();
  const raw = (method: string, path: string, body?: unknown) =>
    fetch(`${emu().url}${path}`, {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${emu().apiUser}:${emu().token}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const dnssecRequests = () => emu().http.requests.filter((r) => r.path.startsWith(DNSSEC_PATH));
  const createBody = (ds: DsRecord) => ({ domainName: domain, keyTag: ds.keyTag, algorithm: ds.algorithm, digestType: ds.digestType, digest: ds.digest });

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().dnssecPageCap = 1000;
    emu().addDomain(domain, OLD_NS);
  });

  test('info: a DS registrar with the dnssec capability', () => {
    expect(info.dnssecInput).toBe('ds');
    expect(info.capabilities.dnssec.supported).toBe(true);
  });

  test('add posts the DS with integers (and domainName); get reads it back with its digest as id', async () => {
    const rec = recordFromDnskey(domain, testDnskey());
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [rec]);
    expect(emu().dnssecRecordsOf(domain)).toEqual([{ ds: rec.ds, registrarId: rec.ds.digest }]);
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds: rec.ds, registrarId: rec.ds.digest }]);
    expect(sameDnssecRecord(got[0]!, rec)).toBe(true);
  });

  test('the emulator refuses strings for the integers, snake_case names, a missing domainName and a digest of the wrong length', async () => {
    const { ds } = recordFromDnskey(domain, testDnskey());
    const good = createBody(ds);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, keyTag: String(ds.keyTag) }, /keyTag must be an integer/],
      [{ ...good, algorithm: '13' }, /algorithm must be an integer/],
      [{ domainName: domain, key_tag: ds.keyTag, algorithm: 13, digestType: 2, digest: ds.digest }, /keyTag must be an integer, not missing/],
      [{ ...good, domainName: undefined }, /domainName must be example\.com/],
      [{ ...good, digest: ds.digest.slice(2) }, /digest must be 64 hexadecimal digits/],
      [{ ...good, algorithm: 99 }, /algorithm 99 is not a DNSSEC algorithm/],
    ];
    for (const [body, details] of cases) {
      const res = await raw('POST', DNSSEC_PATH, body);
      expect(res.status).toBe(400);
      const out = JSON.parse(await res.text()) as { message: string; details: string };
      expect(out.message).toBe('Invalid Argument');
      expect(out.details).toMatch(details);
    }
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
  });

  test('the list is paged with nextPage (left out on the last page; no dnssec field at all when empty)', async () => {
    expect(JSON.parse(await (await raw('GET', DNSSEC_PATH)).text())).toEqual({});
    await expect((await client()).getDnssecRecords(domain)).resolves.toEqual([]);
    const recs = [testDnskey(), testDnskey(), testDnskey()].map((k) => recordFromDnskey(domain, k));
    emu().setDnssecRecords(domain, recs);
    emu().dnssecPageCap = 1;
    emu().http.resetLog();
    const got = await (await client()).getDnssecRecords(domain);
    expect(got.map((r) => r.ds)).toEqual(recs.map((r) => r.ds));
    expect(dnssecRequests().map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  test('a key tag of 0 is left out of the answer like every default value, and read as 0', async () => {
    const ds = { keyTag: 0, algorithm: 13, digestType: 2, digest: 'C0'.repeat(32) };
    emu().setDnssecRecords(domain, [{ ds }]);
    const listed = JSON.parse(await (await raw('GET', DNSSEC_PATH)).text()) as { dnssec: Record<string, unknown>[] };
    expect(listed.dnssec[0]).not.toHaveProperty('keyTag');
    await expect((await client()).getDnssecRecords(domain)).resolves.toEqual([{ ds, registrarId: ds.digest }]);
  });

  test('remove deletes by the digest as Name.com holds it (its case kept); a record already gone counts as removed', async () => {
    const rec = recordFromDnskey(domain, testDnskey());
    const lower = rec.ds.digest.toLowerCase();
    expect((await raw('POST', DNSSEC_PATH, { ...createBody(rec.ds), digest: lower })).status).toBe(200);
    const dnssec = await client();
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds: rec.ds, registrarId: lower }]);
    // The identity is the stored digest, exactly: the canonical upper-case one is not found.
    expect((await raw('GET', `${DNSSEC_PATH}/${rec.ds.digest}`)).status).toBe(404);
    emu().http.resetLog();
    await dnssec.removeDnssecRecords(domain, got);
    expect(dnssecRequests()).toEqual([expect.objectContaining({ method: 'DELETE', path: `${DNSSEC_PATH}/${lower}`, status: 200 })]);
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
    emu().http.resetLog();
    await dnssec.removeDnssecRecords(domain, got);
    expect(dnssecRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['DELETE 404', 'GET 200']);
  });

  test('a DS Name.com already has ("Duplicate", e.g. a retried POST) is not an error', async () => {
    const rec = recordFromDnskey(domain, testDnskey());
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [rec]);
    const again = await raw('POST', DNSSEC_PATH, createBody(rec.ds));
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/Duplicate/);
    await dnssec.addDnssecRecords(domain, [rec]);
    expect(emu().dnssecRecordsOf(domain)).toHaveLength(1);
  });

  test('refusals name the registrar, operation and domain', async () => {
    const dnssec = await client();
    await expect(dnssec.getDnssecRecords('other.example')).rejects.toMatchObject({
      name: 'DomainNotFoundError',
      message: expect.stringMatching(/^namecom: get DNSSEC records other\.example: HTTP 404 Not Found/),
    });
    const bad = { ds: { keyTag: 1, algorithm: 13, digestType: 2, digest: 'AB'.repeat(20) } };
    await expect(dnssec.addDnssecRecords(domain, [bad])).rejects.toMatchObject({
      name: 'RegistrarValidationError',
      message: expect.stringMatching(/^namecom: add DNSSEC record example\.com: HTTP 400 Invalid Argument \(Parameter Value Error - digest must be 64/),
    });
  });
});
