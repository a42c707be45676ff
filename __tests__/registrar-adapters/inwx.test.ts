import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { InwxEmulator, startEmulator } from '../../testing/registrars/inwx/emulator';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { runCli } from '../../testing/registrars/run-cli';
import { base32Decode, totp } from '../../registrar-adapters/inwx/totp';
import { info } from '../../registrar-adapters/inwx/info';
import { resolveEndpoint } from '../../registrar-adapters/core/environment';
import { formatDnskey, recordFromDnskey } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'inwx',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // account.login, domain.info, account.logout.
  requestsPerRead: 3,
  authErrorPattern: /account\.login: code 2200 Authentication error.*INWX_USERNAME\/INWX_PASSWORD/,
});

describe('inwx TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B: the seeds are the ASCII strings below; 8 digits, 30 s steps.
  const seeds = {
    sha1: Buffer.from('12345678901234567890', 'ascii'),
    sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
    sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  test.each(vectors)('T=%d', (time, sha1, sha256, sha512) => {
    expect(totp(seeds.sha1, time, { digits: 8 })).toBe(sha1);
    expect(totp(seeds.sha256, time, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totp(seeds.sha512, time, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });

  test('base32 secrets as authenticator apps show them (RFC 4648), 6 digits by default', () => {
    expect(base32Decode('JBSWY3DPEHPK3PXP')).toEqual(Buffer.from('48656c6c6f21deadbeef', 'hex'));
    expect(base32Decode('jbsw y3dp-ehpk 3pxp')).toEqual(base32Decode('JBSWY3DPEHPK3PXP'));
    // The RFC's SHA-1 seed in base32 gives the same codes, cut to 6 digits.
    expect(totp(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), 59)).toBe('287082');
    expect(() => base32Decode('not base32!')).toThrow(/is not a base32 character/);
  });
});

describe('inwx quirks (against the emulator)', () => {
  const q = useEmulatorForQuirks<InwxEmulator>('inwx', () => startEmulator({ rateLimit: null }));
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, q.env(extra));
  const get = (extra: Record<string, string | undefined> = {}) => cli(['get', '--registrar', 'inwx', '--domain', 'example.com', '--json'], extra);
  const set = (ns: string[], extra: Record<string, string | undefined> = {}) =>
    cli(['set', '--registrar', 'inwx', '--domain', 'example.com', '--ns', ns.join(','), '--json'], extra);

  beforeEach(() => {
    const emu = q.emu();
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.twoFactor = false;
    emu.pendingReads = 1;
    emu.listShape = 'terraform';
    emu.expireNextSession = false;
    emu.dnssecPendingReads = 0;
    emu.methods.length = 0;
    Object.assign(emu.logins, { ok: 0, failed: 0, logouts: 0, unlocks: 0 });
    emu.addDomain('example.com', OLD_NS);
  });

  test('NSBRIDGE_INWX_ENDPOINT replaces the origin and keeps /jsonrpc/; the sandbox switch picks OT&E', async () => {
    const r = await get();
    expect(r.code).toBe(0);
    expect(new Set(q.emu().http.requests.map((x) => `${x.method} ${x.path}`))).toEqual(new Set(['POST /jsonrpc/']));
    expect(resolveEndpoint(info, { NSBRIDGE_INWX_SANDBOX: '1' })).toBe('https://api.ote.domrobot.com');
    expect(resolveEndpoint(info, {})).toBe('https://api.domrobot.com');
  });

  test('one session per operation: login, the call with the domrobot cookie, logout; no session left open', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(q.emu().methods).toEqual(['account.login', 'domain.info', 'account.logout', 'account.login', 'domain.update', 'domain.info', 'domain.info', 'account.logout']);
    expect(q.emu().logins).toMatchObject({ ok: 2, logouts: 2 });
    expect(q.emu().sessions.size).toBe(0);
  });

  test('a session that expires under a call (2200) is logged in again once, and the call succeeds', async () => {
    q.emu().expireNextSession = true;
    const r = await get();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
    expect(q.emu().methods).toEqual(['account.login', 'domain.info', 'account.login', 'domain.info', 'account.logout']);
  });

  test('two-factor login: account.unlock with the TOTP code from INWX_SHARED_SECRET', async () => {
    q.emu().twoFactor = true;
    const r = await get({ INWX_SHARED_SECRET: q.emu().sharedSecret });
    expect(r.code).toBe(0);
    expect(q.emu().methods).toEqual(['account.login', 'account.unlock', 'domain.info', 'account.logout']);
    expect(q.emu().logins.unlocks).toBe(1);
  });

  test('two-factor login without INWX_SHARED_SECRET: exit 1 saying what to set, the session logged out', async () => {
    q.emu().twoFactor = true;
    const r = await get({ INWX_SHARED_SECRET: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the INWX account has two-factor login \(tfa GOOGLE-AUTH\): set INWX_SHARED_SECRET/);
    expect(q.emu().methods).toEqual(['account.login', 'account.logout']);
  });

  test('a wrong TOTP secret is refused by account.unlock with a hint about the secret and the clock; a non-base32 one is exit 2, nothing sent', async () => {
    q.emu().twoFactor = true;
    const wrong = await get({ INWX_SHARED_SECRET: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/account\.unlock: code 2200 Authentication error: INWX refused the one-time code: check INWX_SHARED_SECRET/);
    q.emu().http.resetLog();
    const bad = await get({ INWX_SHARED_SECRET: 'not-base32-SENTINEL!' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INWX_SHARED_SECRET is not a base32 TOTP secret/);
    expect(bad.stderr).not.toContain('not-base32-SENTINEL');
    expect(q.emu().http.requests).toHaveLength(0);
  });

  test('1001 (pending at the registry) is followed by domain.info reads until the new set shows, with progress on stderr', async () => {
    q.emu().pendingReads = 3;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/inwx: example\.com: INWX accepted the name-server change as pending at the registry \(1001\); reading it back/);
    expect(r.stderr).toMatch(/the name-server change shows after/);
    const after = q.emu().methods.slice(q.emu().methods.indexOf('domain.update') + 1);
    expect(after).toEqual(['domain.info', 'domain.info', 'domain.info', 'domain.info', 'account.logout']);
    expect([...q.emu().nameServersOf('example.com')!].sort()).toEqual([...NEW_NS].sort());
  });

  test('1001 still pending at the timeout: exit 1 saying it is pending and what to check, never "done"', async () => {
    q.emu().pendingReads = 1_000_000;
    const r = await set(NEW_NS, { NSBRIDGE_INWX_OPERATION_TIMEOUT: '300ms' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^nsbridge: inwx: set name servers example\.com: the name-server change is still pending at the registry after .* \(INWX answered 1001\): .*`nsbridge get --registrar inwx --domain example\.com`.*NSBRIDGE_INWX_OPERATION_TIMEOUT/,
    );
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
    expect(q.emu().sessions.size).toBe(0);
  });

  test('errors inside HTTP 200 are errors: 2306 with INWX\'s reason for an unknown name server', async () => {
    const r = await set(['ns1.nowhere.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: code 2306 Parameter value policy error \(Nameserver ns1\.nowhere\.invalid could not be resolved, POLICY\): INWX refused the change/);
    expect(q.emu().http.requests.every((x) => x.status === 200)).toBe(true);
  });

  test('an answer of the wrong shape (domain.info without ns) is an error quoting it, never "no name servers"', async () => {
    q.emu().wrongShape = { method: 'domain.info', resData: { domain: 'example.com', status: 'OK' } };
    try {
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected domain\.info data with an ns list; .*; got \{"code":1000,.*"resData":\{"domain":"example\.com","status":"OK"\}/);
    } finally {
      q.emu().wrongShape = undefined;
    }
  });

  test('dnssec.listkeys is read in both documented shapes (terraform: array of strings; goinwx: {dnskey: [...]} of numbers)', async () => {
    const k = testDnskey();
    q.emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', k)]);
    for (const shape of ['terraform', 'goinwx'] as const) {
      q.emu().listShape = shape;
      const r = await cli(['ds', 'get', '--registrar', 'inwx', '--domain', 'example.com', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).records).toEqual([{ ds: expect.any(String), dnskey: formatDnskey(k) }]);
    }
  });

  test('dnssec.adddnskey answering 1001 is read back with dnssec.listkeys until the key is listed, then reported', async () => {
    const k = testDnskey();
    q.emu().setDnssecRecords('example.com', []);
    q.emu().dnssecPendingReads = 2;
    const r = await cli(['ds', 'set', '--registrar', 'inwx', '--domain', 'example.com', '--dnskey', formatDnskey(k), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/INWX accepted the DNSSEC key \d+ as pending at the registry \(1001\)/);
    const afterAdd = q.emu().methods.slice(q.emu().methods.indexOf('dnssec.adddnskey') + 1);
    expect(afterAdd).toEqual(['dnssec.listkeys', 'dnssec.listkeys', 'dnssec.listkeys', 'account.logout']);
    expect(q.emu().dnssecRecordsOf('example.com')).toEqual([recordFromDnskey('example.com', k)]);
  });
});
