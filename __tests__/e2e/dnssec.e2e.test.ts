/**
 * DNSSEC end to end: the registrar side and the safe order, with real parts. A CDKTF stack
 * synthesized here with the REAL RegistrarDelegation and DnssecDelegation, the REAL bundled CLI
 * (dist/nsbridge.js, shipped as the stack's asset as in production), applied by a REAL OpenTofu
 * (the e2e tools cache), against the GoDaddy (a DS registrar) and Gandi (a DNSKEY registrar)
 * emulators on loopback HTTP and a loopback DNS world (the .com servers, the zone's name servers).
 *
 * What is stood in for, and why: moto implements no key-signing keys, so the zone is a
 * `terraform_data` whose output is its name servers, and the KSK and `aws_route53_hosted_zone_dnssec`
 * are `terraform_data` whose provisioners change the DNS world through a loopback HTTP control
 * endpoint run by this test (provisioners are other processes): "ksk <label>" makes the key part of
 * the zone, "sign" makes the zone's name servers serve its keys (the first server at once, the
 * second SIGN_DELAY_MS later, as Route 53's servers do not all change at the same moment), "unsign"
 * makes them stop. Turning DNSSEC off keeps the two stand-ins as `count = 0` blocks, so that their
 * destroy-time provisioner (the "unsign") runs; the real resources need none (deleting
 * `aws_route53_hosted_zone_dnssec` is what stops signing).
 *
 * A registrar emulator accepting a DS change stands for the registry: the parent (.com) servers
 * publish the DS REGISTRY_DELAY_MS later, with a DS TTL of DS_TTL seconds (so `--hold parent-ttl`
 * holds that long). Every change of the world is recorded with its time, and the whole timeline is
 * checked against the property the order exists for: whenever the parent serves a DS, it delegates
 * to the zone's name servers and every one of them serves the DNSKEY that DS was made from.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { dropPerInstanceVersionCheck } from '../../modules/cdktf-internals/version-checks';
import { DnssecDelegation, RetiredDnssecDelegation } from '../../modules/dnssec-delegation';
import { RegistrarDelegation } from '../../modules/registrar-delegation';
import type { RegistrarSettings } from '../../modules/registrar-settings';
import { DnskeyRecord, dsFromDnskey, DsRecord, formatDnskey, formatDs } from '../../core/dnssec';
import { DnsWorld } from '../../testing/dns/dns-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { GandiEmulator, startEmulator as startGandi } from '../../testing/registrars/gandi/emulator';
import { GoDaddyEmulator, startEmulator as startGoDaddy } from '../../testing/registrars/godaddy/emulator';
import { describeE2e, ENGINE_BIN, ENGINE_CLI_CONFIG, explain, filesUnder, PREVIOUS_NS, REPO_ROOT, run, RunResult, sortedNs, TOOLS_DIR } from './harness';

const TOFU = ENGINE_BIN; // tofu or terraform (NSBRIDGE_E2E_ENGINE)
const TOFURC = ENGINE_CLI_CONFIG;
const BUNDLE = path.join(REPO_ROOT, 'dist', 'nsbridge.js');
/** The stand-in zone's name servers (Route 53 style names; loopback servers in the DNS world). */
const ZONE_NS = ['ns-1101.awsdns-10.org', 'ns-202.awsdns-25.com'];
// Wide enough that the CLI, started after `sign`, sees 1 of 2 servers first even on a loaded CI
// machine running both engines at once (2 s was missed there).
const SIGN_DELAY_MS = 6000;
const REGISTRY_DELAY_MS = 300;
const DS_TTL = 2;
const GD = 'nsb-dnssec-gd.com';
const GA = 'nsb-dnssec-ga.com';

// ---------------------------------------------------------------------------------------------
// the timeline

type Event =
  | { at: number; kind: 'ksk'; domain: string; label: string }
  | { at: number; kind: 'sign'; domain: string }
  | { at: number; kind: 'unsign'; domain: string }
  | { at: number; kind: 'serve'; domain: string; server: number; keys: string[] }
  | { at: number; kind: 'registrar-ds'; domain: string; ds: string[] }
  | { at: number; kind: 'parent-ds'; domain: string; ds: string[] }
  | { at: number; kind: 'delegate'; domain: string; ns: string[] };


