/**
 * Destroy policies, as the RegistrarDelegation's destroy-time provisioner runs them (`release`),
 * checked against the GoDaddy emulator's state, with loopback DNS for the restore pre-flight.
 */
import { spawn } from 'node:child_process';
import { DnsWorld } from '../../testing/dns/dns-world';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, CLI_PATH, runCli } from '../../testing/registrars/run-cli';

const PREVIOUS = ['ns1.old-dns.net', 'ns2.old-dns.net'];
const ZONE = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'];

describe('release (destroy policies)', () => {
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  const env = () => baseEnv({ ...emu.env(), ...world.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_PARENT_CHECK: '0' });
  const release = (policy: string, extra: string[] = []) =>
    runCli(['release', '--registrar', 'godaddy', '--domain', 'example.com', '--ns', ZONE.join(','), '--policy', policy, '--json', ...extra], env());

  beforeAll(async () => {
    world = await DnsWorld.start();
    emu = await startEmulator({ rateLimit: null });
    await world.serveZone('example.com', PREVIOUS);
  });
  afterAll(async () => {
    await emu.close();
    await world.close();
  });
  beforeEach(() => {
    emu.addDomain('example.com', ZONE);
    emu.http.resetLog();
    for (const s of world.zoneServers.values()) s.behaviour = 'normal';
  });

  test('restore puts back the previous name servers', async () => {
    const r = await release('restore', ['--previous', PREVIOUS.join(',')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'godaddy', domain: 'example.com', policy: 'restore', changed: true, before: ZONE, after: PREVIOUS });
    expect(emu.nameServersOf('example.com')).toEqual(PREVIOUS);
    expect(r.stderr).toMatch(/pre-flight ok/);
  });

  test.each([[''], [ZONE.join(',')]])('restore with unknown previous name servers (%p) fails the destroy, registrar untouched', async (previous) => {
    const r = await release('restore', ['--previous', previous]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: godaddy: release delegation example\.com: destroy policy "restore", but the name servers the domain had before nsbridge are unknown/);
    expect(emu.http.requests).toHaveLength(0);
    expect(emu.nameServersOf('example.com')).toEqual(ZONE);
  });

  test('restore refuses previous name servers that no longer serve the zone', async () => {
    for (const ns of PREVIOUS) world.zoneServers.get(ns)!.behaviour = 'refuse';
    const r = await release('restore', ['--previous', PREVIOUS.join(',')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pre-flight check example\.com: 2 of 2 new name servers do not serve the zone/);
    expect(emu.nameServersOf('example.com')).toEqual(ZONE);
  });

  test('restore leaves a domain already delegated elsewhere alone', async () => {
    emu.addDomain('example.com', ['ns1.someone-else.net', 'ns2.someone-else.net']);
    const r = await release('restore', ['--previous', PREVIOUS.join(',')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already delegated to ns1\.someone-else\.net, ns2\.someone-else\.net, not to the zone being deleted/);
    expect(emu.http.writes()).toBe(0);
  });

  test('retain warns about the dangling delegation and changes nothing', async () => {
    const r = await release('retain');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING: godaddy: example\.com is left delegated to .* dangling delegation/);
    expect(emu.http.requests).toHaveLength(0);
  });

  test('refuse fails the destroy and says what to do', async () => {
    const r = await release('refuse');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/destroy refused by destroy policy "refuse".*change destroyPolicy/);
    expect(emu.nameServersOf('example.com')).toEqual(ZONE);
  });

  test('an unknown policy is a usage error', async () => {
    const r = await release('delete');
    expect(r.code).toBe(2);
  });
});

