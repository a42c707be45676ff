/**
 * `nsbridge plan` through the bundled CLI: synthesizes a real domains.yaml with the app command,
 * reads a local Terraform state and the GoDaddy emulator, and reports. The state file is written
 * here in Terraform's format (version 4) at the addresses the synthesized stack gives; the end-to-end
 * suite covers the same report on state written by a real engine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { DnsWorld } from '../../testing/dns/dns-world';

const Z = (n: string) => [`ns-${n}1.awsdns-01.com`, `ns-${n}2.awsdns-02.net`];
const CONFIG = `version: 1
defaults: { delegationSource: registrar }
stacks:
  prod: {}
domains:
  - { name: a.com, registrar: godaddy, stack: prod }
  - { name: b.com, registrar: godaddy, stack: prod }
  - { name: c.com, registrar: godaddy, stack: prod }
  - { name: d.com, registrar: godaddy, stack: prod, registrarSettings: { shopperId: "42" } }
  - { name: e.com, registrar: namecheap, stack: prod }
  - { name: old.com, stack: prod, retired: true }
`;

describe('nsbridge plan', () => {
  let emu: GoDaddyEmulator;
  let project: string;
  let outdir: string;
  let stateFile: string;
  const env = () => baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_RATE_LIMIT_DIR: path.join(project, 'rl') });
  const plan = (args: string[] = []) => runCli(['plan', '--out', outdir, ...args], env());
  let ids: Record<string, string>;

  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-plan-'));
    outdir = path.join(project, 'cdktf.out');
    fs.writeFileSync(path.join(project, 'domains.yaml'), CONFIG);
    // First run synthesizes (no state yet): every domain is new.
    const first = await runCli(['plan', '--config', path.join(project, 'domains.yaml'), '--out', outdir, '--format', 'json'], env());
    expect(first.stderr).not.toMatch(/unexpected/);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'prod', 'cdk.tf.json'), 'utf8'));
    stateFile = path.resolve(outdir, 'stacks', 'prod', tf.terraform.backend.local.path);
    const find = (entries: Record<string, unknown>, prefix: string) => Object.keys(entries).find((k) => k.startsWith(prefix))!;
    ids = {};
    for (const d of ['a', 'b', 'c', 'd']) {
      ids[`${d}.zone`] = find(tf.resource.aws_route53_zone, `${d}com_zone_`);
      ids[`${d}.bridge`] = find(tf.resource.terraform_data, `${d}com_delegation_bridge_`);
    }
    ids['old.release'] = find(tf.resource.terraform_data, 'oldcom_delegation_release_');
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  /** terraform_data's dynamically typed attributes as the state file stores them: { value, type }. */
  const dyn = (value: unknown) => ({ value, type: ['object', {}] });

  /** A state as Terraform writes it: a, b and d deployed (d's zone since replaced), c new, old.com retired but not released. */
  function writeState(): void {
    const zone = (d: string, ns: string[]) => ({ mode: 'managed', type: 'aws_route53_zone', name: ids[`${d}.zone`], provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ schema_version: 0, attributes: { name: `${d}.com`, zone_id: `Z${d.toUpperCase()}`, name_servers: ns } }] });
    const bridge = (d: string, ns: string[]) => ({ mode: 'managed', type: 'terraform_data', name: ids[`${d}.bridge`], provider: 'provider["terraform.io/builtin/terraform"]', instances: [{ schema_version: 0, attributes: { id: `id-${d}`, input: null, triggers_replace: dyn({ domain: `${d}.com`, registrar: 'godaddy', name_servers: ns }) } }] });
    const release = { mode: 'managed', type: 'terraform_data', name: ids['old.release'], provider: 'provider["terraform.io/builtin/terraform"]', instances: [{ schema_version: 0, attributes: { id: 'id-old', input: dyn({ domain: 'old.com', registrar: 'godaddy', policy: 'restore', previous: 'ns1.before.net,ns2.before.net', name_servers: Z('o'), env: {} }) } }] };
    const state = { version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'test', outputs: {}, resources: [zone('a', Z('a')), bridge('a', Z('a')), zone('b', Z('b')), bridge('b', Z('b')), zone('d', Z('n')), bridge('d', Z('d')), release] };
    fs.writeFileSync(stateFile, JSON.stringify(state));
  }

  beforeEach(() => {
    emu.addDomain('a.com', Z('a'));
    emu.addDomain('b.com', ['ns1.hijack.example', 'NS2.HIJACK.example.']);
    emu.addDomain('c.com', ['ns1.before.net', 'ns2.before.net']);
    emu.addDomain('d.com', Z('d'));
    emu.http.resetLog();
    writeState();
  });

  test('GIVEN a deployed app WHEN planned as JSON THEN each domain has its registrar, current and desired NS and the action', async () => {
    const r = await plan(['--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const by = Object.fromEntries(report.domains.map((d: any) => [d.domain, d]));
    expect(by['a.com']).toMatchObject({ stack: 'prod', registrar: 'godaddy', registrarName: 'GoDaddy', action: 'none', current: Z('a'), desired: Z('a') });
    // Drift: nsbridge set Z(b) (state), the registrar holds something else: a deploy will not undo it.
    expect(by['b.com']).toMatchObject({ action: 'drift', current: ['ns1.hijack.example', 'ns2.hijack.example'], desired: Z('b') });
    expect(by['b.com'].fix).toBe(`npx nsbridge set --registrar godaddy --domain b.com --ns ${Z('b').join(',')}`);
    // New zone: its name servers are not known before apply, and the row says so.
    expect(by['c.com']).toMatchObject({ action: 'set', current: ['ns1.before.net', 'ns2.before.net'] });
    expect(by['c.com'].desired).toBeUndefined();
    expect(by['c.com'].desiredFrom).toMatch(/new zone c\.com: its name servers are known after apply/);
    // The zone was replaced: desired is the new zone's, and the next deploy sets it (with the settings).
    expect(by['d.com']).toMatchObject({ action: 'set', current: Z('d'), desired: Z('n'), reason: 'the desired name servers changed: the next deploy sets them' });
    expect(by['e.com']).toMatchObject({ action: 'blocked', registrar: 'namecheap' });
    expect(by['e.com'].reason).toMatch(/missing credentials: set NAMECHEAP_API_USER/);
    expect(by['old.com']).toMatchObject({ action: 'release', desired: ['ns1.before.net', 'ns2.before.net'] });
    expect(report.summary).toEqual({ none: 1, set: 2, drift: 1, release: 1, blocked: 1 });
    // Read-only at the registrar.
    expect(emu.http.requests.length).toBeGreaterThan(0);
    expect(emu.http.requests.every((q) => q.method === 'GET' && !q.write)).toBe(true);
    // GoDaddy lists name servers of many domains in one request: one listing per account (the
    // default one for a, b and c; d.com's settings name shopper 42), no per-domain read.
    expect(emu.http.requests.map((q) => q.path).sort()).toEqual(['/v1/domains', '/v1/domains']);
  });

  test('GIVEN drift WHEN planned as Markdown THEN a table for the pull request, with the marker and the fix command', async () => {
    const r = await plan(['--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('<!-- nsbridge-plan -->');
    expect(r.stdout).toContain('| Stack | Domain | Registrar | Action | Current NS | Desired NS |');
    expect(r.stdout).toContain(`| prod | b.com | GoDaddy | **drift** | ns1.hijack.example, ns2.hijack.example | ${Z('b').join(', ')} |`);
    expect(r.stdout).toContain(`| prod | c.com | GoDaddy | **set** | ns1.before.net, ns2.before.net | _new zone c.com: its name servers are known after apply_ |`);
    expect(r.stdout).toContain(`  npx nsbridge set --registrar godaddy --domain b.com --ns ${Z('b').join(',')}`);
  });

  test('GIVEN the table format WHEN planned THEN one line per domain and the reasons below', async () => {
    const r = await plan();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^STACK +DOMAIN +REGISTRAR +ACTION +CURRENT +DESIRED/);
    expect(r.stdout).toMatch(/prod +b\.com +godaddy +drift /);
    expect(r.stdout).toContain('6 domain(s): 1 unchanged, 2 to set, 1 drifted, 1 to release, 1 blocked');
    expect(r.stdout).toContain(`    fix: npx nsbridge set --registrar godaddy --domain b.com`);
  });

  test('--expect-no-changes: 1 while a registrar cannot be read, 3 on changes or drift, 0 once all is in sync', async () => {
    expect((await plan(['--expect-no-changes'])).code).toBe(1); // e.com has no credentials
    const godaddyOnly = async () => {
      // Only the GoDaddy domains: a config without e.com and old.com.
      const cfg = path.join(project, 'godaddy.yaml');
      fs.writeFileSync(cfg, CONFIG.split('\n').filter((l) => !/e\.com|old\.com/.test(l)).join('\n'));
      return runCli(['plan', '--config', cfg, '--out', outdir, '--expect-no-changes', '--format', 'json'], env());
    };
    let r = await godaddyOnly();
    expect(r.code).toBe(3);
    // The documented fix for b.com, the deploys for c.com and d.com (here: the registrar and state as a deploy leaves them).
    expect((await runCli(['set', '--registrar', 'godaddy', '--domain', 'b.com', '--ns', Z('b').join(',')], env())).code).toBe(0);
    emu.addDomain('c.com', Z('c'));
    emu.addDomain('d.com', Z('n'));
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    state.resources.push(
      { mode: 'managed', type: 'aws_route53_zone', name: ids['c.zone'], instances: [{ attributes: { name: 'c.com', zone_id: 'ZC', name_servers: Z('c') } }] },
      { mode: 'managed', type: 'terraform_data', name: ids['c.bridge'], instances: [{ attributes: { triggers_replace: dyn({ domain: 'c.com', registrar: 'godaddy', name_servers: Z('c') }) } }] },
    );
    state.resources.find((x: any) => x.name === ids['d.bridge']).instances[0].attributes.triggers_replace.value.name_servers = Z('n');
    fs.writeFileSync(stateFile, JSON.stringify(state));
    r = await godaddyOnly();
    expect(JSON.parse(r.stdout).summary).toEqual({ none: 4, set: 0, drift: 0, release: 0, blocked: 0 });
    expect(r.code).toBe(0);
  });

  test('bad usage is exit 2 before any registrar is read', async () => {
    emu.http.resetLog();
    expect((await plan(['--format', 'html'])).code).toBe(2);
    expect((await plan(['--stack', 'nope'])).stderr).toMatch(/unknown stack nope; stacks: prod/);
    const broken = path.join(project, 'broken.yaml');
    fs.writeFileSync(broken, 'version: 1\ndomains:\n  - { name: x.com, registar: godaddy }\n');
    const r = await runCli(['plan', '--config', broken, '--out', path.join(project, 'out2')], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/registar/);
    expect(emu.http.requests).toHaveLength(0);
  });
});

/**
 * The same report with `delegationSource: dns` (the default): the current delegation comes from the
 * parent zone's servers in a loopback DNS world; no registrar credential is in the environment and
 * the registrar emulator receives no request at all.
 */
describe('nsbridge plan, delegationSource dns (default)', () => {
  let emu: GoDaddyEmulator;
  let world: DnsWorld;
  let project: string;
  let outdir: string;
  const DNS_CONFIG = `version: 1
stacks:
  prod: {}
domains:
  - { name: a.com, registrar: godaddy, stack: prod }
  - { name: b.com, registrar: godaddy, stack: prod }
  - { name: c.org, registrar: godaddy, stack: prod }
`;

  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
    world = await DnsWorld.start();
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-plan-dns-'));
    outdir = path.join(project, 'cdktf.out');
    fs.writeFileSync(path.join(project, 'domains.yaml'), DNS_CONFIG);
  });
  afterAll(async () => {
    await emu.close();
    await world.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  test('no credentials, zero registrar requests; drift seen at the parent; an unreachable parent blocks only its domain', async () => {
    // The emulator's endpoint is set (so a request would reach it and be counted) but no credential is.
    const env = baseEnv({ NSBRIDGE_GODADDY_ENDPOINT: emu.env().NSBRIDGE_GODADDY_ENDPOINT, ...world.env() });
    expect(Object.keys(env).filter((k) => /GODADDY_API|SECRET|KEY/.test(k))).toEqual([]);
    const first = await runCli(['plan', '--config', path.join(project, 'domains.yaml'), '--out', outdir, '--format', 'json'], env);
    expect(first.stderr).not.toMatch(/unexpected/);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'prod', 'cdk.tf.json'), 'utf8'));
    const stateFile = path.resolve(outdir, 'stacks', 'prod', tf.terraform.backend.local.path);
    const id = (prefix: string) => Object.keys({ ...tf.resource.aws_route53_zone, ...tf.resource.terraform_data }).find((k) => k.startsWith(prefix))!;
    const dyn = (value: unknown) => ({ value, type: ['object', {}] });
    const resources = ['a', 'b'].flatMap((d) => [
      { mode: 'managed', type: 'aws_route53_zone', name: id(`${d}com_zone_`), instances: [{ attributes: { name: `${d}.com`, zone_id: `Z${d}`, name_servers: Z(d) } }] },
      { mode: 'managed', type: 'terraform_data', name: id(`${d}com_delegation_bridge_`), instances: [{ attributes: { id: d, triggers_replace: dyn({ domain: `${d}.com`, registrar: 'godaddy', name_servers: Z(d) }) } }] },
    ]);
    fs.writeFileSync(stateFile, JSON.stringify({ version: 4, serial: 2, lineage: 'l', outputs: {}, resources }));
    world.delegate('a.com', Z('a'));
    world.delegate('b.com', ['ns1.hijack.example', 'ns2.hijack.example']);
    emu.http.resetLog();

    const r = await runCli(['plan', '--out', outdir, '--format', 'json'], env);
    expect(r.code).toBe(0);
    const by = Object.fromEntries(JSON.parse(r.stdout).domains.map((d: any) => [d.domain, d]));
    expect(by['a.com']).toMatchObject({ action: 'none', current: Z('a') });
    expect(by['b.com']).toMatchObject({ action: 'drift', current: ['ns1.hijack.example', 'ns2.hijack.example'] });
    expect(by['b.com'].reason).toMatch(/the next deploy sets them again \(repairDrift\)/);
    // .org has no servers in this DNS world: that domain is blocked with the reason, the others are reported.
    expect(by['c.org']).toMatchObject({ action: 'blocked' });
    expect(by['c.org'].reason).toMatch(/parent zone of c\.org could not be found in DNS/);
    expect(emu.http.requests).toEqual([]);
  });
});