/**
 * Replay the events of `domain` in order and return every moment at which the parent served a DS
 * that would make the domain fail validation: delegated elsewhere than the zone's name servers, or
 * one of them not serving the DNSKEY the DS was made from.
 */
function unsafeMoments(events: readonly Event[], domain: string, keys: Record<string, DnskeyRecord>): string[] {
  const bad: string[] = [];
  let parentDs: string[] = [];
  let delegatedTo: string[] = [];
  const served = ZONE_NS.map(() => [] as string[]);
  const dsOf = (label: string) => formatDs(dsFromDnskey(domain, keys[label]!));
  for (const e of [...events].filter((x) => x.domain === domain).sort((a, b) => a.at - b.at)) {
    if (e.kind === 'parent-ds') parentDs = e.ds;
    else if (e.kind === 'delegate') delegatedTo = sortedNs(e.ns);
    else if (e.kind === 'serve') served[e.server] = e.keys;
    if (parentDs.length === 0) continue;
    if (delegatedTo.join(',') !== sortedNs(ZONE_NS).join(',')) bad.push(`${new Date(e.at).toISOString()} (${e.kind}): DS ${parentDs.join(' | ')} while delegated to ${delegatedTo.join(',')}`);
    served.forEach((labels, i) => {
      const matching = new Set(labels.map(dsOf));
      for (const ds of parentDs) if (!matching.has(ds)) bad.push(`${new Date(e.at).toISOString()} (${e.kind}): DS ${ds} at the parent, but ${ZONE_NS[i]} serves no DNSKEY for it (serves ${labels.join(',') || 'none'})`);
    });
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// the control endpoint the stand-ins' provisioners call

class SigningControl {
  readonly events: Event[] = [];
  private readonly state = new Map<string, { signing: boolean; keys: string[] }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: http.Server;
  url = '';

  constructor(
    private readonly dns: DnsWorld,
    readonly keys: Record<string, DnskeyRecord>,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://control');
      const domain = u.searchParams.get('domain') ?? '';
      const label = u.searchParams.get('key') ?? '';
      try {
        this.act(u.pathname.slice(1), domain, label);
        res.writeHead(200).end(`ok ${u.pathname.slice(1)} ${domain} ${label}`.trim());
      } catch (e) {
        res.writeHead(400).end((e as Error).message);
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  private act(action: string, domain: string, label: string): void {
    const s = this.state.get(domain) ?? { signing: false, keys: [] };
    this.state.set(domain, s);
    const at = Date.now();
    if (action === 'ksk') {
      if (!this.keys[label]) throw new Error(`no test key "${label}"`);
      if (!s.keys.includes(label)) s.keys.push(label);
      this.events.push({ at, kind: 'ksk', domain, label });
      if (s.signing) this.serve(domain, true);
    } else if (action === 'sign') {
      s.signing = true;
      this.events.push({ at, kind: 'sign', domain });
      this.serve(domain, true);
    } else if (action === 'unsign') {
      // Route 53 drops the keys with signing; the KSKs themselves go later.
      s.signing = false;
      s.keys = [];
      this.events.push({ at, kind: 'unsign', domain });
      this.serve(domain, false);
    } else throw new Error(`unknown action "${action}"`);
  }

  /** The keys the zone should serve now; the second server follows SIGN_DELAY_MS later when `staggered`. */
  private serve(domain: string, staggered: boolean): void {
    const apply = (server: number) => {
      const s = this.state.get(domain)!;
      const labels = s.signing ? [...s.keys] : [];
      this.dns.signZone(domain, labels.map((l) => this.keys[l]!), { nameServers: [ZONE_NS[server]!] });
      this.events.push({ at: Date.now(), kind: 'serve', domain, server, keys: labels });
    };
    apply(0);
    if (!staggered) return apply(1);
    const t = setTimeout(() => {
      this.timers.delete(t);
      apply(1);
    }, SIGN_DELAY_MS);
    this.timers.add(t);
  }

  /** The registry: the parent servers publish the registrar's DS set a little later. */
  registrarChanged(domain: string, ds: DsRecord[]): void {
    this.events.push({ at: Date.now(), kind: 'registrar-ds', domain, ds: ds.map(formatDs) });
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.dns.publishDs(domain, ds, { ttl: DS_TTL });
      this.events.push({ at: Date.now(), kind: 'parent-ds', domain, ds: ds.map(formatDs) });
    }, REGISTRY_DELAY_MS);
    this.timers.add(t);
  }

  delegated(domain: string, ns: string[]): void {
    this.dns.delegate(domain, ns);
    this.events.push({ at: Date.now(), kind: 'delegate', domain, ns: [...ns] });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The provisioners' side of the control endpoint: one POST, the answer printed, exit 1 on failure. */
const CONTROL_SCRIPT = `const [action, domain, key] = process.argv.slice(2);
const u = new URL(action, process.env.NSBRIDGE_E2E_CONTROL);
u.searchParams.set('domain', domain);
if (key) u.searchParams.set('key', key);
fetch(u, { method: 'POST' }).then(async (r) => {
  console.log('control: ' + (await r.text()));
  if (!r.ok) process.exit(1);
}, (e) => { console.error('control: ' + e.message); process.exit(1); });
`;

// ---------------------------------------------------------------------------------------------
// engine runs

interface EngineRun extends RunResult {
  /** Human messages of the JSON stream (provisioner output included). */
  messages: string;
  /** Resource events: at, "<start|complete> <action> <part>" (part: the construct id, e.g. ds-release). */
  resourceEvents: { at: number; what: string }[];
}

interface DomainConfig {
  /** The KSK's key label; undefined = DNSSEC off (the stand-ins and the guard at count = 0). */
  key?: string;
}

describeE2e('e2e: DNSSEC with the real CLI, registrar emulators, loopback DNS and the engine', () => {
  jest.setTimeout(240_000);
  let dns: DnsWorld;
  let godaddy: GoDaddyEmulator;
  let gandi: GandiEmulator;
  let control: SigningControl;
  let root: string;
  let controlScript: string;
  const keys: Record<string, DnskeyRecord> = { K1: testDnskey(), K2: testDnskey(), G1: testDnskey() };
  /** Every engine output of the file, for the secret scan. */
  const outputs: string[] = [];
  const timings: Record<string, number> = {};
  let failed = false;

  /** A scenario that needs the ones before it in its chain. */
  const chains: Record<string, string | undefined> = {};
  const step = (chain: string, name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      if (chains[chain]) throw new Error(`not run: "${chains[chain]}" failed`);
      const t0 = Date.now();
      try {
        await fn();
      } catch (e) {
        chains[chain] = name;
        failed = true;
        throw e;
      } finally {
        timings[name] = Date.now() - t0;
      }
    });

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-e2e-dnssec-'));
    controlScript = path.join(root, 'control.js');
    fs.writeFileSync(controlScript, CONTROL_SCRIPT);
    dns = await DnsWorld.start({ tld: 'com' });
    godaddy = await startGoDaddy({ rateLimit: null });
    gandi = await startGandi({ rateLimit: null });
    control = new SigningControl(dns, keys);
    await control.start();
    for (const [emu, domain] of [
      [godaddy, GD],
      [gandi, GA],
    ] as const) {
      emu.addDomain(domain, [...PREVIOUS_NS]);
      await dns.serveZone(domain, PREVIOUS_NS);
      await dns.serveZone(domain, ZONE_NS);
      control.delegated(domain, PREVIOUS_NS);
      emu.onDelegationChange = (d, ns) => control.delegated(d, ns);
      emu.onDnssecChange = (d, records) => control.registrarChanged(d, records.map((r) => r.ds));
    }
  });

  afterAll(async () => {
    process.stderr.write(`nsbridge e2e (DNSSEC) timings: ${Object.entries(timings).map(([k, v]) => `${k.slice(0, 40)}: ${(v / 1000).toFixed(1)} s`).join('; ')}\n`);
    await Promise.allSettled([control?.close(), godaddy?.close(), gandi?.close(), dns?.close()]);
    if (root && (failed || process.env.NSBRIDGE_E2E_KEEP === '1')) process.stderr.write(`nsbridge e2e (DNSSEC): kept ${root}\n`);
    else if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function engineEnv(): NodeJS.ProcessEnv {
    // The customer id reaches the CLI only through the constructs' registrarSettings (as a
    // user's would), so it is left out of the environment here.
    const { NSBRIDGE_GODADDY_CUSTOMER_ID: _viaSettings, ...gdEnv } = godaddy.env();
    return {
      PATH: `${path.join(TOOLS_DIR, 'bin')}:${process.env.PATH}`,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      LANG: process.env.LANG,
      TF_CLI_CONFIG_FILE: TOFURC,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      NO_COLOR: '1',
      ...dns.env(),
      NSBRIDGE_DNS_POLL_INTERVAL: '400ms',
      ...gdEnv,
      ...gandi.env(),
      NSBRIDGE_RATE_LIMIT_GODADDY: 'off',
      NSBRIDGE_RATE_LIMIT_GANDI: 'off',
      NSBRIDGE_E2E_CONTROL: control.url,
    };
  }

  /** One domain's stack in its own directory with its own local state. */
  function deployment(name: string, domain: string, registrar: 'godaddy' | 'gandi', dnssecOpts: { parentWait?: string; removalHold?: string }) {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    const settings: RegistrarSettings = registrar === 'godaddy' ? { customerId: godaddy.customerId } : { sharingId: gandi.organization };
    let initialised = false;
    const ctl = (what: string) => `node "${controlScript}" ${what}`;

    const synth = (config: DomainConfig): void => {
      const outdir = fs.mkdtempSync(path.join(root, `out-${name}-`));
      const app = new App({ outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
      const stack = new TerraformStack(app, 'dnssec');
      new LocalBackend(stack, { path: 'terraform.tfstate' });
      const scope = new Construct(stack, domain);
      const data = (id: string, props: ConstructorParameters<typeof DataResource>[2]) => {
        const r = new DataResource(scope, id, props);
        dropPerInstanceVersionCheck(r);
        return r;
      };
      // The hosted zone: its output is the name servers (moto would give its four fixed ones).
      const zone = data('zone', { input: { name_servers: ZONE_NS } });
      const ns = new RegistrarDelegation(scope, 'delegation', {
        domain,
        registrar,
        registrarSettings: settings,
        nameServers: zone.getListAttribute('output.name_servers'),
        cliBundlePath: BUNDLE,
      });
      const off = config.key === undefined;
      // The KSK: replaced (create before destroy) by a new key, as ZoneSigning's is.
      const ksk = data('key-signing-key', {
        count: off ? 0 : undefined,
        triggersReplace: { key: config.key ?? 'none', zone: zone.getStringAttribute('id') },
        input: { dnskey: off ? '' : formatDnskey(keys[config.key!]!) },
        lifecycle: { createBeforeDestroy: true },
        provisioners: [{ type: 'local-exec', command: ctl(`ksk ${domain} ${config.key ?? 'none'}`) }],
      });
      // aws_route53_hosted_zone_dnssec: depends on the KSK, unchanged by a roll.
      const signing = data('signing', {
        count: off ? 0 : undefined,
        input: { zone: zone.getStringAttribute('id') },
        dependsOn: [ksk],
        provisioners: [
          { type: 'local-exec', command: ctl(`sign ${domain}`) },
          { type: 'local-exec', when: 'destroy', command: ctl(`unsign ${domain}`) },
        ],
      });
      if (off) new RetiredDnssecDelegation(scope, 'dnssec', { cliBundlePath: BUNDLE });
      else {
        new DnssecDelegation(scope, 'dnssec', {
          domain,
          registrar,
          registrarSettings: settings,
          dnskey: ksk.getStringAttribute('output.dnskey'),
          signedBy: [ksk, signing],
          delegatedBy: [ns.resource],
          releasedBy: [ns.releaseResource],
          signedWait: '1m',
          ...dnssecOpts,
          cliBundlePath: BUNDLE,
        });
      }
      app.synth();
      const stackDir = path.join(outdir, 'stacks', 'dnssec');
      fs.copyFileSync(path.join(stackDir, 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
      fs.rmSync(path.join(dir, 'assets'), { recursive: true, force: true });
      fs.cpSync(path.join(stackDir, 'assets'), path.join(dir, 'assets'), { recursive: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    };

    const tofu = async (args: string[], timeoutMs = 180_000): Promise<RunResult> => {
      const r = await run(TOFU, args, { cwd: dir, env: engineEnv(), timeoutMs, logFile: path.join(dir, 'e2e.log') });
      outputs.push(r.output);
      return r;
    };

    const prepare = async (config: DomainConfig) => {
      synth(config);
      if (initialised) return;
      const r = await tofu(['init', '-input=false', '-no-color']);
      if (r.code !== 0) throw new Error(`tofu init failed:\n${explain(r)}`);
      initialised = true;
    };

    /** apply/destroy with -json: the engine's resource events with their times. */
    const change = async (command: 'apply' | 'destroy', config: DomainConfig): Promise<EngineRun> => {
      await prepare(config);
      const r = await tofu([command, '-input=false', '-auto-approve', '-no-color', '-json']);
      const messages: string[] = [];
      const resourceEvents: { at: number; what: string }[] = [];
      for (const line of r.stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const m = JSON.parse(line) as { type: string; '@message': string; '@timestamp': string; hook?: { action?: string; resource?: { addr: string } } };
        messages.push(m['@message']);
        const kind = { apply_start: 'start', apply_complete: 'complete', apply_errored: 'errored' }[m.type];
        const part = /_([a-z-]+)_[0-9A-F]{8}/.exec(m.hook?.resource?.addr ?? '')?.[1] ?? m.hook?.resource?.addr;
        if (kind && m.hook?.action !== 'read') resourceEvents.push({ at: Date.parse(m['@timestamp']), what: `${kind} ${m.hook!.action} ${part}` });
      }
      return { ...r, messages: `${messages.join('\n')}\n${r.stderr}`, resourceEvents };
    };

    return {
      dir,
      apply: (config: DomainConfig) => change('apply', config),
      destroy: (config: DomainConfig) => change('destroy', config),
      plan: async (config: DomainConfig) => {
        await prepare(config);
        return tofu(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
      },
    };
  }

  const eventsOf = (domain: string, since: number) => control.events.filter((e) => e.domain === domain && e.at >= since);
  /** The first event matching, failing the test with the timeline when there is none. */
  function first<K extends Event['kind']>(events: Event[], what: string, kind: K, pred: (e: Extract<Event, { kind: K }>) => boolean = () => true): Extract<Event, { kind: K }> {
    const e = events.find((x): x is Extract<Event, { kind: K }> => x.kind === kind && pred(x as Extract<Event, { kind: K }>));
    if (!e) throw new Error(`no "${what}" event in:\n${events.map((x) => JSON.stringify(x)).join('\n')}`);
    return e;
  }
  const engineEvent = (r: EngineRun, what: string) => {
    const e = r.resourceEvents.find((x) => x.what === what);
    if (!e) throw new Error(`no engine event "${what}" in:\n${r.resourceEvents.map((x) => x.what).join('\n')}`);
    return e.at;
  };
  const dsOf = (domain: string, label: string) => formatDs(dsFromDnskey(domain, keys[label]!));
  const parentDs = (domain: string) => [0, 1].map((i) => dns.dsAt(i, domain).map(formatDs));
  /** When nsbridge first asked any of the zone's name servers for the domain's DNSKEY since t0. */
  const firstDnskeyQuestion = (domain: string, t0: number) =>
    Math.min(...[...dns.zoneServers.values()].flatMap((s) => s.queries.filter((q) => q.type === 'DNSKEY' && q.name === domain && q.at >= t0).map((q) => q.at)));
  const served = (domain: string) => ZONE_NS.map((ns) => (dns.zoneServers.get(ns)?.recordsOf(domain, domain, 'DNSKEY') ?? []).length);

  let gd: ReturnType<typeof deployment>;
  let ga: ReturnType<typeof deployment>;

  step('godaddy', '1. enable (GoDaddy, a DS registrar): signed, delegated, then the DS computed from the DNSKEY, after every name server serves the key', async () => {
    gd = deployment('godaddy', GD, 'godaddy', { parentWait: '1m' });
    const t0 = Date.now();
    const r = await gd.apply({ key: 'K1' });
    expect(r.code).toBe(0);
    // The property the order exists for, over the whole timeline so far.
    expect(unsafeMoments(control.events, GD, keys)).toEqual([]);
    const ev = eventsOf(GD, t0);
    const sign = first(ev, 'sign', 'sign');
    const delegated = first(ev, 'delegate to the zone', 'delegate', (e) => sortedNs(e.ns).join() === sortedNs(ZONE_NS).join());
    const serve0 = first(ev, 'server 0 serves K1', 'serve', (e) => e.server === 0 && e.keys.includes('K1'));
    const serve1 = first(ev, 'server 1 serves K1', 'serve', (e) => e.server === 1 && e.keys.includes('K1'));
    const atRegistrar = first(ev, 'DS at GoDaddy', 'registrar-ds', (e) => e.ds.length > 0);
    const atParent = first(ev, 'DS at the parent', 'parent-ds', (e) => e.ds.length > 0);
    // The DS write (GoDaddy's PATCH of dnssecRecords) came after the zone was signed on BOTH servers.
    const writes = godaddy.http.requests.filter((q) => q.at >= t0 && q.method === 'PATCH' && q.path.endsWith('/dnssecRecords'));
    expect(writes).toHaveLength(1);
    expect(sign.at).toBeLessThan(writes[0]!.at);
    // The engine itself ordered the DS bridge after signing and the delegation (not only --wait-signed).
    expect(engineEvent(r, 'complete create signing')).toBeLessThanOrEqual(engineEvent(r, 'start create ds-bridge'));
    expect(engineEvent(r, 'complete create bridge')).toBeLessThanOrEqual(engineEvent(r, 'start create ds-bridge'));
    expect(delegated.at).toBeLessThan(writes[0]!.at);
    expect(serve1.at - serve0.at).toBeGreaterThanOrEqual(SIGN_DELAY_MS - 50);
    expect(serve1.at).toBeLessThanOrEqual(writes[0]!.at);
    // ... because `ds set --wait-signed` saw one server serve it and waited for the other (when it
    // first asked before the second served it: on a loaded machine the bridge may start later).
    if (firstDnskeyQuestion(GD, t0) < serve1.at) {
      expect(r.messages).toMatch(/godaddy: nsb-dnssec-gd\.com: waiting for every name server to serve the DNSKEY for the DS: \S+ elapsed, \S+ left of \S+; still awaited: /);
    }
    expect(r.messages).toMatch(/every name server \(2\) serves the key: the zone is signed/);
    expect(atRegistrar.at).toBeGreaterThan(serve1.at);
    // GoDaddy holds the DS nsbridge computed from the KSK's DNSKEY; the parent serves it.
    const ds = dsOf(GD, 'K1');
    expect((godaddy.dnssecRecordsOf(GD) ?? []).map((x) => formatDs(x.ds))).toEqual([ds]);
    expect(godaddy.rawDnssecRecordsOf(GD)).toEqual([expect.objectContaining({ algorithm: 'ECDSAP256SHA256', digestType: 'SHA256', keyTag: keys.K1 ? dsFromDnskey(GD, keys.K1).keyTag : -1 })]);
    expect(atParent.ds).toEqual([ds]);
    expect(parentDs(GD)).toEqual([[ds], [ds]]);
    // `--wait 1m`: the apply ended only once every .com server served it.
    expect(r.messages).toMatch(/every com server serves exactly the new DS records/);
    expect(godaddy.nameServersOf(GD)?.map((n) => n.toLowerCase()).sort()).toEqual(sortedNs(ZONE_NS));

    // Nothing left to do: the plan is clean (exit 0, not 2), and it wrote nothing.
    const writesBefore = godaddy.http.writes();
    const plan = await gd.plan({ key: 'K1' });
    expect({ code: plan.code, out: plan.code === 0 ? '' : explain(plan) }).toEqual({ code: 0, out: '' });
    expect(godaddy.http.writes()).toBe(writesBefore);
  });

  step('godaddy', '2. key roll: the new DS is added before the old one goes, never a moment without a DS, the old KSK deleted last', async () => {
    const t0 = Date.now();
    const r = await gd.apply({ key: 'K2' });
    expect(r.code).toBe(0);
    // The property the order exists for, over the whole timeline so far.
    expect(unsafeMoments(control.events, GD, keys)).toEqual([]);
    const ev = eventsOf(GD, t0);
    const [ds1, ds2] = [dsOf(GD, 'K1'), dsOf(GD, 'K2')];
    // What GoDaddy held, change by change: both, then only the new one. Never empty.
    const registrar = ev.filter((e): e is Extract<Event, { kind: 'registrar-ds' }> => e.kind === 'registrar-ds').map((e) => [...e.ds].sort());
    expect(registrar).toEqual([[ds1, ds2].sort(), [ds2]]);
    const parent = ev.filter((e): e is Extract<Event, { kind: 'parent-ds' }> => e.kind === 'parent-ds').map((e) => [...e.ds].sort());
    expect(parent).toEqual([[ds1, ds2].sort(), [ds2]]);
    // The new DS went up only once both servers served the new key.
    const serve1 = first(ev, 'server 1 serves K2', 'serve', (e) => e.server === 1 && e.keys.includes('K2'));
    const add = godaddy.http.requests.find((q) => q.at >= t0 && q.method === 'PATCH' && q.path.endsWith('/dnssecRecords'));
    expect(add && add.at).toBeGreaterThanOrEqual(serve1.at);
    // The old KSK is deleted (create_before_destroy) after the parent dropped its DS (`--wait`).
    const oldGone = first(ev, 'parent without the old DS', 'parent-ds', (e) => !e.ds.includes(ds1));
    expect(engineEvent(r, 'start delete key-signing-key')).toBeGreaterThanOrEqual(oldGone.at);
    expect(r.resourceEvents.filter((x) => / (signing|ds-release|release|bridge)$/.test(x.what))).toEqual([]);
    expect(parentDs(GD)).toEqual([[ds2], [ds2]]);
  });

  step('godaddy', '3. disable: the DS removed at GoDaddy and gone from the parent, the parent-ttl hold, and only then unsigned', async () => {
    const t0 = Date.now();
    const r = await gd.apply({});
    expect(r.code).toBe(0);
    // The property the order exists for, over the whole timeline so far.
    expect(unsafeMoments(control.events, GD, keys)).toEqual([]);
    const ev = eventsOf(GD, t0);
    const removed = first(ev, 'GoDaddy without DS', 'registrar-ds', (e) => e.ds.length === 0);
    const gone = first(ev, 'parent without DS', 'parent-ds', (e) => e.ds.length === 0);
    const unsign = first(ev, 'unsign', 'unsign');
    expect(removed.at).toBeLessThanOrEqual(gone.at);
    // `--hold parent-ttl`: the DS TTL the .com servers served (DS_TTL s) after they dropped it.
    expect(r.messages).toMatch(new RegExp(`holding 2s .*the DS TTL the com servers served before the clear \\(${DS_TTL} s\\)`));
    expect(unsign.at - gone.at).toBeGreaterThanOrEqual(DS_TTL * 1000);
    expect(engineEvent(r, 'complete delete ds-release')).toBeLessThanOrEqual(unsign.at);
    expect(godaddy.dnssecRecordsOf(GD)).toEqual([]);
    expect(parentDs(GD)).toEqual([[], []]);
    expect(served(GD)).toEqual([0, 0]);
    // The name servers stay: only DNSSEC was turned off.
    expect(godaddy.nameServersOf(GD)?.map((n) => n.toLowerCase()).sort()).toEqual(sortedNs(ZONE_NS));
    // The count = 0 blocks plan nothing from now on.
    const plan = await gd.plan({});
    expect({ code: plan.code, out: plan.code === 0 ? '' : explain(plan) }).toEqual({ code: 0, out: '' });
  });

  step('gandi', '4. enable (Gandi, a DNSKEY registrar): Gandi receives the public key, not a DS, after the zone is signed', async () => {
    ga = deployment('gandi', GA, 'gandi', { parentWait: '1m', removalHold: '2s' });
    const t0 = Date.now();
    const r = await ga.apply({ key: 'G1' });
    expect(r.code).toBe(0);
    // The property the order exists for, over the whole timeline so far.
    expect(unsafeMoments(control.events, GA, keys)).toEqual([]);
    const ev = eventsOf(GA, t0);
    const serve1 = first(ev, 'server 1 serves G1', 'serve', (e) => e.server === 1 && e.keys.includes('G1'));
    const writes = gandi.http.requests.filter((q) => q.at >= t0 && q.write && q.path.includes('/dnskeys'));
    expect(writes.map((q) => q.method)).toEqual(['POST']);
    expect(writes[0]!.at).toBeGreaterThanOrEqual(serve1.at);
    if (firstDnskeyQuestion(GA, t0) < serve1.at) {
      expect(r.messages).toMatch(/gandi: nsb-dnssec-ga\.com: waiting for every name server to serve the DNSKEY for the DS: \S+ elapsed, \S+ left of \S+; still awaited: /);
    }
    // Gandi holds the key itself (it computed the DS from it), not a DS it was given.
    const held = gandi.dnssecRecordsOf(GA) ?? [];
    expect(held).toHaveLength(1);
    expect(held[0]!.dnskey).toEqual(keys.G1);
    expect(formatDs(held[0]!.ds)).toBe(dsOf(GA, 'G1'));
    expect(r.messages).not.toMatch(/computed \(SHA-256\) from --dnskey/);
    expect(parentDs(GA)).toEqual([[dsOf(GA, 'G1')], [dsOf(GA, 'G1')]]);
  });

  step('gandi', '5. destroy of a signed domain: the DS removed (and the hold) before signing stops and before the name servers are restored', async () => {
    const t0 = Date.now();
    const r = await ga.destroy({ key: 'G1' });
    expect(r.code).toBe(0);
    // The property the order exists for, over the whole timeline so far.
    expect(unsafeMoments(control.events, GA, keys)).toEqual([]);
    const ev = eventsOf(GA, t0);
    const removed = first(ev, 'Gandi without keys', 'registrar-ds', (e) => e.ds.length === 0);
    const gone = first(ev, 'parent without DS', 'parent-ds', (e) => e.ds.length === 0);
    const unsign = first(ev, 'unsign', 'unsign');
    const restored = first(ev, 'delegation restored', 'delegate', (e) => sortedNs(e.ns).join() === sortedNs(PREVIOUS_NS).join());
    expect(removed.at).toBeLessThanOrEqual(gone.at);
    expect(unsign.at - gone.at).toBeGreaterThanOrEqual(2000);
    expect(restored.at - gone.at).toBeGreaterThanOrEqual(2000);
    expect(r.messages).toMatch(/holding 2s .*as asked \(--hold\)/);
    expect(gandi.dnssecRecordsOf(GA)).toEqual([]);
    expect(gandi.nameServersOf(GA)?.map((n) => n.toLowerCase()).sort()).toEqual(sortedNs(PREVIOUS_NS));
    expect(parentDs(GA)).toEqual([[], []]);
    expect(served(GA)).toEqual([0, 0]);
  });

  test('no credential in the synthesized configuration, the state or the engine output', () => {
    const secrets = [...godaddy.secrets(), ...gandi.secrets()];
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const files = filesUnder(root).filter((f) => /(cdk\.tf\.json|\.tfstate(\.backup)?|e2e\.log)$/.test(f));
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('terraform.tfstate')).length).toBeGreaterThanOrEqual(1);
    const leaks: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const s of secrets) if (text.includes(s)) leaks.push(`${path.relative(root, f)} holds ${s.slice(0, 6)}…`);
    }
    outputs.forEach((o, i) => {
      for (const s of secrets) if (o.includes(s)) leaks.push(`engine output #${i} holds ${s.slice(0, 6)}…`);
    });
    expect(outputs.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });
});
