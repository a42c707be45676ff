import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { CnrEmulator, startEmulator } from '../../testing/registrars/cnr/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { dsFromDnskey, formatDnskey, formatDs } from '../../core/dnssec';
import { parseResponse } from '../../registrar-adapters/cnr/wire-types';

describeRegistrarConformance({
  id: 'cnr',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /code 530 Authentication failed: CNR did not accept CNR_USERNAME \/ CNR_PASSWORD/,
  knownGaps: {
    wrongShape:
      "the kit's default wrong shape is JSON; CNR answers [RESPONSE] text, so the adapter reports it as an answer that does not start with [RESPONSE] (exit 1, quoting it, nothing written) in its own words; the emulator's [RESPONSE] wrongShape() is still to write",
  },
});

describe('cnr quirks', () => {
  const setup = useEmulatorForQuirks('cnr', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: CnrEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'cnr', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'cnr', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().clearForcedCodes();
    emu().commands.length = 0;
    emu().bodies.length = 0;
    emu().addDomain('example.com', OLD_NS);
  });

  test('one form POST per command to /api/call.cgi: s_login, s_pw and s_command lines; nothing in the URL', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /api/call.cgi', 'POST /api/call.cgi']);
    expect(emu().commands).toEqual([
      { COMMAND: 'StatusDomain', DOMAIN: 'example.com' },
      { COMMAND: 'ModifyDomain', DOMAIN: 'example.com', ...Object.fromEntries([...NEW_NS].sort().map((n, i) => [`NAMESERVER${i}`, n])) },
    ]);
    for (const body of emu().bodies) expect([...new URLSearchParams(body).keys()].sort()).toEqual(['s_command', 's_login', 's_pw']);
  });

  test('errors come inside HTTP 200: a domain outside the account (531) is exit 1 naming the domain and the fix', async () => {
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nsbridge: cnr: get name servers not-mine.com: code 531 Authorization failed: CNR_USERNAME may not act on not-mine.com: the domain is not in this account (or belongs to another sub-user), or the role user lacks the right for this command\n');
    expect(emu().http.requests.map((q) => q.status)).toEqual([200]);
  });

  test('an unregistered name server (545 on ModifyDomain) is a refused input, not a missing domain', async () => {
    const r = await set(['ns1.unregistered.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: code 545 Entity reference not found; nameserver ns1\.unregistered\.invalid: .*must be a host registered at the registry/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('temporary codes (421) are retried; still 421 after the retries is exit 1 saying so', async () => {
    emu().forceCode(421, 'Command failed due to server error; please retry later', 1);
    const ok = await get();
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/cnr: HTTP 200; retrying \(1\/4\)/);
    expect(emu().commands).toHaveLength(2);

    emu().forceCode(421, 'Command failed due to server error; please retry later', 10);
    const bad = await get(env({ NSBRIDGE_HTTP_RETRIES: '2' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n').pop()).toBe(
      'nsbridge: cnr: get name servers example.com: code 421 Command failed due to server error; please retry later (still failing after retries): CNR had a temporary error; run again later (nothing is written twice: nsbridge reads first)',
    );
  });

  test('code 422 (abuse detected) is throttling: a 3 s wait before the retry; persistent, it names the lock', async () => {
    emu().http.inject({ kind: 'rateLimit', times: 1 });
    const ok = await get();
    expect(ok.stderr).toBe('nsbridge: cnr: HTTP 200; retrying (1/4)\n');
    expect(ok.code).toBe(0);
    expect(ok.ms).toBeGreaterThanOrEqual(2900);

    emu().http.inject({ kind: 'rateLimit', times: Infinity });
    const bad = await get(env({ NSBRIDGE_HTTP_RETRIES: '1' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/get name servers example\.com: code 422 abuse detected \(still after retries\): CNR locked the login/);
  });

  test('a StatusDomain answer without property[NAMESERVER] is an error quoting the answer, never "no name servers"', async () => {
    emu().addDomain('bare.com', []);
    const r = await get(env(), 'bare.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers bare\.com: unexpected answer \(HTTP 200\): expected the StatusDomain answer; NAMESERVER: .*; got .*property\[DOMAIN\]\[0\] = bare\.com/);
  });

  test('NSBRIDGE_CNR_SANDBOX selects the OT&E host; the default is live; the override keeps /api/call.cgi', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_CNR_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_CNR_SANDBOX: '1' })), await get(viaProxy({}))];
      expect(proxy.targets).toEqual(['api-ote.rrpproxy.net:443', 'api.rrpproxy.net:443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
    // The override replaces the origin only: a path in it is not the API.
    const wrong = await get(env({ NSBRIDGE_CNR_ENDPOINT: `${emu().url}/api/call.cgi` }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/HTTP 404 .*NSBRIDGE_CNR_ENDPOINT must be an origin only/);
  });

  test('the answer parser refuses truncated or foreign text', () => {
    expect(parseResponse('[RESPONSE]\ncode = 200\ndescription = ok\nEOF\n')).toMatchObject({ ok: true, response: { code: 200 } });
    expect(parseResponse('[RESPONSE]\ncode = 200\ndescription = ok\n')).toEqual({ ok: false, reason: 'the answer does not end with EOF (truncated?)' });
    expect(parseResponse('<html>hi</html>')).toEqual({ ok: false, reason: 'the answer does not start with [RESPONSE]' });
    expect(parseResponse('[RESPONSE]\ncode = ok\ndescription = x\nEOF')).toMatchObject({ ok: false, reason: expect.stringMatching(/code: code is not a three-digit number/) });
  });
});

describe('cnr DNSSEC quirks', () => {
  const setup = useEmulatorForQuirks('cnr', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const ds = (args: string[], e = setup.env()) => runCli(['ds', ...args, '--registrar', 'cnr', '--domain', 'example.com'], e);
  const modifies = () => emu().commands.filter((c) => c.COMMAND === 'ModifyDomain');
  const keyA = testDnskey();
  const keyB = testDnskey();
  const dsA = formatDs(dsFromDnskey('example.com', keyA));
  const dsB = formatDs(dsFromDnskey('example.com', keyB));

  beforeEach(() => {
    emu().http.resetLog();
    emu().commands.length = 0;
    emu().addDomain('example.com', OLD_NS);
  });

  test('every ModifyDomain carries the whole set: a key roll sends A+B, then B; clear sends DNSSECDELALL=1', async () => {
    emu().setDnssecRecords('example.com', [{ ds: dsFromDnskey('example.com', keyA) }]);
    const roll = await ds(['set', '--ds', dsB]);
    expect(roll.code).toBe(0);
    expect(modifies()).toEqual([
      { COMMAND: 'ModifyDomain', DOMAIN: 'example.com', DNSSECDSDATA0: dsA, DNSSECDSDATA1: dsB },
      { COMMAND: 'ModifyDomain', DOMAIN: 'example.com', DNSSECDSDATA0: dsB },
    ]);
    emu().commands.length = 0;
    const clear = await ds(['clear']);
    expect(clear.code).toBe(0);
    expect(modifies()).toEqual([{ COMMAND: 'ModifyDomain', DOMAIN: 'example.com', DNSSECDELALL: '1' }]);
    expect(emu().rawDnssecOf('example.com')).toEqual({ dsdata: [], dnskeys: [] });
  });

  test('a key CNR holds as a DNSKEY (property[DNSSEC]) is read with its DS and kept as DNSSEC0 when a DS is added', async () => {
    emu().setDnssecRecords('example.com', []);
    emu().setDnskeys('example.com', [formatDnskey(keyA)]);
    const got = await ds(['get', '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).records).toEqual([{ ds: dsA, dnskey: formatDnskey(keyA) }]);
    const r = await ds(['set', '--ds', dsA, '--ds', dsB]);
    expect(r.code).toBe(0);
    expect(modifies()).toEqual([{ COMMAND: 'ModifyDomain', DOMAIN: 'example.com', DNSSECDSDATA0: dsB, DNSSEC0: formatDnskey(keyA) }]);
    expect(emu().rawDnssecOf('example.com')).toEqual({ dsdata: [dsB], dnskeys: [formatDnskey(keyA)] });
  });

  test('a code 200 after which CNR does not hold the set (re-read) is exit 1, never reported done', async () => {
    emu().setDnssecRecords('example.com', []);
    emu().ignoreDnssecWrites = true;
    try {
      const r = await ds(['set', '--ds', dsA]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toBe(
        `nsbridge: cnr: add DNSSEC records example.com: ModifyDomain answered code 200 but CNR now holds 0 DNSSEC record(s), without "${dsA}": run \`nsbridge ds get --registrar cnr --domain example.com\` to see what CNR holds, and check the domain in the CNR control panel`,
      );
    } finally {
      emu().ignoreDnssecWrites = false;
    }
  });
});