describe('terraform-external (the data source program)', () => {
  let emu: GoDaddyEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
    emu.addDomain('example.com', ['NS2.Old-DNS.net.', 'ns1.old-dns.net']);
  });
  afterAll(() => emu.close());

  const external = (query: unknown, env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI_PATH, 'terraform-external'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(JSON.stringify(query));
    });

  test('prints the current delegation as a JSON object of strings', async () => {
    const r = await external({ registrar: 'godaddy', domain: 'Example.COM.' }, baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off' }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'godaddy', domain: 'example.com', name_servers: 'ns1.old-dns.net,ns2.old-dns.net', views: 'ns1.old-dns.net,ns2.old-dns.net', available: 'true', unavailable: '' });
  });

  test('a registrar that is down does not stop the plan: available "false", the reason, exit 0', async () => {
    emu.http.inject({ kind: 'status', status: 503, times: Infinity });
    try {
      const r = await external({ registrar: 'godaddy', domain: 'example.com' }, baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRIES: '1', NSBRIDGE_HTTP_RETRY_BASE: '10ms' }));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ registrar: 'godaddy', domain: 'example.com', name_servers: '', available: 'false' });
      expect(JSON.parse(r.stdout).unavailable).toMatch(/godaddy: get name servers example\.com: HTTP 503/);
      expect(r.stderr).toMatch(/WARNING: .*the plan goes on without this domain's current delegation/);
    } finally {
      emu.http.clearFaults();
    }
  });

  test('bad credentials still fail the plan (a person must act)', async () => {
    const r = await external({ registrar: 'godaddy', domain: 'example.com' }, baseEnv({ ...emu.badCredentialsEnv(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UNABLE_TO_AUTHENTICATE/);
  });

  test('settings travel in the query; anything else is refused before a request', async () => {
    emu.http.resetLog();
    const r = await external({ registrar: 'godaddy', domain: 'example.com', GODADDY_API_SECRET: 'x' }, baseEnv({ ...emu.env() }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"GODADDY_API_SECRET" is not a setting of godaddy/);
    expect(emu.http.requests).toHaveLength(0);
  });

  describe('drift (expected_name_servers in the query)', () => {
    const env = () => baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off' });

    test('GIVEN the registrar holds the set in another order, case and with dots WHEN read THEN in sync, no message', async () => {
      const r = await external({ registrar: 'godaddy', domain: 'example.com', expected_name_servers: 'ns2.old-dns.net,NS1.OLD-DNS.NET.', after_change: 'abc' }, env());
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ in_sync: 'true', drift: '', name_servers: 'ns1.old-dns.net,ns2.old-dns.net' });
    });

    test('GIVEN a hand-made change WHEN read THEN not in sync, and the message names domain, registrar, both sets and the repair command with the settings', async () => {
      const r = await external(
        { registrar: 'godaddy', domain: 'example.com', NSBRIDGE_GODADDY_SANDBOX: '0', expected_name_servers: 'ns-1.awsdns-01.org,ns-2.awsdns-02.net', after_change: 'abc' },
        env(),
      );
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.in_sync).toBe('false');
      expect(result.drift).toBe(
        'drift: example.com at GoDaddy: the registrar delegates to ns1.old-dns.net, ns2.old-dns.net, but this stack set ns-1.awsdns-01.org, ns-2.awsdns-02.net: ' +
          'someone changed it outside nsbridge. To put it back: NSBRIDGE_GODADDY_SANDBOX=0 npx nsbridge set --registrar godaddy --domain example.com ' +
          '--ns ns-1.awsdns-01.org,ns-2.awsdns-02.net (nsbridge plan lists every drifted domain). To keep the registrar\'s value instead, change the configuration.',
      );
      // Only reads: a plan never writes to a registrar.
      expect(emu.http.requests.every((q) => q.method === 'GET')).toBe(true);
    });

    test('GIVEN the registrar is down WHEN read THEN in_sync "unknown" with the reason, and the plan goes on', async () => {
      emu.http.inject({ kind: 'status', status: 503, times: Infinity });
      try {
        const r = await external(
          { registrar: 'godaddy', domain: 'example.com', expected_name_servers: 'ns-1.awsdns-01.org,ns-2.awsdns-02.net' },
          { ...env(), NSBRIDGE_HTTP_RETRIES: '1', NSBRIDGE_HTTP_RETRY_BASE: '10ms' },
        );
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ in_sync: 'unknown', available: 'false' });
        expect(JSON.parse(r.stdout).drift).toMatch(/^could not check example\.com at GoDaddy for drift: .*HTTP 503/);
      } finally {
        emu.http.clearFaults();
      }
    });

    test('GIVEN an empty expected set WHEN read THEN exit 2 before any request', async () => {
      emu.http.resetLog();
      const r = await external({ registrar: 'godaddy', domain: 'example.com', expected_name_servers: ' , ' }, env());
      expect(r.code).toBe(2);
      expect(emu.http.requests).toHaveLength(0);
    });
  });
});
