import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { expectedSignature, OvhEmulator, rfc4034KeyTag, startEmulator } from '../../testing/registrars/ovh/emulator';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { runCli } from '../../testing/registrars/run-cli';
import { ovhSignature } from '../../registrar-adapters/ovh/signing';
import { regionOrigin } from '../../registrar-adapters/ovh/adapter';
import { formatDnskey, keyTagOf, recordFromDnskey } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'ovh',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // /auth/time, the name-server id list, then one GET per name server (two here).
  requestsPerRead: 4,
  authErrorPattern: /INVALID_SIGNATURE.*OVH_APPLICATION_SECRET/,
});

describe('ovh signing', () => {
  test('the signature is "$1$" + SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP (vector computed with sha1sum)', () => {
    const input = {
      applicationSecret: 'EgWIz07P0HYwtQDs',
      consumerKey: 'MtSwSrPpTE5EXFEbM5qmhOZ8lk2zKc',
      method: 'get',
      url: 'https://eu.api.ovh.com/1.0/domain/example.com/nameServer',
      body: '',
      timestamp: 1528723172,
    };
    expect(ovhSignature(input)).toBe('$1$68eae4b3579fb75eaeb283ccc2be22e97c029290');
    expect(expectedSignature(input.applicationSecret, input.consumerKey, 'GET', input.url, '', '1528723172')).toBe(ovhSignature(input));
    expect(ovhSignature({ ...input, body: '{"a":1}' })).not.toBe(ovhSignature(input));
  });

  test('OVH_ENDPOINT picks the region origin; anything else is a usage error', () => {
    expect(regionOrigin({})).toBe('https://eu.api.ovh.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'ovh-ca' })).toBe('https://ca.api.ovh.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'OVH-US' })).toBe('https://api.us.ovhcloud.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'eu' })).toBe('https://eu.api.ovh.com');
    expect(() => regionOrigin({ OVH_ENDPOINT: 'ovh-mars' })).toThrow(/OVH_ENDPOINT="ovh-mars" is not an OVHcloud API region; use ovh-eu, ovh-ca or ovh-us/);
  });

  test('the emulator\'s key tag agrees with nsbridge\'s (two implementations of RFC 4034 appendix B)', () => {
    for (let i = 0; i < 5; i++) {
      const k = testDnskey();
      expect(rfc4034KeyTag(k.flags, k.algorithm, k.publicKey)).toBe(keyTagOf(k));
    }
  });
});

describe('ovh quirks (against the emulator)', () => {
  const q = useEmulatorForQuirks<OvhEmulator>('ovh', () => startEmulator({ rateLimit: null }));
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, q.env(extra));
  const set = (ns: string[], extra: Record<string, string | undefined> = {}) =>
    cli(['set', '--registrar', 'ovh', '--domain', 'example.com', '--ns', ns.join(','), '--json'], extra);
  const calls = () => q.emu().http.requests.map((r) => `${r.method} ${r.path}`);

  beforeEach(() => {
    const emu = q.emu();
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.taskPolls = 2;
    emu.clockSkewSec = 0;
    emu.signed.length = 0;
    emu.updateBodies.length = 0;
    emu.consumers.set(emu.consumerKey, [
      { method: 'GET', path: '/domain/*' },
      { method: 'PUT', path: '/domain/*' },
      { method: 'POST', path: '/domain/*' },
    ]);
    emu.addDomain('example.com', OLD_NS);
  });

  test('NSBRIDGE_OVH_ENDPOINT replaces only the origin: the real /1.0 paths are kept, and every call is signed for the URL it went to', async () => {
    const emu = q.emu();
    const ids = emu.listingIds('example.com');
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(calls().slice(0, 2)).toEqual(['GET /1.0/auth/time', 'GET /1.0/domain/example.com/nameServer']);
    expect(calls()).toEqual(expect.arrayContaining([
      ...ids.map((id) => `GET /1.0/domain/example.com/nameServer/${id}`),
      'GET /1.0/domain/example.com',
      'POST /1.0/domain/example.com/nameServers/update',
    ]));
    expect(emu.signed.length).toBeGreaterThan(3);
    expect(emu.signed.every((s) => s.ok && s.url.startsWith(`${emu.url}/1.0/domain/example.com`))).toBe(true);
    // The schema's body key, one {host} per server.
    expect(emu.updateBodies).toEqual([{ nameServers: NEW_NS.map((host) => ({ host })).sort((a, b) => a.host.localeCompare(b.host)) }]);
  });

  test('requests are stamped with the OVH server\'s clock (from /auth/time), not the local one', async () => {
    q.emu().clockSkewSec = 3600;
    const r = await cli(['get', '--registrar', 'ovh', '--domain', 'example.com', '--json']);
    expect(r.code).toBe(0);
    const stamps = q.emu().signed.map((s) => Number(s.timestamp));
    const serverNow = Math.floor(Date.now() / 1000) + 3600;
    for (const t of stamps) expect(Math.abs(t - serverNow)).toBeLessThan(10);
    expect(q.emu().http.requests.filter((x) => x.path === '/1.0/auth/time')).toHaveLength(1);
  });

  test('the DomainDnsUpdate task is polled to "done", with progress on stderr; the delegation changes only then', async () => {
    q.emu().taskPolls = 4;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ovh: example\.com: task \d+ \(DomainDnsUpdate\) is todo; waiting for OVH to finish it/);
    expect(r.stderr).toMatch(/task \d+ \(DomainDnsUpdate\) is doing; waiting/);
    expect(r.stderr).toMatch(/task \d+ \(DomainDnsUpdate\) is done after/);
    const polls = calls().filter((c) => /^GET \/1\.0\/domain\/example\.com\/task\/\d+$/.test(c));
    expect(polls).toHaveLength(4);
    expect([...q.emu().nameServersOf('example.com')!].sort()).toEqual([...NEW_NS].sort());
  });

  test('a task still running at the timeout is reported as pending with what to check; the re-run sees the pending set and writes nothing', async () => {
    q.emu().taskPolls = 1_000_000;
    const r = await set(NEW_NS, { NSBRIDGE_OVH_OPERATION_TIMEOUT: '300ms' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^nsbridge: ovh: set name servers example\.com: task \d+ \(DomainDnsUpdate\) is still doing after .*: OVH accepted the change and is still working on it; check the task \(GET \/1\.0\/domain\/example\.com\/task\/\d+.*NSBRIDGE_OVH_OPERATION_TIMEOUT/,
    );
    // Never reported as done: the registry still has the old set.
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
    // OVH lists the pending change (old servers toDelete): nsbridge reads the set being applied.
    q.emu().http.resetLog();
    const again = await set(NEW_NS);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
    expect(q.emu().http.writes()).toBe(0);
  });

  test('a task that ends in error is exit 1 with OVH\'s comment', async () => {
    const r = await set(['ns1.gone.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: task \d+ \(DomainDnsUpdate\) ended in error: Invalid nameserver ns1\.gone\.invalid.*hosts that do not exist or need glue/);
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a domain on OVH\'s hosted DNS is switched to "external" first, and nsbridge says so', async () => {
    q.emu().addDomain('example.com', ['dns10.ovh.net', 'ns10.ovh.net'], { nameServerType: 'hosted' });
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nameServerType "hosted"\); switching it to "external"/);
    const writes = q.emu().http.requests.filter((x) => x.write).map((x) => `${x.method} ${x.path}`);
    expect(writes).toEqual(['PUT /1.0/domain/example.com', 'POST /1.0/domain/example.com/nameServers/update']);
    expect(q.emu().domain('example.com')!.nameServerType).toBe('external');
  });

  test('a consumer key without the access rules gets OVH\'s "not been granted" with the rules to add; nothing changes', async () => {
    q.emu().consumers.set(q.emu().consumerKey, [{ method: 'GET', path: '/domain/*' }]);
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/403 Client::Forbidden: This call has not been granted \(query id EU\.ext-2\.emulator\.\d+\): the consumer key needs access rules for \/domain\/\*/);
    expect(q.emu().http.writes()).toBe(0);
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('an unknown (or not validated) consumer key is INVALID_CREDENTIAL with the validation hint, not retried', async () => {
    const r = await cli(['get', '--registrar', 'ovh', '--domain', 'example.com'], { OVH_CONSUMER_KEY: 'not-validated-key-SENTINEL' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/403 INVALID_CREDENTIAL: This credential is not valid.*validationUrl/);
    expect(r.stderr).not.toContain('not-validated-key-SENTINEL');
    expect(calls()).toEqual(['GET /1.0/auth/time', 'GET /1.0/domain/example.com/nameServer']);
  });

  test('no sandbox: NSBRIDGE_OVH_SANDBOX=1 is exit 2, and a bad OVH_ENDPOINT too, nothing sent', async () => {
    const sandbox = await cli(['get', '--registrar', 'ovh', '--domain', 'example.com'], { NSBRIDGE_OVH_SANDBOX: '1' });
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toMatch(/NSBRIDGE_OVH_SANDBOX is set but OVHcloud has no sandbox/);
    const region = await cli(['get', '--registrar', 'ovh', '--domain', 'example.com'], { OVH_ENDPOINT: 'ovh-au' });
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/OVH_ENDPOINT="ovh-au" is not an OVHcloud API region/);
    expect(q.emu().http.requests).toHaveLength(0);
  });

  test('an answer of the wrong shape (an id list without numbers) is an error quoting the body, never "no name servers"', async () => {
    q.emu().wrongShape = { path: '/1.0/domain/example.com/nameServer', body: { class: 'Client::Maintenance', message: 'planned maintenance' } };
    try {
      const r = await cli(['get', '--registrar', 'ovh', '--domain', 'example.com']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a JSON array of name server ids; .*; got \{"class":"Client::Maintenance","message":"planned maintenance"\}/);
    } finally {
      q.emu().wrongShape = undefined;
    }
  });

  describe('DNSSEC', () => {
    test('the POST carries the whole key set as DNSKEY material with the RFC 4034 key tag, and waits for DomainDsUpdate', async () => {
      const a = testDnskey();
      const b = testDnskey();
      q.emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', a)]);
      const r = await cli(['ds', 'set', '--registrar', 'ovh', '--domain', 'example.com', '--dnskey', formatDnskey(a), '--dnskey', formatDnskey(b), '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/task \d+ \(DomainDsUpdate\) is todo/);
      const keys = q.emu().domain('example.com')!.keys.map(({ id: _id, ...k }) => k);
      expect(keys).toEqual([
        { algorithm: a.algorithm, flags: 257, publicKey: a.publicKey, tag: keyTagOf(a) },
        { algorithm: b.algorithm, flags: 257, publicKey: b.publicKey, tag: keyTagOf(b) },
      ]);
    });

    test('DomDoaForbidden (DS changes not allowed for the domain) is explained', async () => {
      q.emu().addDomain('example.com', OLD_NS, { dsForbidden: true });
      const r = await cli(['ds', 'get', '--registrar', 'ovh', '--domain', 'example.com']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/403 Client::Forbidden::DomDoaForbidden: .*OVH does not allow DNSSEC key changes for this domain/);
    });
  });
});
