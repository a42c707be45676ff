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
import type { RegistrarId } from '../../registrar-adapters/core/types';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import type { ConformanceEmulator } from './conformance-types';
import { baseEnv, CliResult, runCli } from './run-cli';
import { DnskeyRecord, DnssecRecord, dnssecRecordJson, dsFromDnskey, formatDnskey, formatDs, recordFromDnskey, sameDnssecRecord } from '../../core/dnssec';
import { testDnskey } from '../dns/dnssec-keys';

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
  /**
   * Reliability scenarios this registrar is known to fail, with the reason. Each runs as
   * `test.failing`: the suite stays honest (it fails the day the gap is fixed, so the entry must go)
   * and the gap is listed where the registrar's tests are. Not a way to skip a check.
   */
  readonly knownGaps?: Partial<Record<ReliabilityScenario, string>>;
}

/** The reliability scenarios a registrar may list in `knownGaps`. */
export type ReliabilityScenario = 'cutOffRetried' | 'cutOffWrite' | 'errorEnvelope' | 'wrongShape';

const OLD_NS = ['ns1.old-dns.net', 'ns2.old-dns.net'];
const NEW_NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];

export function describeRegistrarConformance<E extends ConformanceEmulator>(opts: ConformanceOptions<E>): void {
  const id = opts.id;
  const domain = opts.domain ?? 'example.com';
  const info = REGISTRARS[id];

  /** `test`, or `test.failing` with the reason in the title for a known gap. */
  const scenario = (key: ReliabilityScenario, title: string, fn: () => Promise<void>) => {
    const gap = opts.knownGaps?.[key];
    if (gap) test.failing(`${title} [KNOWN GAP: ${gap}]`, fn);
    else test(title, fn);
  };

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

    // ---- Issue #11: answers cut off mid-body, bodies that trickle in, answers that are not the
    // object asked for. Every registrar inherits these from the emulator kit's fault injection.
    const escapedDomain = domain.replace(/\./g, '\\.');
    const lastLine = (r: CliResult) => r.stderr.trim().split('\n').pop() ?? '';
    const oneLine = (op: string) => new RegExp(`^nsbridge: ${id}: ${op} ${escapedDomain}: `);
    const held = () => [...(emu.nameServersOf(domain) ?? [])].map((n) => n.toLowerCase().replace(/\.$/, '')).sort();

    scenario('cutOffRetried', 'an answer cut off mid-body (read and write) is retried like a network error; the set then succeeds', async () => {
      emu.http.inject({ kind: 'cutOff', times: 1 });
      emu.http.inject({ kind: 'cutOff', writesOnly: true, times: 1 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(emu.http.requests.filter((q) => q.fault === 'cutOff')).toHaveLength(2);
      expect(r.stderr).toMatch(/answer cut off .*retrying/);
      expect(held()).toEqual([...NEW_NS].sort());
    });

    scenario('cutOffWrite', 'a write whose answer is always cut off: the write landed; exit 1 saying so (or 0 where the adapter finds its own change); a re-run converges without writing', async () => {
      emu.http.inject({ kind: 'cutOff', writesOnly: true, times: Infinity });
      const r = await set(NEW_NS);
      // An asynchronous registrar accepted the write as a task whose id was in the lost answer:
      // nobody polls it, so let the registry finish it, as time does at the real one.
      emu.completePendingWrites?.();
      // The emulated registrar applied the write before the answer broke off.
      expect(held()).toEqual([...NEW_NS].sort());
      if (r.code !== 0) {
        // An adapter that can see its own change in progress (Route 53 Domains' DuplicateRequest) may finish with 0.
        expect(r.code).toBe(1);
        const line = lastLine(r);
        expect(line).toMatch(oneLine('set name servers'));
        expect(line).toMatch(/connection reset in the middle of the answer/);
        expect(line).toMatch(/may have landed/);
        expect(line).toMatch(/run the same command again/);
        expect(line).not.toMatch(/nothing was changed/);
      }
      expect(emu.http.writes()).toBeLessThanOrEqual(5);
      emu.http.clearFaults();
      emu.http.resetLog();
      const again = await set(NEW_NS);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
      expect(emu.http.writes()).toBe(0);
    });

    test('a read whose answer is always cut off: exit 1, "connection reset", nothing written', async () => {
      emu.http.inject({ kind: 'cutOff', times: Infinity });
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(oneLine('get name servers'));
      expect(lastLine(r)).toMatch(/connection reset in the middle of the answer/);
      expect(lastLine(r)).not.toMatch(/HTTP 200 \(empty body\)/);
      expect(emu.http.writes()).toBe(0);
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('a body that trickles in is cut at NSBRIDGE_HTTP_TIMEOUT (per try, body included) and retried', async () => {
      emu.http.inject({ kind: 'trickle', intervalMs: 200, times: 1 });
      const r = await set(NEW_NS, [], domain);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/no complete answer within 2s; retrying/);
      expect(r.ms).toBeGreaterThanOrEqual(2_000);
      expect(held()).toEqual([...NEW_NS].sort());
    });

    const TRIES = 3;
    const TRY_MS = 1_000;
    test(`a body that always trickles: exit 1 within tries x timeout + backoff (${TRIES} x ${TRY_MS} ms), never a hang`, async () => {
      emu.http.inject({ kind: 'trickle', intervalMs: 200, times: Infinity });
      const started = Date.now();
      const r = await cli(['get', '--registrar', id, '--domain', domain], env({ NSBRIDGE_HTTP_TIMEOUT: `${TRY_MS}ms`, NSBRIDGE_HTTP_RETRIES: String(TRIES - 1) }));
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(oneLine('get name servers'));
      expect(lastLine(r)).toMatch(/no complete answer within 1s/);
      // From the first request to the exit: the tries, ~60 ms of backoff (20 ms base) and the
      // exit; the CLI's start-up before it (seconds on a loaded machine) does not count.
      expect(started + r.ms - emu.http.requests[0]!.at).toBeLessThan(TRIES * TRY_MS + 1_500);
      expect(r.ms).toBeLessThan(TRIES * TRY_MS + 10_000);
      expect(emu.http.requests.length).toBeLessThanOrEqual(TRIES * (opts.requestsPerRead ?? 1));
    });

    test('NSBRIDGE_DEADLINE ends the whole command, however many tries are left', async () => {
      emu.http.inject({ kind: 'trickle', intervalMs: 200, times: Infinity });
      const started = Date.now();
      const r = await cli(['get', '--registrar', id, '--domain', domain], env({ NSBRIDGE_HTTP_TIMEOUT: '1s', NSBRIDGE_HTTP_RETRIES: '20', NSBRIDGE_DEADLINE: '2500ms' }));
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/NSBRIDGE_DEADLINE/);
      // The deadline counts from the command's start, which is before the first request.
      expect(started + r.ms - emu.http.requests[0]!.at).toBeLessThan(2_500 + 1_500);
      expect(r.ms).toBeLessThan(2_500 + 10_000);
    });

    for (const kind of ['errorEnvelope', 'wrongShape'] as const) scenario(kind, `a 200 whose body is ${kind} is an error quoting it, never "no name servers"; set writes nothing`, async () => {
      emu.http.inject({ kind, times: Infinity });
      const got = await cli(['get', '--registrar', id, '--domain', domain, '--json']);
      expect(got.code).toBe(1);
      expect(got.stdout).toBe('');
      expect(lastLine(got)).toMatch(oneLine('get name servers'));
      // The registrar's own error words for an envelope; for any other shape, what was expected and what came.
      if (kind === 'wrongShape') expect(lastLine(got)).toMatch(/unexpected answer.*: expected .*; got /);
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(emu.http.writes()).toBe(0);
      expect(emu.nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('the plan-time read (terraform-external) of an answer of the wrong shape never reports "available" with no name servers', async () => {
      emu.http.inject({ kind: 'wrongShape', times: Infinity });
      const r = await runCli(['terraform-external'], env(), 60_000, JSON.stringify({ registrar: id, domain }));
      outputs.push(r);
      if (r.code === 0) {
        const result = JSON.parse(r.stdout) as Record<string, string>;
        expect(result.available).toBe('false');
        expect(result.unavailable).not.toBe('');
      } else {
        expect(r.code).toBe(1);
      }
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
      ['an IDN label that starts with a hyphen', ['set', '--registrar', id, '--domain', '-bücher.com', '--ns', NEW_NS.join(',')], /"-bücher" that starts or ends with a hyphen/],
      ['an IDN label that ends with a hyphen', ['set', '--registrar', id, '--domain', 'bücher-.com', '--ns', NEW_NS.join(',')], /starts or ends with a hyphen/],
      ['an IDN label with hyphens in positions 3-4', ['set', '--registrar', id, '--domain', 'bü--cher.com', '--ns', NEW_NS.join(',')], /third and fourth positions/],
      ['a punycode label whose Unicode form breaks the hyphen rules', ['set', '--registrar', id, '--domain', 'xn---bcher-4ya.com', '--ns', NEW_NS.join(',')], /starts or ends with a hyphen/],
      ['an IDN name server with a leading hyphen', ['set', '--registrar', id, '--domain', domain, '--ns', `-ñs1.example.net,${NEW_NS[0]}`], /name server "-ñs1\.example\.net"/],
      ['control characters in the domain', ['set', '--registrar', id, '--domain', 'ok.com\r\u001b[2Knsbridge: done\u202e', '--ns', NEW_NS.join(',')], /domain name "ok\.com\\r\\x1b\[2Knsbridge: done\\u202e"/],
      ['control characters in the registrar', ['set', '--registrar', `${id}\r\u001b[1A`, '--domain', domain, '--ns', NEW_NS.join(',')], /unknown registrar ".*\\r\\x1b\[1A"/],
      ['a 100 KB domain', ['set', '--registrar', id, '--domain', `${'a'.repeat(100_000)}.com`, '--ns', NEW_NS.join(',')], /…\(99804 more\)/],
    ];
    test.each(badInputs)('bad input (%s): exit 2, nothing sent, no raw control character echoed', async (_name, args, message) => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      // eslint-disable-next-line no-control-regex
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(r.stderr.length).toBeLessThan(2_000);
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

    // ---- DNSSEC (nsbridge ds): DS records at the registrar ----
    const dnssecCap = info.capabilities.dnssec;
    const ds = (args: string[], e?: NodeJS.ProcessEnv) => cli(['ds', ...args], e);

    (dnssecCap.supported ? describe : describe.skip)(`${id} DNSSEC (ds get/set/clear, ${info.dnssecInput ?? 'ds'} input)`, () => {
      const byKey = info.dnssecInput === 'dnskey';
      let k1: DnskeyRecord;
      let k2: DnskeyRecord;
      let k3: DnskeyRecord;
      /** What `ds set` is given for a key: its DNSKEY at a DNSKEY registrar, else its DS. */
      const given = (k: DnskeyRecord) => (byKey ? ['--dnskey', formatDnskey(k)] : ['--ds', formatDs(dsFromDnskey(domain, k))]);
      /** The record the registrar must then hold. */
      const record = (k: DnskeyRecord): DnssecRecord => (byKey ? recordFromDnskey(domain, k) : { ds: dsFromDnskey(domain, k) });
      const held = () => emu.dnssecRecordsOf!(domain) ?? [];
      const holds = (k: DnskeyRecord) => held().some((h) => sameDnssecRecord(h, record(k)));
      const set = (keys: DnskeyRecord[], extra: string[] = []) => ds(['set', '--registrar', id, '--domain', domain, ...keys.flatMap(given), '--json', ...extra]);
      const clear = (extra: string[] = []) => ds(['clear', '--registrar', id, '--domain', domain, '--json', ...extra]);
      let changes: { at: number; records: DnssecRecord[] }[] = [];

      beforeAll(() => {
        k1 = testDnskey();
        k2 = testDnskey();
        k3 = testDnskey();
      });
      beforeEach(() => {
        // A registrar that says it supports DNSSEC must have an emulator that can show it.
        expect(typeof emu.setDnssecRecords).toBe('function');
        expect(typeof emu.dnssecRecordsOf).toBe('function');
        emu.setDnssecRecords!(domain, []);
        changes = [];
        emu.onDnssecChange = (d, records) => {
          if (d.toLowerCase() === domain) changes.push({ at: Date.now(), records });
        };
      });
      afterEach(() => {
        emu.onDnssecChange = undefined;
      });

      test('ds get on a domain without records: [] and no write', async () => {
        const r = await ds(['get', '--registrar', id, '--domain', domain, '--json']);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({ registrar: id, domain, records: [] });
        expect(emu.http.writes()).toBe(0);
      });

      test('ds get prints what the registrar holds, one line per record', async () => {
        emu.setDnssecRecords!(domain, [record(k1)]);
        const r = await ds(['get', '--registrar', id, '--domain', domain]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`DS ${formatDs(dsFromDnskey(domain, k1))}\n`);
        if (byKey) expect(r.stdout).toContain(`DNSKEY ${formatDnskey(k1)}\n`);
      });

      test(`ds set with ${byKey ? '--dnskey' : '--ds'} adds the record; the registrar holds it`, async () => {
        const r = await set([k1]);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({ registrar: id, domain, changed: true, before: [], after: [dnssecRecordJson(record(k1))], dryRun: false, waits: [] });
        expect(held()).toHaveLength(1);
        expect(holds(k1)).toBe(true);
        expect(emu.http.writes()).toBeGreaterThanOrEqual(1);
      });

      test('ds set again with the same record writes nothing (only reads)', async () => {
        emu.setDnssecRecords!(domain, [record(k1)]);
        const r = await set([k1]);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ changed: false, dryRun: false });
        expect(emu.http.writes()).toBe(0);
        expect(emu.http.requests.length).toBeGreaterThan(0);
      });

      test('ds set --dry-run reports the change and writes nothing', async () => {
        const r = await set([k1], ['--dry-run']);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, dryRun: true, before: [] });
        expect(emu.http.writes()).toBe(0);
        expect(held()).toEqual([]);
      });

      test('key roll: the new record is added before the old one is removed (no gap)', async () => {
        emu.setDnssecRecords!(domain, [record(k1)]);
        const r = await set([k2]);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [dnssecRecordJson(record(k2))] });
        expect(held()).toHaveLength(1);
        expect(holds(k2)).toBe(true);
        // Every state the registrar went through had a DS for a key the zone serves; the first
        // change was the add (old and new together), the removal came after it.
        const has = (records: DnssecRecord[], k: DnskeyRecord) => records.some((h) => sameDnssecRecord(h, record(k)));
        expect(changes.length).toBeGreaterThanOrEqual(2);
        for (const c of changes) expect(has(c.records, k1) || has(c.records, k2)).toBe(true);
        expect(has(changes[0]!.records, k1) && has(changes[0]!.records, k2)).toBe(true);
        const writes = emu.http.requests.filter((q) => q.write);
        expect(writes.length).toBeGreaterThanOrEqual(2);
        expect(writes[0]!.at).toBeLessThanOrEqual(changes[changes.length - 1]!.at);
      });

      test('ds set with two records, then one of them: only the other is removed', async () => {
        const both = await set([k1, k3]);
        expect(both.code).toBe(0);
        expect(held()).toHaveLength(2);
        emu.http.resetLog();
        const one = await set([k3]);
        expect(one.code).toBe(0);
        expect(holds(k3)).toBe(true);
        expect(holds(k1)).toBe(false);
      });

      test('ds clear removes every record; again, it writes nothing', async () => {
        emu.setDnssecRecords!(domain, [record(k1), record(k2)]);
        const r = await clear();
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ registrar: id, domain, changed: true, after: [], dryRun: false });
        expect(JSON.parse(r.stdout).before).toHaveLength(2);
        expect(held()).toEqual([]);
        emu.http.resetLog();
        const again = await clear();
        expect(again.code).toBe(0);
        expect(JSON.parse(again.stdout)).toEqual({ registrar: id, domain, changed: false, before: [], after: [], dryRun: false, waits: [] });
        expect(emu.http.writes()).toBe(0);
      });

      test('ds clear --dry-run writes nothing', async () => {
        emu.setDnssecRecords!(domain, [record(k1)]);
        const r = await clear(['--dry-run']);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, dryRun: true });
        expect(emu.http.writes()).toBe(0);
        expect(holds(k1)).toBe(true);
      });

      if (byKey) {
        test('a DS without its DNSKEY is refused: exit 2 naming the registrar, DNSKEY needed, nothing sent', async () => {
          const r = await ds(['set', '--registrar', id, '--domain', domain, '--ds', formatDs(dsFromDnskey(domain, k1))]);
          expect(r.code).toBe(2);
          expect(r.stderr).toContain(`nsbridge: ${id}: ds set ${domain}: ${info.name} takes the DNSKEY`);
          expect(r.stderr).toMatch(/--dnskey/);
          expect(emu.http.requests).toHaveLength(0);
        });

        test('a DS given with its DNSKEY is accepted as one record', async () => {
          const r = await ds(['set', '--registrar', id, '--domain', domain, '--ds', formatDs(dsFromDnskey(domain, k1)), '--dnskey', formatDnskey(k1), '--json']);
          expect(r.code).toBe(0);
          expect(held()).toHaveLength(1);
          expect(holds(k1)).toBe(true);
        });
      } else {
        test('--dnskey at a DS registrar: nsbridge computes the SHA-256 DS, which the registrar then holds', async () => {
          const r = await ds(['set', '--registrar', id, '--domain', domain, '--dnskey', formatDnskey(k1)]);
          expect(r.code).toBe(0);
          const computed = dsFromDnskey(domain, k1);
          expect(r.stdout).toContain(`DS ${formatDs(computed)} computed (SHA-256) from --dnskey`);
          expect(held().some((h) => formatDs(h.ds) === formatDs(computed))).toBe(true);
          expect(held()).toHaveLength(1);
        });
      }

      const malformed: [string, string[], RegExp][] = [
        ['a DS with a short digest', ['--ds', '12345 13 2 ABCDEF'], /a SHA256 digest has 64 hex digits/],
        ['a DS with an unknown algorithm', ['--ds', `12345 99 2 ${'A'.repeat(64)}`], /algorithm "99" is not a DNSSEC algorithm/],
        ['a DNSKEY with protocol 4', ['--dnskey', '257 4 13 AAAA'], /protocol must be 3/],
        ['a DNSKEY that is not base64', ['--dnskey', '257 3 13 !!!!'], /the public key must be base64/],
        ['no record', [], /give at least one --ds/],
      ];
      test.each(malformed)('malformed input (%s): exit 2, zero requests', async (_name, flags, message) => {
        const r = await ds(['set', '--registrar', id, '--domain', domain, ...flags]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`nsbridge: ${id}: ds set ${domain}: `);
        expect(r.stderr).toMatch(message);
        expect(emu.http.requests).toHaveLength(0);
      });

      test.each(['errorEnvelope', 'wrongShape'] as const)('a 200 whose body is %s is an error, never "no DS records"; ds set writes nothing', async (kind) => {
        emu.setDnssecRecords!(domain, [record(k1)]);
        emu.http.inject({ kind, times: Infinity });
        const got = await ds(['get', '--registrar', id, '--domain', domain, '--json']);
        expect(got.code).toBe(1);
        expect(got.stdout).toBe('');
        const r = await set([k2]);
        expect(r.code).toBe(1);
        expect(emu.http.writes()).toBe(0);
        expect(holds(k1)).toBe(true);
        expect(held()).toHaveLength(1);
      });

      test('a registrar failure during ds set is exit 1 with one line naming the registrar and domain', async () => {
        emu.http.inject({ kind: 'status', status: 500, times: Infinity });
        const r = await set([k1]);
        expect(r.code).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines[lines.length - 1]).toMatch(new RegExp(`^nsbridge: ${id}: .*${domain.replace('.', '\\.')}: `));
      });

      test('--verbose ds runs and every DNSSEC output never show a secret', async () => {
        const r = await ds(['--verbose', 'get', '--registrar', id, '--domain', domain]);
        expect(r.code).toBe(0);
        const secrets = [...emu.secrets(), 'wrong-secret-SENTINEL-0000'];
        for (const out of outputs) {
          for (const secret of secrets) {
            expect(out.stdout).not.toContain(secret);
            expect(out.stderr).not.toContain(secret);
          }
        }
      });
    });

    if (!dnssecCap.supported) {
      test.each(['get', 'set', 'clear'])(`ds %s: ${id} has no DNSSEC support: exit 2 with the reason, zero requests`, async (cmd) => {
        const key = testDnskey();
        const extra = cmd === 'set' ? ['--ds', formatDs(dsFromDnskey(domain, key))] : [];
        const r = await ds([cmd, '--registrar', id, '--domain', domain, ...extra]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`nsbridge: ${id}: ds ${cmd} ${domain}: `);
        expect(r.stderr).toContain(dnssecCap.reason);
        expect(r.stderr).toMatch(/nothing was sent/);
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
