/**
 * `nsbridge ds` as a user runs it (the bundled CLI in a child process): input checks that refuse
 * before anything is sent (exit 2), the registrar's DNSSEC capability and input kind, the text and
 * JSON forms. "Nothing sent" is checked where it could go: an HTTP server standing in for every
 * registrar endpoint, and the loopback DNS servers the manual registrar and the checks would ask.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsWorld } from '../../testing/dns/dns-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { DnskeyRecord, dsFromDnskey, formatDnskey, formatDs } from '../../core/dnssec';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import type { RegistrarId } from '../../registrar-adapters/core/types';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const DOMAIN = 'example.com';
const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'];

describe('nsbridge ds (CLI contract)', () => {
  let world: DnsWorld;
  let http: Server;
  let httpUrl: string;
  let httpRequests = 0;
  let key: DnskeyRecord;
  let dsText: string;

  const dnsQueries = () => [world.resolver, ...world.parents, ...world.zoneServers.values()].reduce((n, s) => n + s.queries.length, 0);
  const clearDnsLog = () => {
    for (const s of [world.resolver, ...world.parents, ...world.zoneServers.values()]) s.queries.length = 0;
  };

  /** Every registrar's endpoint aimed at the counting server, with dummy credentials. */
  const env = (extra: Record<string, string> = {}) => {
    const e: Record<string, string> = {
      ...world.env(),
      NSBRIDGE_DNS_POLL_INTERVAL: '200ms',
      NSBRIDGE_MANUAL_POLL_MS: '200',
      NSBRIDGE_MANUAL_TIMEOUT: '0',
      AWS_ENDPOINT_URL_ROUTE_53_DOMAINS: httpUrl,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret-SENTINEL-aws',
      AWS_REGION: 'us-east-1',
    };
    for (const info of Object.values(REGISTRARS)) {
      e[`NSBRIDGE_${info.id.toUpperCase()}_ENDPOINT`] = httpUrl;
      for (const c of info.credentials) e[c.env] = c.public ? '192.0.2.1' : `secret-SENTINEL-${c.env}`;
    }
    return baseEnv({ ...e, ...extra });
  };
  const ds = (args: string[], e = env()) => runCli(['ds', ...args], e);
  const expectNothingSent = () => {
    expect(httpRequests).toBe(0);
    expect(dnsQueries()).toBe(0);
  };

  beforeAll(async () => {
    world = await DnsWorld.start();
    await world.serveZone(DOMAIN, NS);
    world.delegate(DOMAIN, NS);
    http = createServer((_req, res) => {
      httpRequests++;
      res.writeHead(500).end('{}');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    key = testDnskey();
    dsText = formatDs(dsFromDnskey(DOMAIN, key));
  });
  afterAll(async () => {
    await new Promise((r) => http.close(r));
    await world.close();
  });
  beforeEach(() => {
    httpRequests = 0;
    world.publishDs(DOMAIN, []);
    clearDnsLog();
  });

  test('ds --help and ds set --help list the commands and flags (exit 0)', async () => {
    const top = await ds(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/get \[options\][\s\S]*set \[options\][\s\S]*clear \[options\]/);
    const set = await ds(['set', '--help']);
    expect(set.code).toBe(0);
    for (const flag of ['--ds', '--dnskey', '--dry-run', '--wait-signed', '--wait', '--dns-server', '--json']) expect(set.stdout).toContain(flag);
    const clear = await ds(['clear', '--help']);
    expect(clear.stdout).toMatch(/--hold <duration\|parent-ttl>/);
  });

  const badRecords: [string, string[], RegExp][] = [
    ['a DS with three parts', ['--ds', '12345 13 2'], /--ds "12345 13 2": DS "12345 13 2" must have four parts/],
    ['a DS digest of the wrong length', ['--ds', '12345 13 2 ABCDEF'], /a SHA256 digest has 64 hex digits, this one 6/],
    ['a DS digest that is not hex', ['--ds', `12345 13 2 ${'Z'.repeat(64)}`], /the digest must be hexadecimal/],
    ['an unknown algorithm', ['--ds', `12345 99 2 ${'A'.repeat(64)}`], /algorithm "99" is not a DNSSEC algorithm/],
    ['a key tag out of range', ['--ds', `70000 13 2 ${'A'.repeat(64)}`], /key tag 70000 is out of range/],
    ['a DNSKEY that is not a zone key', ['--dnskey', '1 3 13 AAAA'], /flags 1 is not a zone key/],
    ['a DNSKEY with protocol 4', ['--dnskey', '257 4 13 AAAA'], /protocol must be 3/],
    ['a DNSKEY that is not base64', ['--dnskey', '257 3 13 not*base64'], /the public key must be base64/],
    ['no record at all', [], /give at least one --ds .* or --dnskey .*; to remove every DS record use nsbridge ds clear/],
  ];
  test.each(badRecords)('bad input (%s): exit 2 naming registrar and domain, nothing sent', async (_name, flags, message) => {
    const r = await ds(['set', '--registrar', 'manual', '--domain', DOMAIN, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nsbridge: manual: ds set example\.com: /);
    expect(r.stderr).toMatch(message);
    expectNothingSent();
  });

  const m = ['--registrar', 'manual'];
  const badFlags: [string, () => string[], Record<string, string>, RegExp][] = [
    ['--wait not a duration', () => ['set', ...m, '--domain', DOMAIN, '--ds', dsText, '--wait', 'soon'], {}, /--wait: duration "soon" is not valid/],
    ['--wait-signed not a duration', () => ['set', ...m, '--domain', DOMAIN, '--ds', dsText, '--wait-signed', '5 minutes'], {}, /--wait-signed: duration "5 minutes" is not valid/],
    ['--hold not a duration', () => ['clear', ...m, '--domain', DOMAIN, '--hold', 'forever'], {}, /--hold: duration "forever" is not valid/],
    ['--dns-server not an IP', () => ['clear', ...m, '--domain', DOMAIN, '--wait', '1s', '--dns-server', 'resolver.example'], {}, /DNS server "resolver\.example" is not an IP address/],
    ['NSBRIDGE_DNS_POLL_INTERVAL not a duration', () => ['clear', ...m, '--domain', DOMAIN], { NSBRIDGE_DNS_POLL_INTERVAL: 'often' }, /NSBRIDGE_DNS_POLL_INTERVAL="often" is not a positive duration/],
    ['a bad domain', () => ['get', ...m, '--domain', 'exa mple..com'], {}, /domain name "exa mple\.\.com"/],
    ['an unknown registrar', () => ['get', '--registrar', 'no-such', '--domain', DOMAIN], {}, /unknown registrar "no-such"/],
    ['no subcommand option --registrar', () => ['set', '--domain', DOMAIN, '--ds', dsText], {}, /--registrar/],
  ];
  test.each(badFlags)('bad usage (%s): exit 2, nothing sent', async (_name, args, extra, message) => {
    const r = await ds(args(), env(extra));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expectNothingSent();
  });

  const unsupported = (Object.keys(REGISTRARS) as RegistrarId[]).filter((id) => !REGISTRARS[id].capabilities.dnssec.supported);
  (unsupported.length ? test.each(unsupported) : test.skip.each(['none']))(
    '%s has no DNSSEC support: get, set and clear exit 2 with the reason and what to do, nothing sent',
    async (id) => {
      const cap = REGISTRARS[id as RegistrarId].capabilities.dnssec;
      for (const args of [['get'], ['set', '--ds', dsText], ['clear']]) {
        const r = await ds([args[0]!, '--registrar', id, '--domain', DOMAIN, ...args.slice(1)]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`nsbridge: ${id}: ds ${args[0]} example.com: `);
        if (!cap.supported) expect(r.stderr).toContain(cap.reason);
        expect(r.stderr).toMatch(/nothing was sent/);
      }
      expectNothingSent();
    },
  );

  test('namecheap: the message says to use the dashboard or --registrar manual; cloudflare: what to do instead', async () => {
    if (REGISTRARS.namecheap.capabilities.dnssec.supported) return;
    const cf = await ds(['set', '--registrar', 'cloudflare', '--domain', DOMAIN, '--ds', dsText]);
    expect(cf.code).toBe(2);
    expect(cf.stderr).toMatch(/turn DNSSEC on there/);
    const r = await ds(['set', '--registrar', 'namecheap', '--domain', DOMAIN, '--ds', dsText]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Namecheap dashboard .*--registrar manual/);
    // Said once, not twice.
    expect(r.stderr.match(/--registrar manual/g)).toHaveLength(1);
  });

  const dnskeyRegistrars = (Object.keys(REGISTRARS) as RegistrarId[]).filter((id) => REGISTRARS[id].capabilities.dnssec.supported && REGISTRARS[id].dnssecInput === 'dnskey');
  (dnskeyRegistrars.length ? test.each(dnskeyRegistrars) : test.skip.each(['none']))(
    '%s takes the DNSKEY: a DS alone is refused (exit 2) with where to find the key, nothing sent',
    async (id) => {
      const r = await ds(['set', '--registrar', id, '--domain', DOMAIN, '--ds', dsText]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`nsbridge: ${id}: ds set example.com: `);
      expect(r.stderr).toMatch(/takes the DNSKEY .* --ds "\d+ 13 2 [0-9A-F]{64}" has no --dnskey/);
      expect(r.stderr).toMatch(/dnskey_record.*aws route53 get-dnssec --hosted-zone-id/);
      // A DNSKEY that is not the DS's key does not make the DS acceptable.
      const other = await ds(['set', '--registrar', id, '--domain', DOMAIN, '--ds', dsText, '--dnskey', formatDnskey(testDnskey())]);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/has no matching --dnskey/);
      expectNothingSent();
    },
  );

  test('manual: --dnskey on a DS registrar: the SHA-256 DS is computed and said; --dry-run sends nothing to the registrar', async () => {
    const r = await ds(['set', '--registrar', 'manual', '--domain', DOMAIN, '--dnskey', formatDnskey(key), '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`manual: example.com: DS ${dsText} computed (SHA-256) from --dnskey ${formatDnskey(key)}`);
    expect(r.stdout).toContain(`manual: example.com: would change: add DS ${dsText}`);
    expect(r.stderr).not.toMatch(/ACTION NEEDED/);
    const json = await ds(['set', '--registrar', 'manual', '--domain', DOMAIN, '--dnskey', formatDnskey(key), '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ registrar: 'manual', domain: DOMAIN, changed: true, before: [], after: [{ ds: dsText }], dryRun: true, waits: [] });
    expect(json.stderr).toContain(`DS ${dsText} computed (SHA-256)`);
  });

  test('a --ds and its own --dnskey are one record; duplicates (any case, spaced digest) count once', async () => {
    const [tag, alg, type, digest] = dsText.split(' ');
    const spaced = `${tag} ${alg} ${type} ${digest!.slice(0, 32).toLowerCase()} ${digest!.slice(32)}`;
    const r = await ds(['set', '--registrar', 'manual', '--domain', DOMAIN, '--ds', dsText, '--ds', spaced, '--dnskey', formatDnskey(key), '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).after).toEqual([{ ds: dsText }]);
    // Given with its key, the DS was not "computed": no note.
    expect(r.stderr).not.toMatch(/computed/);
  });

  test('manual: set prints the record to enter, with the DNSKEY fields when given', async () => {
    const r = await ds(['set', '--registrar', 'manual', '--domain', DOMAIN, '--dnskey', formatDnskey(key)], env({ NSBRIDGE_MANUAL_REGISTRAR: 'hover', NSBRIDGE_PARENT_CHECK: '0' }));
    expect(r.code).toBe(0);
    const d = dsFromDnskey(DOMAIN, key);
    expect(r.stderr).toMatch(/manual: ACTION NEEDED for example\.com: Hover has no API for DNSSEC\./);
    expect(r.stderr).toContain(`Key tag: ${d.keyTag}   Algorithm: 13 (ECDSAP256SHA256)   Digest type: 2 (SHA256)`);
    expect(r.stderr).toContain(`Digest: ${d.digest}`);
    expect(r.stderr).toContain(`Public key: ${key.publicKey}`);
    expect(r.stderr).toContain(`example.com. IN DS ${dsText}`);
    expect(r.stderr).toMatch(/WARNING: not waiting \(NSBRIDGE_MANUAL_TIMEOUT=0\)/);
  });

  test('get: text is one line per record, JSON the records; clear --dry-run with --hold says what it would do', async () => {
    world.publishDs(DOMAIN, [dsFromDnskey(DOMAIN, key)], { ttl: 86400 });
    const text = await ds(['get', '--registrar', 'manual', '--domain', DOMAIN]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`DS ${dsText}\n`);
    const json = await ds(['get', '--registrar', 'manual', '--domain', DOMAIN, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ registrar: 'manual', domain: DOMAIN, records: [{ ds: dsText }] });
    const dry = await ds(['clear', '--registrar', 'manual', '--domain', DOMAIN, '--hold', 'parent-ttl', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ registrar: 'manual', domain: DOMAIN, changed: true, before: [{ ds: dsText }], after: [], dryRun: true, waits: [] });
    expect(dry.stderr).toMatch(/dry run: would wait for the parent to drop the DS, then hold 24h \(the DS TTL the com servers served before the clear \(86400 s\)\); longer than the wait limit \(15m\): a real run refuses it before removing anything/);
    expect(dry.stderr).not.toMatch(/ACTION NEEDED/);
  });

  test('no secret in any output', async () => {
    const outputs = [
      await ds(['--verbose', 'set', '--registrar', 'manual', '--domain', DOMAIN, '--ds', dsText, '--dry-run']),
      ...(await Promise.all(unsupported.map((id) => ds(['set', '--registrar', id, '--domain', DOMAIN, '--ds', dsText])))),
    ];
    for (const o of outputs) expect(`${o.stdout}${o.stderr}`).not.toMatch(/secret-SENTINEL/);
  });
});
