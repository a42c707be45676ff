import { createHash } from 'node:crypto';
import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { OpenSrsEmulator, startEmulator } from '../../testing/registrars/opensrs/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { opensrsSignature } from '../../registrar-adapters/opensrs/signing';
import { decodeEnvelope, requestEnvelope } from '../../registrar-adapters/opensrs/xcp';
import { dsFromDnskey, formatDs } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'opensrs',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 authentication failed: OpenSRS did not accept reseller "nsbridge-reseller"/,
  knownGaps: {
    wrongShape:
      "the kit's default wrong shape is JSON; OpenSRS speaks XML, so the adapter reports it as not well-formed XML (exit 1, quoting it, nothing written) in its own words; the emulator's XML wrongShape() is still to write",
  },
});

describe('opensrs signing and envelopes', () => {
  test('the docs\' MD5 self-test and the double-MD5 signature, lower-case hex', () => {
    expect(createHash('md5').update('ConnecttoOpenSRSviaSSL').digest('hex')).toBe('e787cc1d1951dfec4827cede7b1a0933');
    const body = requestEnvelope('GET', 'DOMAIN', { domain: 'example.com', type: 'nameservers' });
    const key = 'abc123';
    const inner = createHash('md5').update(body + key).digest('hex');
    const expected = createHash('md5').update(inner + key).digest('hex');
    expect(opensrsSignature(body, key)).toBe(expected);
    expect(opensrsSignature(body, key)).toMatch(/^[0-9a-f]{32}$/);
  });

  test('requests encode dt_assoc / dt_array and escape text; replies decode back', () => {
    const body = requestEnvelope('ADVANCED_UPDATE_NAMESERVERS', 'DOMAIN', { domain: 'a&b.com', op_type: 'assign', assign_ns: ['ns1.x.net', 'ns2.x.net'] });
    expect(body).toContain('<item key="assign_ns"><dt_array><item key="0">ns1.x.net</item><item key="1">ns2.x.net</item></dt_array></item>');
    expect(body).toContain('a&amp;b.com');
    const decoded = decodeEnvelope(body);
    expect(decoded).toEqual({ ok: true, value: { protocol: 'XCP', action: 'ADVANCED_UPDATE_NAMESERVERS', object: 'DOMAIN', attributes: { domain: 'a&b.com', op_type: 'assign', assign_ns: ['ns1.x.net', 'ns2.x.net'] } } });
    expect(decodeEnvelope('<html><body>hi</body></html>')).toMatchObject({ ok: false });
  });
});

