import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { JokerEmulator, startEmulator } from '../../testing/registrars/joker/emulator';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { runCli } from '../../testing/registrars/run-cli';
import { info } from '../../registrar-adapters/joker/info';
import { resolveEndpoint } from '../../registrar-adapters/core/environment';
import { parseReply } from '../../registrar-adapters/joker/reply';

describeRegistrarConformance({
  id: 'joker',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // login, query-whois, logout.
  requestsPerRead: 3,
  authErrorPattern: /login: Status-Code 2200 Authentication error: Invalid credentials.*JOKER_API_KEY/,
  knownGaps: {
    wrongShape:
      "the kit's default wrong shape is JSON; Joker's DMAPI answers key: value text, so the adapter reports it as not a DMAPI reply (exit 1, quoting it, nothing written) in its own words; the emulator's text wrongShape() is still to write",
  },
});

describe('joker reply format', () => {
  test('header lines, an empty line, the body; CRLF accepted; repeated headers kept; anything else is not a reply', () => {
    const r = parseReply('Status-Code: 2306\r\nError: one\r\nError: two\r\n\r\nbody line\r\n')!;
    expect(r.headers.get('status-code')).toEqual(['2306']);
    expect(r.headers.get('error')).toEqual(['one', 'two']);
    expect(r.body).toBe('body line\n');
    expect(parseReply('<html><body>502</body></html>')).toBeUndefined();
    expect(parseReply('')).toBeUndefined();
    expect(parseReply('Tracking-Id: 1\nStatus-Co')).toBeUndefined();
  });
});

describe('joker quirks (against the emulator)', () => {
  const q = useEmulatorForQuirks<JokerEmulator>('joker', () => startEmulator({ rateLimit: null }));
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, q.env(extra));
  const get = (extra: Record<string, string | undefined> = {}, domain = 'example.com') => cli(['get', '--registrar', 'joker', '--domain', domain, '--json'], extra);
  const set = (ns: string[], extra: Record<string, string | undefined> = {}) =>
    cli(['set', '--registrar', 'joker', '--domain', 'example.com', '--ns', ns.join(','), '--json'], extra);

  beforeEach(() => {
    const emu = q.emu();
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.procPolls = 2;
    emu.calls.length = 0;
    emu.expireNextSession = false;
    emu.wrongWhoisBody = undefined;
    emu.echoSessionInError = false;
    emu.addDomain('example.com', OLD_NS);
  });

  test('NSBRIDGE_JOKER_ENDPOINT replaces the origin and keeps /request/<name>; the sandbox switch picks OT&E', async () => {
    const r = await get();
    expect(r.code).toBe(0);
    expect(q.emu().http.requests.map((x) => `${x.method} ${x.path}`)).toEqual(['POST /request/login', 'POST /request/query-whois', 'POST /request/logout']);
    expect(resolveEndpoint(info, { NSBRIDGE_JOKER_SANDBOX: '1' })).toBe('https://dmapi.ote.joker.com');
    expect(resolveEndpoint(info, {})).toBe('https://dmapi.joker.com');
  });

  test('a failing call with --verbose never shows the API key or the session id, and no secret ever travels in a URL', async () => {
    const emu = q.emu();
    const r = await cli(['--verbose', 'set', '--registrar', 'joker', '--domain', 'not-mine.com', '--ns', NEW_NS.join(',')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/joker: -> POST \/request\/login/);
    expect(r.stderr).toMatch(/nsbridge: joker: get name servers not-mine\.com: Status-Code 2303 Object does not exist: Domain not-mine\.com not found/);
    for (const secret of emu.secrets()) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    expect(emu.issued.length).toBeGreaterThan(0);
    expect(emu.secretsInUrl).toBe(0);
  });

  test('a session id Joker echoes back in an error is masked (the adapter registers it with the redactor)', async () => {
    const emu = q.emu();
    emu.echoSessionInError = true;
    try {
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/set name servers example\.com: Status-Code 2400 Command failed: session \*\*\* may not modify example\.com right now/);
      for (const sid of emu.issued) expect(r.stderr).not.toContain(sid);
    } finally {
      emu.echoSessionInError = false;
    }
  });

  test('login with JOKER_USERNAME + JOKER_PASSWORD instead of the key', async () => {
    const emu = q.emu();
    const r = await get({ JOKER_API_KEY: undefined, JOKER_USERNAME: emu.username, JOKER_PASSWORD: emu.password });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
  });

  test('missing credentials: exit 2 naming what to set, nothing sent', async () => {
    const none = await get({ JOKER_API_KEY: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/joker: missing credentials: set JOKER_API_KEY \(or JOKER_USERNAME and JOKER_PASSWORD\)/);
    const half = await get({ JOKER_API_KEY: undefined, JOKER_USERNAME: 'someone@example.net' });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/set JOKER_PASSWORD \(or JOKER_API_KEY instead\)/);
    expect(q.emu().http.requests).toHaveLength(0);
  });

  test('the session: login, the requests with auth-sid, logout; an expired session is logged in again once', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(q.emu().calls).toEqual(['login', 'query-whois', 'logout', 'login', 'domain-modify', 'result-retrieve', 'result-retrieve', 'logout']);
    expect(q.emu().sessions.size).toBe(0);
    q.emu().calls.length = 0;
    q.emu().expireNextSession = true;
    const again = await get();
    expect(again.code).toBe(0);
    expect(q.emu().calls).toEqual(['login', 'query-whois', 'login', 'query-whois', 'logout']);
  });

  test('the Proc-ID is polled with result-retrieve until ack, with progress on stderr; the change shows only then', async () => {
    q.emu().procPolls = 4;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/joker: example\.com: Joker\.com is processing the change \(Proc-ID \d+\); waiting for its result/);
    expect(r.stderr).toMatch(/Proc-ID \d+ completed \(ack\) after/);
    expect(q.emu().calls.filter((c) => c === 'result-retrieve')).toHaveLength(4);
    expect([...q.emu().nameServersOf('example.com')!].sort()).toEqual([...NEW_NS].sort());
  });

  test('a Proc-ID still running at the timeout is reported as pending with what to check, never as done', async () => {
    q.emu().procPolls = 1_000_000;
    const r = await set(NEW_NS, { NSBRIDGE_JOKER_OPERATION_TIMEOUT: '300ms' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^nsbridge: joker: set name servers example\.com: Proc-ID \d+ is still being processed after .*: Joker\.com accepted the change .*`nsbridge get --registrar joker --domain example\.com`.*NSBRIDGE_JOKER_OPERATION_TIMEOUT/,
    );
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a nack quotes the registry\'s reason', async () => {
    const r = await set(['ns1.gone.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: Proc-ID \d+ was refused \(nack\): Registry: host ns1\.gone\.invalid does not exist/);
    expect(q.emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a domain of another Joker.com account reads fine (whois) and its change is refused (2201, in an HTTP 200) with the reason', async () => {
    q.emu().addDomain('example.com', OLD_NS, { otherAccount: true });
    const read = await get();
    expect(read.code).toBe(0);
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: Status-Code 2201 Authorization error: Domain example\.com belongs to another account \(Tracking-Id emu-\d+\): this Joker\.com account may not change the domain/);
    expect(q.emu().http.requests.every((x) => x.status === 200)).toBe(true);
  });

  test('a query-whois answer without name-server lines is an error quoting it, never "no name servers"', async () => {
    q.emu().wrongWhoisBody = 'domain: example.com\nstatus: lock,production\n';
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: query-whois answered without name servers \(no domain\.nservers\.nserver\.handle line\): .*status: lock,production/);
  });
});
