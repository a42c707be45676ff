/**
 * The shared conformance suite: one set of scenarios, run against every adapter and its loopback
 * emulator, driving the real bundled CLI as a user would (libdns's libdnstest, DNSControl's
 * integration tests). Each registrar's test file calls `describeRegistrarConformance` and then adds
 * the quirks of its own registrar.
 *
 * Live mode: set NSBRIDGE_LIVE_<ID>_DOMAIN (plus that registrar's credentials and, if wanted,
 * NSBRIDGE_<ID>_SANDBOX=1) to run the read-only and no-op scenarios against the real API. Use a
 * throw-away domain in a sandbox account: live mode never changes the delegation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistrarId } from '../core/types';
import { REGISTRARS } from '../catalog';
import type { ConformanceEmulator } from './conformance-types';
import { baseEnv, CliResult, runCli } from './run-cli';

export interface ConformanceOptions<E extends ConformanceEmulator> {
  readonly id: RegistrarId;
  /** Start a fresh emulator with no rate limit (the suite sets one where it tests it). */
  readonly start: (opts: { rateLimit?: { requests: number; perMs: number } | null }) => Promise<E>;
  /** A domain that the registrar supports (TLD) for the scenarios; default example.com. */
  readonly domain?: string;
  /** The registrar retries or polls internally (async operations): allow more requests per call. */
  readonly requestsPerRead?: number;
  /** Pattern the bad-credentials message must match (the registrar's own wording or hint). */
  readonly authErrorPattern?: RegExp;
}

const OLD_NS = ['ns1.old-dns.net', 'ns2.old-dns.net'];
const NEW_NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];

