import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../registrar-adapters/testing/conformance';
import { GandiEmulator, startEmulator } from '../../registrar-adapters/gandi/emulator';
import { info } from '../../registrar-adapters/gandi/info';
import { RATE_LIMIT_FALLBACK_MS } from '../../registrar-adapters/gandi/adapter';
import { baseEnv, runCli } from '../../registrar-adapters/testing/run-cli';
import { startConnectRecorder } from '../../registrar-adapters/testing/connect-recorder';

describeRegistrarConformance({
  id: 'gandi',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /401 HTTPUnauthorized.*GANDI_PERSONAL_ACCESS_TOKEN.*expire/,
});

describe('gandi quirks', () => {
  let emu: GandiEmulator;
  let limiterDir: string;
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({
      ...emu.env(),
      NSBRIDGE_RATE_LIMIT_GANDI: 'off',
      NSBRIDGE_RATE_LIMIT_DIR: limiterDir,
      NSBRIDGE_HTTP_RETRY_BASE: '20ms',
      NSBRIDGE_HTTP_TIMEOUT: '5s',
      ...extra,
    });
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'gandi', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'gandi', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const raw = (method: string, path: string, init: { auth?: string; contentType?: string; body?: string } = {}) =>
    fetch(`${emu.url}${path}`, {
      method,
      headers: {
        ...(init.auth !== undefined ? { Authorization: init.auth } : { Authorization: `Bearer ${emu.token}` }),
        ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      },
      body: init.body,
    });
  const NS_PATH = '/v5/domain/domains/example.com/nameservers';

  beforeAll(async () => {
    limiterDir = mkdtempSync(join(tmpdir(), 'nsbridge-gandi-quirks-'));
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(limiterDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.seen.length = 0;
    emu.setStatus = 202;
    emu.sendRetryAfter = false;
    emu.addDomain('example.com', OLD_NS);
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
    expect(emu.seen[0]?.authorization).toBe(`Bearer ${emu.token}`);
    const legacy = await raw('GET', NS_PATH, { auth: `Apikey ${emu.token}` });
    expect(legacy.status).toBe(401);
    expect(await legacy.json()).toMatchObject({ code: 401, object: 'HTTPUnauthorized', cause: 'Unauthorized' });
  });

  test('an expired PAT is 401; the hint says PATs expire and must be recreated; no retry', async () => {
    emu.addToken({ value: 'gandi-pat-SENTINEL-expired', expiresAt: Date.now() - 1000 });
    const r = await get(env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-expired' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: gandi: get name servers example\.com: HTTP 401 HTTPUnauthorized/m);
    expect(r.stderr).toMatch(/Personal access tokens expire and cannot be renewed.*create a new one/);
    expect(r.stderr).not.toContain('SENTINEL');
    expect(emu.http.requests).toHaveLength(1);
  });

  test('a PAT without the technical-configuration permission reads but cannot write: 403, nothing changes', async () => {
    emu.addToken({ value: 'gandi-pat-SENTINEL-viewonly', permissions: ['domain:view'] });
    const r = await set(NEW_NS, env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-viewonly' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: HTTP 403 HTTPForbidden: Access was denied to this resource: .*permission to manage the domains' technical configuration/);
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
    // One GET, one PUT: a 403 is never retried.
    expect(emu.http.requests.map((q) => `${q.method} ${q.status}`)).toEqual(['GET 200', 'PUT 403']);
  });

  test('a PAT restricted to other domains is 403 on this one, naming the token resources', async () => {
    emu.addToken({ value: 'gandi-pat-SENTINEL-scoped', resources: ['other.com'] });
    const r = await get(env({ GANDI_PERSONAL_ACCESS_TOKEN: 'gandi-pat-SENTINEL-scoped' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 403 HTTPForbidden.*resources must include this domain/);
    expect(emu.http.requests).toHaveLength(1);
  });

  test('a domain of another organization is 404 (the recorded answer), with a hint about the organization', async () => {
    emu.addDomain('theirs.com', OLD_NS, { organization: '00000000-0000-0000-0000-000000000000' });
    const res = await raw('GET', '/v5/domain/domains/theirs.com/nameservers');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: 'The resource could not be found.', object: 'HTTPNotFound', cause: 'Not Found' });
    const r = await get(env(), 'theirs.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers theirs\.com: HTTP 404 HTTPNotFound: The resource could not be found: the domain is not in the Gandi organization/);
  });

  test.each([200, 201, 202, 204])('a %i answer to the PUT is success (Gandi documents no exact status)', async (status) => {
    emu.setStatus = status;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true });
    expect(emu.http.requests.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([status]);
    expect(emu.nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('the default 202 carries a {"message"} body; nsbridge sends Content-Type application/json', async () => {
    const res = await raw('PUT', NS_PATH, { contentType: 'application/json', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: expect.any(String) });
    emu.addDomain('example.com', OLD_NS);
    emu.seen.length = 0;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu.seen[1]?.contentType).toMatch(/^application\/json/);
  });

  test('a PUT without Content-Type application/json is refused (415, validation envelope) and changes nothing', async () => {
    const res = await raw('PUT', NS_PATH, { contentType: 'text/plain', body: JSON.stringify({ nameservers: NEW_NS }) });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      status: 'error',
      errors: [{ location: 'header', name: 'Content-Type', description: "Content-Type header should be one of ['application/json']" }],
    });
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
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
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('NSBRIDGE_GANDI_SHARING_ID is sent as ?sharing_id=; another organization\'s id is 403 naming the variable', async () => {
    const ok = await set(NEW_NS, env({ NSBRIDGE_GANDI_SHARING_ID: emu.organization }));
    expect(ok.code).toBe(0);
    expect(emu.seen.map((s) => s.sharingId)).toEqual([emu.organization, emu.organization]);
    const other = 'a0a0a0a0-0000-0000-0000-000000000000';
    const bad = await get(env({ NSBRIDGE_GANDI_SHARING_ID: other }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`HTTP 403 HTTPForbidden.*NSBRIDGE_GANDI_SHARING_ID \\(${other}\\) must be the id of the organization`));
    // Without the setting, no sharing_id is sent at all.
    emu.seen.length = 0;
    expect((await get()).code).toBe(0);
    expect(emu.seen[0]?.sharingId).toBeNull();
  });

  test(`a 429 without Retry-After (the strict reading) is waited out for ${RATE_LIMIT_FALLBACK_MS / 1000} s before the retry`, async () => {
    emu.http.inject({ kind: 'rateLimit', times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(emu.http.requests.map((q) => q.status)).toEqual([429, 200]);
    // Lower bound only: the point is that the fallback wait happened.
    expect(r.ms).toBeGreaterThanOrEqual(RATE_LIMIT_FALLBACK_MS - 500);
  });

  test('if Gandi does send Retry-After, it wins over the fallback wait', async () => {
    emu.sendRetryAfter = true;
    emu.http.inject({ kind: 'rateLimit', retryAfterSec: 1, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(RATE_LIMIT_FALLBACK_MS - 1000);
  });

  test('a persistent 429 fails with exit 1 and says to slow down', async () => {
    emu.http.inject({ kind: 'rateLimit', times: Infinity });
    const r = await get(env({ NSBRIDGE_HTTP_RETRIES: '0' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: gandi: get name servers example\.com: rate limited \(HTTP 429\) after retries: Gandi allows 1000 requests a minute per IP address.*try again in a minute/m);
  });

  test('5xx pages from the nginx front (HTML, not JSON) are retried, then reported by their title', async () => {
    emu.http.inject({ kind: 'status', status: 502, times: 1 });
    expect((await get()).code).toBe(0);
    emu.http.inject({ kind: 'status', status: 503, times: Infinity });
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
      const base = { ...limited.env(), NSBRIDGE_RATE_LIMIT_DIR: limiterDir, NSBRIDGE_RATE_LIMIT_GANDI: '2/1s', NSBRIDGE_HTTP_RETRY_BASE: '20ms' };
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
      expect(emu.http.requests).toHaveLength(0);
    } finally {
      await proxy.close();
    }
    const bad = await get(env({ NSBRIDGE_GANDI_SANDBOX: 'sometimes' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_GANDI_SANDBOX="sometimes" is not a boolean/);
  });
});
