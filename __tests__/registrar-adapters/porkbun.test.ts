import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { startEmulator } from '../../testing/registrars/porkbun/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { dsFromDnskey, formatDnskey, formatDs, recordFromDnskey } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'porkbun',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /Invalid API key\. \(002\).*PORKBUN_API_KEY \/ PORKBUN_SECRET_API_KEY/,
});


describe('porkbun quirks', () => {
  const { emu, env } = useEmulatorForQuirks('porkbun', () => startEmulator({ rateLimit: null }));
  const get = (domain = 'example.com', e = env()) => runCli(['get', '--registrar', 'porkbun', '--domain', domain, '--json'], e);
  const set = (ns: string[], domain = 'example.com', e = env()) =>
    runCli(['set', '--registrar', 'porkbun', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  /** Talk to the emulator directly, as curl would. */
  const post = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${emu().url}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().http.rateLimit = undefined;
    emu().throttle = 'html503';
    emu().clearQueuedReplies();
    emu().addDomain('example.com', OLD_NS);
  });

  test('every call is a POST under /api/json/v3 with the keys in the body, never in the URL', async () => {
    const r = await runCli(['--verbose', 'set', '--registrar', 'porkbun', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env());
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /api/json/v3/domain/getNs/example.com',
      'POST /api/json/v3/domain/updateNs/example.com',
    ]);
    expect(r.stderr).toMatch(/porkbun: -> POST \/domain\/getNs\/example\.com/);
    for (const s of emu().secrets()) expect(r.stderr).not.toContain(s);
  });

  test('the domain\'s API Access switch off: Porkbun\'s real text, the hint names the switch, no retry', async () => {
    emu().setApiAccess('example.com', false);
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^nsbridge: porkbun: get name servers example\.com: HTTP 400 Domain is not opted in to API access\.: the domain's "API Access" switch is off: .*turn "API Access" on$/m,
    );
    expect(emu().http.requests).toHaveLength(1);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a domain not in the account is "Invalid domain.", with the hint naming both causes (older answers used it for API Access too)', async () => {
    const r = await get('elsewhere.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers elsewhere\.com: HTTP 400 Invalid domain\.: .*"API Access"/);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('.de answers carry trailing dots; nsbridge normalises them and a repeat set writes nothing', async () => {
    emu().addDomain('example.de', NEW_NS);
    const raw = (await (await post('/domain/getNs/example.de', { apikey: emu().apiKey, secretapikey: emu().secretApiKey })).json()) as { ns: string[] };
    expect(raw.ns.every((n) => n.endsWith('.'))).toBe(true);
    const g = await get('example.de');
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout).nameServers).toEqual([...NEW_NS].sort());
    const s = await set(NEW_NS, 'example.de');
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).changed).toBe(false);
    expect(emu().http.writes()).toBe(0);
  });

  test('the openresty 503 page (default throttle signal) at the real 1 req/s limit is waited out, one write', async () => {
    emu().http.rateLimit = { requests: 1, perMs: 1_000 };
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.rateLimitedCount).toBe(1);
    expect(emu().http.requests.map((q) => q.status)).toEqual([200, 503, 200]);
    expect(r.stderr).toMatch(/porkbun: HTTP 503; retrying/);
    // No hint in the page: nsbridge waited at least one window of the limit before the retry.
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(emu().http.writes()).toBe(1);
  });

  test('the AWS WAF challenge (HTTP 202, x-amzn-waf-action) is "slow down", retried, and the write lands once', async () => {
    emu().throttle = 'waf202';
    emu().http.rateLimit = { requests: 1, perMs: 1_000 };
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => q.status)).toEqual([200, 202, 200]);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
    expect(emu().http.writes()).toBe(1);
  });

  test('a write that only ever gets the WAF challenge is never reported as done', async () => {
    emu().queueReply('updateNs', emu().wafChallenge(), Infinity);
    const r = await set(NEW_NS, 'example.com', env({ NSBRIDGE_HTTP_RETRIES: '1' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nsbridge: porkbun: set name servers example\.com: rate limited \(HTTP 202, retry after 1\.2s\) after retries/m);
    expect(emu().http.requests.filter((q) => q.status === 202)).toHaveLength(2);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a 202 without the WAF header and with a non-JSON body is not a success either', async () => {
    emu().queueReply('updateNs', { status: 202, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Accepted</body></html>' });
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/set name servers example\.com: unexpected answer from Porkbun: HTTP 202 .*it is not known whether the change was made; run `nsbridge get`/);
  });

  test('a broken JSON answer to a write says the outcome is unknown', async () => {
    emu().queueReply('updateNs', { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"status":"SUCC' });
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: unexpected answer from Porkbun: HTTP 200 \{"status":"SUCC: it is not known whether the change was made/);
  });

  test('the newer 429 with Retry-After (UNCONFIRMED) is honoured', async () => {
    emu().throttle = 'json429';
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu().http.requests[0]!.status).toBe(429);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
  });

  test('the published limit (1/s per key), shared by concurrent processes, keeps every answer clean', async () => {
    emu().http.rateLimit = { requests: 1, perMs: 1_000 };
    const domains = ['p1.com', 'p2.com', 'p3.com'];
    for (const d of domains) emu().addDomain(d, OLD_NS);
    const e = env();
    delete e.NSBRIDGE_RATE_LIMIT_PORKBUN; // use info.rateLimit: 1 per second
    const started = Date.now();
    const results = await Promise.all(domains.map((d) => set(NEW_NS, d, e)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(emu().http.rateLimitedCount).toBe(0);
    // 6 requests at 1 per second: at least 5 s between the first and the last.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    for (const d of domains) expect(emu().nameServersOf(d)).toEqual([...NEW_NS].sort());
  });

  test('name servers the registry does not know: 400, validation hint, nothing changed, no retry', async () => {
    const r = await set(['ns1.unregistered.invalid', 'ns2.unregistered.invalid']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: HTTP 400 .*registered at the registry.*Nothing was changed/);
    expect(emu().http.requests.map((q) => q.status)).toEqual([200, 400]);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('newer error codes: a key limited to other domains (403 DOMAIN_NOT_ALLOWED) is explained', async () => {
    emu().queueReply('getNs', { status: 403, body: { status: 'ERROR', code: 'DOMAIN_NOT_ALLOWED', message: 'This API key is not allowed to access this domain.' } });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 403 This API key is not allowed to access this domain\. \[DOMAIN_NOT_ALLOWED\]: the Porkbun API key is limited to other domains/);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('the emulator answers like Porkbun: envelopes for missing keys, empty lists, GETs', async () => {
    const auth = { apikey: emu().apiKey, secretapikey: emu().secretApiKey };
    const noKeys = await post('/domain/getNs/example.com', 'apikey=x', 'application/x-www-form-urlencoded');
    expect(noKeys.status).toBe(400);
    expect(await noKeys.json()).toEqual({ status: 'ERROR', message: 'Invalid API key. (001)' });
    const wrong = await post('/domain/getNs/example.com', { apikey: emu().apiKey, secretapikey: 'sk1_wrong' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ status: 'ERROR', message: 'Invalid API key. (002)' });
    const empty = await post('/domain/updateNs/example.com', { ...auth, ns: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ status: 'ERROR', message: 'invalid name server list' });
    const ping = await post('/ping', auth);
    expect(await ping.json()).toMatchObject({ status: 'SUCCESS' });
    const getMethod = await fetch(`${emu().url}/domain/getNs/example.com`);
    expect(getMethod.status).toBe(405);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('no sandbox: NSBRIDGE_PORKBUN_SANDBOX is refused (exit 2, nothing sent) unless an endpoint override is given', async () => {
    const e = env({ NSBRIDGE_PORKBUN_SANDBOX: '1' });
    delete e.NSBRIDGE_PORKBUN_ENDPOINT;
    const r = await get('example.com', e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NSBRIDGE_PORKBUN_SANDBOX is set but Porkbun has no sandbox/);
    const withOverride = await get('example.com', env({ NSBRIDGE_PORKBUN_SANDBOX: '1' }));
    expect(withOverride.code).toBe(0);
    expect(emu().http.requests).toHaveLength(1);
  });

  test('production is api.porkbun.com; pointing the override at the retired porkbun.com host warns', async () => {
    const proxy = await startConnectRecorder();
    try {
      const base = { NSBRIDGE_HTTP_RETRIES: '0', HTTPS_PROXY: proxy.url, https_proxy: proxy.url };
      const prod = env(base);
      delete prod.NSBRIDGE_PORKBUN_ENDPOINT;
      const r = await get('example.com', prod);
      expect(r.code).toBe(1);
      expect(proxy.targets).toEqual(['api.porkbun.com:443']);
      const old = await get('example.com', env({ ...base, NSBRIDGE_PORKBUN_ENDPOINT: 'https://porkbun.com/api/json/v3' }));
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/stopped serving the API on 2024-12-01; use https:\/\/api\.porkbun\.com\/api\/json\/v3/);
      expect(proxy.targets).toEqual(['api.porkbun.com:443', 'porkbun.com:443']);
    } finally {
      proxy.server.closeAllConnections();
      await new Promise((r) => proxy.server.close(r));
    }
  });
});

describe('porkbun DNSSEC quirks', () => {
  const { emu, env } = useEmulatorForQuirks('porkbun', () => startEmulator({ rateLimit: null }));
  const ds = (args: string[], e = env()) => runCli(['ds', ...args, '--registrar', 'porkbun', '--domain', 'example.com'], e);
  const paths = () => emu().http.requests.map((q) => `${q.path.replace('/api/json/v3', '')} ${q.status}`);
  const keyA = testDnskey();
  const keyB = testDnskey();
  const recA = recordFromDnskey('example.com', keyA);
  const recB = recordFromDnskey('example.com', keyB);
  const post = (path: string, body: Record<string, unknown>) =>
    fetch(`${emu().url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apikey: emu().apiKey, secretapikey: emu().secretApiKey, ...body }),
    });

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().clearQueuedReplies();
    emu().addDomain('example.com', OLD_NS);
  });

  test('records come as an object keyed by key tag with string values; nsbridge prints canonical DS', async () => {
    emu().setDnssecRecords('example.com', [recA, recB]);
    const raw = (await (await post('/dns/getDnssecRecords/example.com', {})).json()) as { records: Record<string, Record<string, unknown>> };
    expect(Object.keys(raw.records).sort()).toEqual([String(recA.ds.keyTag), String(recB.ds.keyTag)].sort());
    expect(raw.records[String(recA.ds.keyTag)]).toEqual({ keyTag: String(recA.ds.keyTag), alg: '13', digestType: '2', digest: recA.ds.digest });
    emu().http.resetLog();
    const r = await ds(['get', '--json']);
    expect(r.code).toBe(0);
    const printed = (JSON.parse(r.stdout) as { records: { ds: string }[] }).records.map((x) => x.ds).sort();
    expect(printed).toEqual([formatDs(recA.ds), formatDs(recB.ds)].sort());
    expect(paths()).toEqual(['/dns/getDnssecRecords/example.com 200']);
  });

  test.each([
    ['an empty object', {}],
    ['an empty list (what the emulator sends)', []],
  ])('no records as %s is read as none', async (_name, records) => {
    emu().queueReply('getDnssecRecords', { status: 200, headers: { Server: 'openresty' }, body: { status: 'SUCCESS', records } });
    const r = await ds(['get', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'porkbun', domain: 'example.com', records: [] });
  });

  test('records as a list of objects (a shape some clients guard against) are read too', async () => {
    const wire = { keyTag: String(recA.ds.keyTag), alg: '13', digestType: '2', digest: recA.ds.digest.toLowerCase() };
    emu().queueReply('getDnssecRecords', { status: 200, body: { status: 'SUCCESS', records: [wire] } });
    const r = await ds(['get', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).records).toEqual([{ ds: formatDs(recA.ds) }]);
  });

  test('create sends a flat body of strings (the emulator refuses numbers); the DNSKEY goes along as key data', async () => {
    const r = await ds(['set', '--dnskey', formatDnskey(keyA), '--json']);
    expect(r.code).toBe(0);
    expect(emu().rawDnssecRecordsOf('example.com')).toEqual([
      {
        keyTag: String(recA.ds.keyTag),
        alg: '13',
        digestType: '2',
        digest: recA.ds.digest,
        keyDataFlags: '257',
        keyDataProtocol: '3',
        keyDataAlgo: '13',
        keyDataPubKey: keyA.publicKey,
      },
    ]);
    const numbers = await post('/dns/createDnssecRecord/example.com', { keyTag: recB.ds.keyTag, alg: 13, digestType: 2, digest: recB.ds.digest });
    expect(numbers.status).toBe(400);
    expect(await numbers.json()).toEqual({ status: 'ERROR', message: 'Invalid or missing keyTag: it must be given as a string.' });
  });

  test('a key roll creates the new DS, then deletes the old one by its key tag', async () => {
    emu().setDnssecRecords('example.com', [recA]);
    const r = await ds(['set', '--ds', formatDs(recB.ds)]);
    expect(r.code).toBe(0);
    expect(paths()).toEqual([
      '/dns/getDnssecRecords/example.com 200',
      '/dns/createDnssecRecord/example.com 200',
      `/dns/deleteDnssecRecord/example.com/${recA.ds.keyTag} 200`,
    ]);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([{ ds: recB.ds }]);
  });

  test('one DS per key tag: a new digest for a held key tag replaces the old DS (delete the tag, create), and says so', async () => {
    emu().setDnssecRecords('example.com', [recA]);
    const sha384 = dsFromDnskey('example.com', keyA, 4);
    const r = await ds(['set', '--ds', formatDs(sha384), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/key tag \d+ holds DS .*Porkbun keeps one DS per key tag, so it is replaced/);
    expect(paths()).toEqual([
      '/dns/getDnssecRecords/example.com 200',
      `/dns/deleteDnssecRecord/example.com/${recA.ds.keyTag} 200`,
      '/dns/createDnssecRecord/example.com 200',
    ]);
    // The old DS is not deleted again afterwards: that would take the new one with it.
    expect(emu().dnssecRecordsOf('example.com')).toEqual([{ ds: sha384 }]);
  });

  test('two DS records with one key tag in one set are refused (exit 2) before anything is written', async () => {
    const sha384 = dsFromDnskey('example.com', keyA, 4);
    const r = await ds(['set', '--ds', formatDs(recA.ds), '--ds', formatDs(sha384)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Porkbun keeps one DS record per key tag .* key tag \d+ is given twice/);
    expect(emu().http.writes()).toBe(0);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([]);
  });

  test('"API Access" off: ds get and ds set fail with exit 1, "not opted in" and the switch named, nothing written', async () => {
    emu().setDnssecRecords('example.com', [recA]);
    emu().setApiAccess('example.com', false);
    for (const args of [['get'], ['set', '--ds', formatDs(recB.ds)]]) {
      emu().http.resetLog();
      const r = await ds(args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^nsbridge: porkbun: get DNSSEC records example\.com: HTTP 400 Domain is not opted in to API access\.: .*turn "API Access" on/);
      expect(emu().http.requests).toHaveLength(1);
    }
    expect(emu().dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
  });

  test('a WAF challenge (HTTP 202) on create is "slow down", not success: retried, and the record lands once', async () => {
    emu().queueReply('createDnssecRecord', emu().wafChallenge(), 1);
    const r = await ds(['set', '--ds', formatDs(recA.ds)]);
    expect(r.code).toBe(0);
    expect(paths().filter((p) => p.startsWith('/dns/createDnssecRecord'))).toEqual(['/dns/createDnssecRecord/example.com 202', '/dns/createDnssecRecord/example.com 200']);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
    for (const s of emu().secrets()) expect(r.stderr + r.stdout).not.toContain(s);
  });
});