describe('opensrs quirks', () => {
  const setup = useEmulatorForQuirks('opensrs', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: OpenSrsEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'opensrs', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'opensrs', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    const e = emu();
    e.http.clearFaults();
    e.http.resetLog();
    e.calls.length = 0;
    e.ipAllowed = true;
    e.notInAccountCode = '480';
    e.dnssecRead = 'GET_DNSSEC_INFO';
    e.asyncTlds.clear();
    e.asyncReads = 2;
    e.addDomain('example.com', OLD_NS);
  });

  test('every request is a signed POST / (text/xml) that the emulator\'s own MD5 check accepts', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().calls.map((c) => `${c.action} ${c.object}`)).toEqual(['GET DOMAIN', 'ADVANCED_UPDATE_NAMESERVERS DOMAIN']);
    for (const c of emu().calls) {
      expect(c.signatureOk).toBe(true);
      expect(c.username).toBe(emu().username);
      expect(c.contentType).toMatch(/^text\/xml/);
    }
    expect(emu().calls[1]!.attributes).toEqual({ domain: 'example.com', op_type: 'assign', assign_ns: [...NEW_NS].sort() });
    expect(emu().http.requests.every((q) => q.method === 'POST' && q.path === '/')).toBe(true);
  });

  test('an address off the allow-list is HTTP 401: exit 1, the allow-list named, no retry', async () => {
    emu().ipAllowed = false;
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: opensrs: get name servers example\.com: HTTP 401 .*allow-list/m);
    expect(emu().http.requests).toHaveLength(1);
  });

  test.each(['415', '435', '480'] as const)('a domain outside the account answered %s in HTTP 200 is "not in this account"', async (code) => {
    emu().notInAccountCode = code;
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`get name servers not-mine\\.com: response ${code} .*not .*in the OpenSRS reseller account "nsbridge-reseller"`));
  });

  test('a host missing at the registry: 436 in HTTP 200, read as a refusal that says to create the host', async () => {
    const r = await set(['ns1.missing.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: response 436 Request failed validation: Name server 'ns1\.missing\.invalid' is not found at the registry.*must already exist at the registry/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('the same set is never sent; "No nameserver changes necessary" is not a write either', async () => {
    emu().addDomain('example.com', NEW_NS);
    const r = await set(NEW_NS);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: false });
    expect(emu().calls.map((c) => c.action)).toEqual(['GET']);
  });

  test('.DK: ADVANCED_UPDATE_NAMESERVERS is not offered, so the change is refused (exit 2) before any write', async () => {
    emu().addDomain('example.dk', OLD_NS);
    const r = await set(NEW_NS, env(), 'example.dk');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/opensrs: set name servers example\.dk: OpenSRS does not support ADVANCED_UPDATE_NAMESERVERS for \.DK domains/);
    expect(emu().calls.map((c) => c.action)).toEqual(['GET']);
    expect(emu().nameServersOf('example.dk')).toEqual(OLD_NS);
  });

  test('an answer without nameserver_list is an error quoting the body, never "no name servers"', async () => {
    emu().replyNext(emu().envelope('1', '200', 'Query Successful', { lock_state: '0' }));
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a nameserver_list; nameserver_list: .*; got \{"lock_state":"0"\}/);
  });

  test('an OPS_envelope without is_success is an error, not a success', async () => {
    emu().replyNext({ status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<OPS_envelope><body><data_block><dt_assoc><item key="response_code">200</item></dt_assoc></data_block></body></OPS_envelope>' });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unexpected answer \(HTTP 200\): expected a reply envelope \(is_success, response_code\); /);
  });

  test('response 250 (asynchronous registry): nsbridge re-reads until the change shows, with progress on stderr', async () => {
    emu().addDomain('example.io', OLD_NS);
    emu().asyncTlds.add('io');
    emu().asyncReads = 3;
    const r = await set(NEW_NS, env(), 'example.io');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/submitted to an asynchronous registry \(response 250\); waiting up to 10m/);
    expect(r.stderr).toMatch(/still pending after .* \(check 1\)/);
    expect(r.stderr).toMatch(/the name-server change is done/);
    expect(emu().nameServersOf('example.io')).toEqual([...NEW_NS].sort());
    expect(emu().calls.map((c) => c.action)).toEqual(['GET', 'ADVANCED_UPDATE_NAMESERVERS', 'GET', 'GET', 'GET']);
    expect(emu().http.writes()).toBe(1);
  });

  test('response 250 that does not show in time is reported pending (exit 1) with what to check', async () => {
    emu().addDomain('example.io', OLD_NS);
    emu().asyncTlds.add('io');
    emu().asyncReads = 1_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_OPENSRS_OPERATION_TIMEOUT: '300ms' }), 'example.io');
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(/^nsbridge: opensrs: set name servers example\.io: the name-server change was submitted to an asynchronous registry \(response 250\) and still did not show after .*nsbridge get --registrar opensrs --domain example\.io.*NSBRIDGE_OPENSRS_OPERATION_TIMEOUT/);
    // A second run while the registry still works on it: 437, a conflict, nothing sent twice.
    const again = await set(NEW_NS, env(), 'example.io');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/response 437 .*another request is still waiting/);
  });

  test('response 300 in HTTP 200 is the throttle: waited out and retried', async () => {
    emu().replyNext(emu().envelope('0', '300', 'Exceeded max command rate. Request deferred.'));
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
    expect(emu().http.requests).toHaveLength(2);
  });

  test('DNSSEC: where only GET type=dnssec is offered (430 to GET_DNSSEC_INFO), nsbridge falls back to it', async () => {
    emu().dnssecRead = 'GET type=dnssec';
    const k = testDnskey();
    emu().setDnssecRecords('example.com', [{ ds: dsFromDnskey('example.com', k) }]);
    const r = await runCli(['ds', 'get', '--registrar', 'opensrs', '--domain', 'example.com'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`DS ${formatDs(dsFromDnskey('example.com', k))}`);
    expect(emu().calls.map((c) => `${c.action}${c.attributes.type ? ` type=${String(c.attributes.type)}` : ''}`)).toEqual(['GET_DNSSEC_INFO', 'GET type=dnssec']);
  });

  test('DNSSEC: SET_DNSSEC_INFO carries the whole set; a clear sends an empty dnssec list', async () => {
    const k1 = testDnskey();
    const k2 = testDnskey();
    emu().setDnssecRecords('example.com', [{ ds: dsFromDnskey('example.com', k1) }]);
    const add = await runCli(['ds', 'set', '--registrar', 'opensrs', '--domain', 'example.com', '--ds', formatDs(dsFromDnskey('example.com', k1)), '--ds', formatDs(dsFromDnskey('example.com', k2))], env());
    expect(add.code).toBe(0);
    const sets = emu().calls.filter((c) => c.action === 'SET_DNSSEC_INFO');
    expect(sets).toHaveLength(1);
    expect(sets[0]!.attributes.dnssec).toHaveLength(2);
    emu().calls.length = 0;
    const clear = await runCli(['ds', 'clear', '--registrar', 'opensrs', '--domain', 'example.com'], env());
    expect(clear.code).toBe(0);
    expect(emu().calls.filter((c) => c.action === 'SET_DNSSEC_INFO').map((c) => c.attributes.dnssec)).toEqual([[]]);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([]);
  });

  test('NSBRIDGE_OPENSRS_ENDPOINT replaces the origin, port included, and keeps the path /', async () => {
    const r = await get(env({ NSBRIDGE_OPENSRS_ENDPOINT: `${emu().url}/` }));
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => q.path)).toEqual(['/']);
  });

  test('NSBRIDGE_OPENSRS_SANDBOX selects Horizon on port 55443, production otherwise', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_OPENSRS_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_OPENSRS_SANDBOX: '1' })), await get(viaProxy({}))];
      expect(proxy.targets).toEqual(['horizon.opensrs.net:55443', 'rr-n1-tor.opensrs.net:55443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
