/**
 * Input that must never reach a registrar, and output no input can forge (issue #11), through the
 * real CLI against the GoDaddy emulator: a property run over generated domains (exit 2 and zero
 * requests, or only valid A-labels on the wire), the UTS #46 mapping warning, control characters
 * from the registrar's own answer, and an unusable NSBRIDGE_RATE_LIMIT_DIR.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDomainName } from '../../core/names';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const OLD_NS = ['ns1.old-dns.net', 'ns2.old-dns.net'];
const NEW_NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'];
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('CLI input and output safety', () => {
  let emu: GoDaddyEmulator;
  let dir: string;
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_RATE_LIMIT_DIR: dir, NSBRIDGE_HTTP_RETRY_BASE: '20ms', ...extra });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nsbridge-reliability-'));
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.addDomain('example.com', OLD_NS);
  });

  test('property: any --domain is refused with exit 2 and zero requests, or only a valid A-label reaches the registrar', async () => {
    const pieces = ['a', 'b', '0', '-', '--', 'xn--', 'ü', 'ß', 'ｅ', '\u00ad', '\u200d', '。', '.', '.', 'X', '_', ' ', '\r', '\u001b', '\u202e', 'com'];
    const domain = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(domain, async (d) => {
        emu.http.resetLog();
        const r = await runCli(['get', '--registrar', 'godaddy', '--domain', d, '--json'], env());
        expect(r.stderr).not.toMatch(RAW_CONTROL);
        expect(r.stdout).not.toMatch(RAW_CONTROL);
        const check = checkDomainName(d);
        if (r.code === 2) {
          expect(check.ok).toBe(false);
          expect(emu.http.requests).toHaveLength(0);
          return;
        }
        // Accepted: 0 (held) or 1 (not in the account); every request names the canonical A-label.
        expect(check.ok).toBe(true);
        expect(emu.http.requests.length).toBeGreaterThan(0);
        for (const q of emu.http.requests) {
          const sent = decodeURIComponent(q.path.replace(/^\/v1\/domains\//, ''));
          expect(check.ok && sent).toBe(check.ok && check.value);
          expect(checkDomainName(sent)).toEqual({ ok: true, value: sent });
        }
      }),
      { numRuns: 12 },
    );
  });

  test('a domain UTS #46 maps silently (full-width letters) works, with a WARNING naming the domain actually used', async () => {
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'ｅｘａｍｐｌｅ.com', '--json'], env());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).domain).toBe('example.com');
    expect(r.stderr).toMatch(/^nsbridge: WARNING: domain name "ｅｘａｍｐｌｅ\.com" was mapped by IDNA \(UTS #46\) to "example\.com"; using example\.com$/m);
  });

  test('control characters in the registrar\'s answer never reach the output raw (text and JSON)', async () => {
    emu.addDomain('example.com', ['ns1.old-dns.net\r\u001b[2Kfake', 'ns2.old-dns.net']);
    for (const args of [[], ['--json']]) {
      const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com', ...args], env());
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stdout).toMatch(/\\r\\(x1b|u001b)\[2kfake/i);
    }
  });

  test('terraform-external echoes a crafted domain escaped, on one line, exit 2, nothing sent', async () => {
    const r = await runCli(['terraform-external'], env(), 60_000, JSON.stringify({ registrar: 'godaddy', domain: 'x.com\r\nnsbridge: all good\u001b[0m' }));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('domain name "x.com\\r\\nnsbridge: all good\\x1b[0m" contains white space');
    expect(emu.http.requests).toHaveLength(0);
  });

  test('NSBRIDGE_RATE_LIMIT_DIR that is a file: one line naming it, exit 2, nothing sent', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['set', '--registrar', 'godaddy', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env({ NSBRIDGE_RATE_LIMIT_DIR: file, NSBRIDGE_RATE_LIMIT_GODADDY: '60/min' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nsbridge: NSBRIDGE_RATE_LIMIT_DIR="${file}" is not a directory; point NSBRIDGE_RATE_LIMIT_DIR at a writable directory; nothing was sent\n`);
    expect(emu.http.requests).toHaveLength(0);
  });

  test('NSBRIDGE_DEADLINE that does not parse is exit 2 naming it, nothing sent', async () => {
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env({ NSBRIDGE_DEADLINE: 'soon' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nsbridge: NSBRIDGE_DEADLINE: duration "soon" is not valid/);
    expect(emu.http.requests).toHaveLength(0);
  });
});
