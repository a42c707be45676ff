import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { NameSiloEmulator, startEmulator } from '../../testing/registrars/namesilo/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { dsFromDnskey, formatDs } from '../../core/dnssec';
import { domainInfoSchema, dsListSchema } from '../../registrar-adapters/namesilo/wire-types';

describeRegistrarConformance({
  id: 'namesilo',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /reply code 110 Invalid API Key: NameSilo did not accept NAMESILO_API_KEY/,
});

describe('namesilo quirks', () => {
  const setup = useEmulatorForQuirks('namesilo', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: NameSiloEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com', flags: string[] = []) => runCli([...flags, 'get', '--registrar', 'namesilo', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'namesilo', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().useDefaultNameServers = false;
    emu().echoRequestInErrors = false;
    emu().addDomain('example.com', OLD_NS);
  });

  test('every call is GET /api/{operation} with version=1&type=json; ns1..ns13; upper-case answers compare equal', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/getDomainInfo', 'GET /api/changeNameServers']);
    expect(emu().seen).toEqual([
      { operation: 'getDomainInfo', version: '1', type: 'json', domain: 'example.com' },
      { operation: 'changeNameServers', version: '1', type: 'json', domain: 'example.com', ...Object.fromEntries([...NEW_NS].sort().map((n, i) => [`ns${i + 1}`, n])) },
    ]);
    const again = await set(NEW_NS);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, before: [...NEW_NS].sort() });
  });

  test('errors inside HTTP 200: code 200 (not in the account) names the domain and the fix', async () => {
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'nsbridge: namesilo: get name servers not-mine.com: reply code 200 Domain is not active, or does not belong to this user: not-mine.com is not an active domain of the NameSilo account of NAMESILO_API_KEY (sandbox domains are in the sandbox account)\n',
    );
    expect(emu().http.requests.map((q) => q.status)).toEqual([200]);
  });

  test('changeNameServers answering 301 (NameSilo used its own name servers) is a failure, not a success', async () => {
    emu().useDefaultNameServers = true;
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: reply code 301 .*used its own instead/);
  });

  test('the key is in the URL: --verbose traces and errors that echo the request URL never show it', async () => {
    emu().echoRequestInErrors = true;
    const r = await get(env(), 'not-mine.com', ['--verbose']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/namesilo: -> GET \/api\/getDomainInfo\n/);
    expect(r.stderr).toMatch(/namesilo: getDomainInfo domain=not-mine\.com/);
    expect(r.stderr.split('\n').filter((l) => l.includes('debug:') && l.includes('key='))).toEqual([]);
    // A wrong endpoint path: the 404 page quotes the request URL, key included; the CLI masks it.
    const wrongEndpoint = await get(env({ NSBRIDGE_NAMESILO_ENDPOINT: `${emu().url}/x` }), 'example.com', ['--verbose']);
    expect(wrongEndpoint.code).toBe(1);
    expect(wrongEndpoint.stderr).toMatch(/HTTP 404 404 Not Found\. The requested URL \/x\/api\/getDomainInfo\?version=1&type=json&key=\*\*\*&domain=example\.com was not found.*must be an origin only/);
    for (const out of [r, wrongEndpoint]) {
      expect(out.stdout + out.stderr).not.toContain(emu().key);
      expect(out.stdout + out.stderr).not.toContain(encodeURIComponent(emu().key));
    }
    const bad = await get(env({ NAMESILO_API_KEY: 'wrong-key-SENTINEL-8888' }), 'example.com', ['--verbose']);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).not.toContain('wrong-key-SENTINEL-8888');
  });

  test('the answer schemas: no nameservers field is refused (never read as none); XML-to-JSON variants (one object, strings, positions) are read', () => {
    expect(domainInfoSchema.safeParse({ reply: { code: 300, detail: 'success' } }).success).toBe(false);
    expect(domainInfoSchema.parse({ reply: { nameservers: { nameserver: 'NS1.X.NET' } } }).reply.nameservers).toEqual([{ position: undefined, host: 'NS1.X.NET' }]);
    expect(domainInfoSchema.parse({ reply: { nameservers: ['a.x.net', { position: '2', nameserver: 'b.x.net' }] } }).reply.nameservers).toEqual([
      { position: undefined, host: 'a.x.net' },
      { position: 2, host: 'b.x.net' },
    ]);
    expect(dsListSchema.parse({ reply: { ds_record: { digest: 'AB', digest_type: 2, algorithm: '13', key_tag: 1 } } }).reply.ds_record).toEqual([{ digest: 'AB', digest_type: '2', algorithm: '13', key_tag: '1' }]);
  });

  test('NSBRIDGE_NAMESILO_SANDBOX selects sandbox.namesilo.com; the default is www.namesilo.com', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_NAMESILO_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_NAMESILO_SANDBOX: 'true' })), await get(viaProxy({}))];
      expect(proxy.targets).toEqual(['sandbox.namesilo.com:443', 'www.namesilo.com:443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('DS records go out as digest, keyTag, digestType, alg and are deleted by value', async () => {
    const k1 = testDnskey();
    const k2 = testDnskey();
    emu().setDnssecRecords('example.com', [{ ds: dsFromDnskey('example.com', k1) }]);
    const r = await runCli(['ds', 'set', '--registrar', 'namesilo', '--domain', 'example.com', '--ds', formatDs(dsFromDnskey('example.com', k2))], env());
    expect(r.code).toBe(0);
    const ds1 = dsFromDnskey('example.com', k1);
    const ds2 = dsFromDnskey('example.com', k2);
    const params = (d: typeof ds1) => ({ version: '1', type: 'json', domain: 'example.com', digest: d.digest, keyTag: String(d.keyTag), digestType: String(d.digestType), alg: String(d.algorithm) });
    expect(emu().seen).toEqual([
      { operation: 'dnsSecListRecords', version: '1', type: 'json', domain: 'example.com' },
      { operation: 'dnsSecAddRecord', ...params(ds2) },
      { operation: 'dnsSecDeleteRecord', ...params(ds1) },
    ]);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([{ ds: ds2 }]);
  });
});
