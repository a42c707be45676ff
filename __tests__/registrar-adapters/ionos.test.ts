import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { IonosEmulator, startEmulator } from '../../testing/registrars/ionos/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { LOOKUP_PAGE_SIZE } from '../../registrar-adapters/ionos/adapter';

describeRegistrarConformance({
  id: 'ionos',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // The id lookup, then the name servers.
  requestsPerRead: 2,
  authErrorPattern: /HTTP 401 Missing or invalid API key\.: IONOS did not accept IONOS_API_KEY/,
});

describe('ionos quirks', () => {
  const setup = useEmulatorForQuirks('ionos', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: IonosEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'ionos', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'ionos', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().completeAfterReads = 2;
    emu().addDomain('example.com', OLD_NS);
  });

  test('the endpoint override replaces the origin only: real paths, the key in X-API-Key, type CUSTOM in the PUT', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    const id = emu().idOf('example.com')!;
    const calls = emu().seen.map((s) => `${s.method} ${s.path}`);
    expect(calls.slice(0, 3)).toEqual([
      'GET /domains/v1/domainitems',
      `GET /domains/v1/domainitems/${id}/nameservers`,
      `PUT /domains/v1/domainitems/${id}/nameservers`,
    ]);
    expect(emu().seen[0]!.query).toBe(`name=example.com&limit=${LOOKUP_PAGE_SIZE}&offset=0`);
    const put = emu().seen.find((s) => s.method === 'PUT')!;
    expect(put.body).toEqual({ type: 'CUSTOM', nameservers: NEW_NS.map((name) => ({ name })) });
  });

  test('a 202 is polled until the new set shows, with progress on stderr; never reported done before', async () => {
    emu().completeAfterReads = 4;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nsbridge: ionos: example\.com: IONOS accepted request [0-9a-f-]{36} \(202\); waiting for the name servers to show it/);
    // One read before the PUT, then four reads until the job completed.
    const reads = emu().seen.filter((s) => s.method === 'GET' && s.path.endsWith('/nameservers'));
    expect(reads).toHaveLength(5);
    expect([...emu().nameServersOf('example.com')!].sort()).toEqual([...NEW_NS].sort());
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [...NEW_NS].sort() });
  });

  test('a change still pending at the timeout is exit 1 saying it is pending and what to check', async () => {
    emu().completeAfterReads = 1_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_IONOS_OPERATION_TIMEOUT: '300ms', NSBRIDGE_IONOS_POLL_INTERVAL: '50ms' }));
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(/^nsbridge: ionos: wait for operation example\.com: IONOS accepted request \S+ \(202\) but after \S+ the domain still reads ns1\.old-dns\.net, ns2\.old-dns\.net: the change is pending, not done: check later with `nsbridge get --registrar ionos --domain example\.com`/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('the name filter matches substrings and pages: the exact domain is picked, on a later page', async () => {
    // 150 domains containing "example.com" sort before it: the exact one is on page 2.
    for (let i = 0; i < 150; i += 1) emu().addDomain(`aa${String(i).padStart(3, '0')}example.com`, OLD_NS);
    emu().addDomain('example.com.au', ['ns1.other.net', 'ns2.other.net']);
    try {
      const r = await get();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
      const lookups = emu().seen.filter((s) => s.path === '/domains/v1/domainitems').map((s) => s.query);
      expect(lookups).toEqual([`name=example.com&limit=100&offset=0`, `name=example.com&limit=100&offset=100`]);
    } finally {
      for (const d of [...emu().store.domains.keys()]) if (d !== 'example.com') emu().store.domains.delete(d);
    }
  });

  test('a key without the prefix.secret dot is exit 2 naming the variable, nothing sent, the value never shown', async () => {
    const r = await get(env({ IONOS_API_KEY: 'justonesecretvalue-SENTINEL' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IONOS_API_KEY must be "<public prefix>.<secret>"');
    expect(r.stderr).not.toContain('justonesecretvalue-SENTINEL');
    expect(emu().http.requests).toHaveLength(0);
  });

  test('Domains-service errors (a list of {code, message}) are quoted: glue needed for an in-domain name server', async () => {
    const r = await set(['ns1.example.com', 'ns2.example.com']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: ionos: set name servers example\.com: HTTP 400 GLUE_REQUIRED: Name server ns1\.example\.com is inside example\.com and needs ipV4Addresses\.: IONOS refused the request/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('an answer of the wrong shape (no nameservers list) is an error quoting the body, never "no name servers"', async () => {
    const id = emu().idOf('example.com')!;
    // The gateway's error object where the name-server answer belongs, with HTTP 200.
    emu().nameServersAnswerOverride = { message: 'upstream returned nothing' };
    try {
      const r = await get();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a name-server answer \{nameservers:\[\{name\}\]\}; .*; got \{"message":"upstream returned nothing"\}/);
      expect(emu().seen.some((s) => s.path === `/domains/v1/domainitems/${id}/nameservers`)).toBe(true);
    } finally {
      emu().nameServersAnswerOverride = undefined;
    }
  });

  test('an answer that echoes the secret half of the key never shows it (the CLI only knows the whole key)', async () => {
    emu().echoSecretInErrors = true;
    try {
      const r = await runCli(['--verbose', 'get', '--registrar', 'ionos', '--domain', 'example.com'], env());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/HTTP 403 FORBIDDEN: Key secret \*\*\* may not read this domain\./);
      expect(r.stderr + r.stdout).not.toContain(emu().secret);
    } finally {
      emu().echoSecretInErrors = false;
    }
  });

  test('a 429 with Retry-After is waited out through the shared layer', async () => {
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 1, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(emu().http.requests.filter((q) => q.fault === 'rateLimit')).toHaveLength(1);
  });

  test('NSBRIDGE_IONOS_SANDBOX is refused: IONOS has no sandbox (exit 2, nothing sent)', async () => {
    const r = await get(env({ NSBRIDGE_IONOS_SANDBOX: '1', NSBRIDGE_IONOS_ENDPOINT: undefined }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NSBRIDGE_IONOS_SANDBOX is set but IONOS has no sandbox/);
    expect(emu().http.requests).toHaveLength(0);
  });
});