export function describeRegistrarConformance<E extends ConformanceEmulator>(opts: ConformanceOptions<E>): void {
  const id = opts.id;
  const domain = opts.domain ?? 'example.com';
  const info = REGISTRARS[id];

  describe(`${id} conformance (CLI against the loopback emulator)`, () => {
    let emu: E;
    let limiterDir: string;
    const outputs: CliResult[] = [];

    const env = (extra: Record<string, string | undefined> = {}) =>
      baseEnv({
        ...emu.env(),
        NSBRIDGE_RATE_LIMIT_DIR: limiterDir,
        [`NSBRIDGE_RATE_LIMIT_${id.toUpperCase()}`]: 'off',
        NSBRIDGE_HTTP_RETRY_BASE: '20ms',
        NSBRIDGE_HTTP_TIMEOUT: '2s',
        ...extra,
      });
    const cli = async (args: string[], e: NodeJS.ProcessEnv = env()) => {
      const r = await runCli(args, e);
      outputs.push(r);
      return r;
    };
    const set = (ns: string[], extra: string[] = [], d = domain) =>
      cli(['set', '--registrar', id, '--domain', d, '--ns', ns.join(','), '--json', ...extra]);

    beforeAll(async () => {
      limiterDir = mkdtempSync(join(tmpdir(), `nsbridge-${id}-`));
      emu = await opts.start({ rateLimit: null });
    });
    afterAll(async () => {
      await emu?.close();
      rmSync(limiterDir, { recursive: true, force: true });
    });
    beforeEach(() => {
      emu.http.clearFaults();
      emu.http.resetLog();
      emu.addDomain(domain, OLD_NS);
    });

    test('get prints the normalised, sorted name servers as JSON', async () => {
      emu.addDomain(domain, ['NS2.Old-DNS.net.', 'ns1.old-dns.net']);
      const r = await cli(['get', '--registrar', id, '--domain', domain.toUpperCase(), '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ registrar: id, domain, nameServers: OLD_NS });
      expect(emu.http.writes()).toBe(0);
    });

    test('set writes the new set once and reports before/after', async () => {
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ registrar: id, domain, changed: true, before: OLD_NS, after: [...NEW_NS].sort(), dryRun: false });
      expect([...(emu.nameServersOf(domain) ?? [])].map((n) => n.toLowerCase().replace(/\.$/, '')).sort()).toEqual([...NEW_NS].sort());
      expect(emu.http.writes()).toBe(1);
    });

    test('set again in another order, case and with trailing dots writes nothing', async () => {
      emu.addDomain(domain, NEW_NS);
      const shuffled = [NEW_NS[3]!.toUpperCase() + '.', NEW_NS[1]!, NEW_NS[0]! + '.', NEW_NS[2]!.toUpperCase(), NEW_NS[1]!];
      const r = await set(shuffled);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: false, dryRun: false });
      expect(emu.http.writes()).toBe(0);
    });

    test('--dry-run reports the change and never writes', async () => {
      const r = await set(NEW_NS, ['--dry-run']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, dryRun: true, before: OLD_NS });
      expect(emu.http.writes()).toBe(0);
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('a rate-limit answer is waited out and retried', async () => {
      emu.http.inject({ kind: 'rateLimit', retryAfterSec: 1, times: 1 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(emu.http.requests.filter((q) => q.fault === 'rateLimit')).toHaveLength(1);
      // A wait of about a second happened (the registrar's 1 s hint, or the adapter's own
      // window-long wait where the registrar gives no hint), not the 20 ms backoff.
      expect(r.ms).toBeGreaterThanOrEqual(900);
      expect(emu.http.writes()).toBe(1);
    });

    test('a 5xx is retried', async () => {
      emu.http.inject({ kind: 'status', status: 503, times: 1 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(emu.http.writes()).toBe(1);
    });

    test('a dropped connection and a slow answer are retried', async () => {
      emu.http.inject({ kind: 'drop', times: 1 });
      emu.http.inject({ kind: 'slow', delayMs: 2500, times: 1 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(emu.http.writes()).toBe(1);
    });

    test('persistent 5xx fails with exit 1, one clear line, in bounded time', async () => {
      emu.http.inject({ kind: 'status', status: 500, times: Infinity });
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines[lines.length - 1]).toMatch(new RegExp(`^nsbridge: ${id}: get name servers ${domain.replace('.', '\\.')}: `));
      // 1 try + 4 retries with a 20 ms base: a few hundred ms, nowhere near a hang.
      expect(r.ms).toBeLessThan(15_000);
      expect(emu.http.requests.length).toBeLessThanOrEqual(5 * (opts.requestsPerRead ?? 1));
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('a malformed body fails with exit 1 and a clear message', async () => {
      emu.http.inject({ kind: 'malformed', times: Infinity });
      const r = await cli(['get', '--registrar', id, '--domain', domain]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^nsbridge: ${id}: get name servers ${domain.replace('.', '\\.')}: `, 'm'));
    });

    test('bad credentials fail with exit 1 and no retry storm', async () => {
      const r = await cli(['set', '--registrar', id, '--domain', domain, '--ns', NEW_NS.join(',')], env(emu.badCredentialsEnv()));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`nsbridge: ${id}: get name servers ${domain.replace('.', '\\.')}: `));
      if (opts.authErrorPattern) expect(r.stderr).toMatch(opts.authErrorPattern);
      expect(emu.http.requests.length).toBeLessThanOrEqual(opts.requestsPerRead ?? 1);
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('a domain not in the account fails with exit 1 naming the domain', async () => {
      const r = await set(NEW_NS, [], 'not-mine.com');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`nsbridge: ${id}: get name servers not-mine\\.com: .*`));
      expect(emu.http.writes()).toBe(0);
    });

    test('name servers the registry does not know are refused, nothing changes', async () => {
      const r = await set(['ns1.unregistered.invalid', 'ns2.unregistered.invalid']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`nsbridge: ${id}: set name servers ${domain.replace('.', '\\.')}: `));
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('an IDN domain is sent as punycode', async () => {
      emu.addDomain('xn--bcher-kva.com', OLD_NS);
      const r = await set(NEW_NS, [], 'Bücher.com');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).domain).toBe('xn--bcher-kva.com');
      expect([...(emu.nameServersOf('xn--bcher-kva.com') ?? [])].map((n) => n.toLowerCase()).sort()).toEqual([...NEW_NS].sort());
    });

    const badInputs: [string, string[], RegExp][] = [
      ['malformed domain', ['set', '--registrar', id, '--domain', 'exa mple..com', '--ns', NEW_NS.join(',')], /domain name "exa mple\.\.com"/],
      ['one name server', ['set', '--registrar', id, '--domain', domain, '--ns', 'ns1.example.net'], /1 distinct name server/],
      ['fourteen name servers', ['set', '--registrar', id, '--domain', domain, '--ns', Array.from({ length: 14 }, (_, i) => `ns${i}.example.net`).join(',')], /14 distinct name server/],
      ['an IP address as name server', ['set', '--registrar', id, '--domain', domain, '--ns', '192.0.2.1,ns2.example.net'], /"192\.0\.2\.1" is an IP address/],
      ['a name server that is not a host name', ['set', '--registrar', id, '--domain', domain, '--ns', 'ns_1!.example.net,ns2.example.net'], /invalid label/],
      ['unknown registrar', ['set', '--registrar', 'no-such-registrar', '--domain', domain, '--ns', NEW_NS.join(',')], /unknown registrar "no-such-registrar"/],
      ['missing --ns', ['set', '--registrar', id, '--domain', domain], /--ns/],
    ];
    test.each(badInputs)('bad input (%s): exit 2, nothing sent', async (_name, args, message) => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(emu.http.requests).toHaveLength(0);
    });

    const required = info.credentials.filter((c) => !c.optional).map((c) => c.env);
    if (required.length > 0) {
      test.each(required)('missing credential %s: exit 2 naming it, nothing sent', async (name) => {
        const r = await cli(['set', '--registrar', id, '--domain', domain, '--ns', NEW_NS.join(',')], env({ [name]: '' }));
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(name);
        expect(emu.http.requests).toHaveLength(0);
      });
    }

    test('concurrent CLI processes share the account rate limit: no 429, no failure', async () => {
      const limited = await opts.start({ rateLimit: { requests: 4, perMs: 2_000 } });
      try {
        const domains = ['a1.com', 'a2.com', 'a3.com', 'a4.com', 'a5.com'];
        for (const d of domains) limited.addDomain(d, OLD_NS);
        const e = env({ ...limited.env(), [`NSBRIDGE_RATE_LIMIT_${id.toUpperCase()}`]: '4/2s' });
        const results = await Promise.all(
          domains.map((d) => cli(['set', '--registrar', id, '--domain', d, '--ns', NEW_NS.join(','), '--json'], e)),
        );
        expect(results.map((r) => r.code)).toEqual(domains.map(() => 0));
        expect(limited.http.rateLimitedCount).toBe(0);
        for (const d of domains) expect(limited.nameServersOf(d)?.length).toBe(NEW_NS.length);
      } finally {
        await limited.close();
      }
    });

    test('verbose tracing and every output of this suite never show a secret', async () => {
      const r = await cli(['--verbose', 'set', '--registrar', id, '--domain', domain, '--ns', NEW_NS.join(','), '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`${id}: ->`));
      const secrets = [...emu.secrets(), 'wrong-secret-SENTINEL-0000'];
      for (const out of outputs) {
        for (const s of secrets) {
          expect(out.stdout).not.toContain(s);
          expect(out.stderr).not.toContain(s);
        }
      }
    });
  });

  const liveDomain = process.env[`NSBRIDGE_LIVE_${id.toUpperCase()}_DOMAIN`];
  (liveDomain ? describe : describe.skip)(`${id} live (real API, read-only and no-op)`, () => {
    test('get, then set to the same set writes nothing', async () => {
      const e = { ...process.env };
      const got = await runCli(['get', '--registrar', id, '--domain', liveDomain!, '--json'], e);
      expect(got.code).toBe(0);
      const ns = JSON.parse(got.stdout).nameServers as string[];
      const again = await runCli(['set', '--registrar', id, '--domain', liveDomain!, '--ns', ns.join(','), '--json'], e);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).changed).toBe(false);
    });
  });
}

export { OLD_NS, NEW_NS };
