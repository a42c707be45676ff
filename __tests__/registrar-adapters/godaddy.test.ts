import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../registrar-adapters/testing/conformance';
import { GoDaddyEmulator, startEmulator } from '../../registrar-adapters/godaddy/emulator';
import { baseEnv, runCli } from '../../registrar-adapters/testing/run-cli';

describeRegistrarConformance({
  id: 'godaddy',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /UNABLE_TO_AUTHENTICATE.*GODADDY_API_KEY/,
});

describe('godaddy quirks', () => {
  let emu: GoDaddyEmulator;
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', ...extra });

  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.accessDenied = false;
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.addDomain('example.com', OLD_NS);
  });

  test('403 ACCESS_DENIED is explained (the 2024 API-access rule) and not retried', async () => {
    emu.accessDenied = true;
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ACCESS_DENIED/);
    expect(r.stderr).toMatch(/10 or more domains or a Discount Domain Club plan/);
    expect(emu.http.requests).toHaveLength(1);
  });

  test('409 for a protected domain says why and changes nothing', async () => {
    emu.addDomain('example.com', OLD_NS, { protected: true });
    const r = await runCli(['set', '--registrar', 'godaddy', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/409 DOMAIN_NOT_ELIGIBLE.*2FA/);
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a 429 retry hint in the body (retryAfterSec) is honoured', async () => {
    emu.http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com', '--json'], env());
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
  });

  test('a retry hint longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER fails at once, naming the wait', async () => {
    emu.http.inject({ kind: 'rateLimit', retryAfterSec: 600, times: 1 });
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env({ NSBRIDGE_HTTP_MAX_RETRY_AFTER: '30s' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rate limited \(HTTP 429, retry after 10m\)/);
    expect(r.ms).toBeLessThan(5000);
  });

  test('NSBRIDGE_GODADDY_SANDBOX selects OTE unless an endpoint override is given', async () => {
    // No override and the sandbox flag: the CLI must aim at api.ote-godaddy.com; with no network
    // here that is a network error naming nothing secret, never a call to production.
    const e = env({ NSBRIDGE_GODADDY_SANDBOX: 'yes', NSBRIDGE_HTTP_RETRIES: '0', NSBRIDGE_HTTP_TIMEOUT: '2s' });
    delete e.NSBRIDGE_GODADDY_ENDPOINT;
    const r = await runCli(['--verbose', 'get', '--registrar', 'godaddy', '--domain', 'example.com'], e);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('api.godaddy.com');
    const bad = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env({ NSBRIDGE_GODADDY_SANDBOX: 'maybe' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_GODADDY_SANDBOX="maybe" is not a boolean/);
  });
});
