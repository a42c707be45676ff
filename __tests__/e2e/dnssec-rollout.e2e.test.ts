/**
 * DNSSEC roll-outs across deploys (issue #16), end to end: the REAL DnssecRollout construct and
 * RegistrarDelegation, the REAL bundled CLI (its plan-time read `terraform-external` in dnssec mode,
 * and `ds set` / `ds clear`), a REAL engine, the GoDaddy emulator and the loopback DNS world with
 * short TTLs. Enable, a double-DS key roll and a disable each complete over several deploys, none
 * of which holds for a TTL; after every deploy the whole timeline is checked: the parent never
 * serves a DS whose key a name server does not serve, and no DS RRset a resolver may still cache
 * (for its TTL) lacks a served key.
 *
 * Stand-ins (see dnssec-world.ts and dnssec.e2e.test.ts's header): moto has no KSKs, so each
 * generation's KSK is a `terraform_data` (its DS and DNSKEY known at synth) whose provisioner makes
 * the zone serve its DNSKEY; its status (the construct's `released` → INACTIVE) is a
 * `terraform_data` whose provisioner makes the zone stop serving it; signing (disable →
 * NOT_SIGNING) likewise. The time is real: the test sleeps until a step's earliest time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NsbridgeCliAsset } from '../../modules/cli-asset';
import { lazyDependsOn } from '../../modules/depends-on';
import { settingsEnv } from '../../modules/dnssec-delegation';
import { attributeExpression, DnssecRollout } from '../../modules/dnssec-rollout';
import { RegistrarDelegation } from '../../modules/registrar-delegation';
import { DnskeyRecord, dsFromDnskey, formatDnskey, formatDs } from '../../core/dnssec';
import { DnsWorld } from '../../testing/dns/dns-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { GoDaddyEmulator, startEmulator as startGoDaddy } from '../../testing/registrars/godaddy/emulator';
import { engineApp, placeSynthesized } from '../modules/fixtures/engines';
import { dnssecPendingSteps } from '../../review/dnssec-pending';
import { readState } from '../../review/state';
import { cacheUnsafeMoments, CONTROL_SCRIPT, SigningControl, unsafeMoments } from './dnssec-world';
import { describeE2e, ENGINE_BIN, ENGINE_CLI_CONFIG, explain, REPO_ROOT, run, RunResult, TOOLS_DIR } from './harness';

const BUNDLE = path.join(REPO_ROOT, 'dist', 'nsbridge.js');
const ZONE_NS = ['ns-1101.awsdns-10.org', 'ns-202.awsdns-25.com'];
const WORLD = { zoneNs: ZONE_NS, signDelayMs: 3000, registryDelayMs: 300, dsTtl: 4, dnskeyTtl: 2 };
const DOMAIN = 'nsb-rollout.com';
const STUCK = 'nsb-rollout-stuck.com';
/** Each wait of a deploy; no deploy holds for a TTL, so this is never reached. */
const WAIT_LIMIT = '2m';

interface Config {
  /** The current generation (its key label), undefined when disabled. */
  current?: string;
  /** The retiring generation: a roll's old key, or the key of a disable. */
  retiring?: string;
  deadline?: string;
}

describeE2e('e2e: DNSSEC roll-outs across deploys (real construct and CLI, GoDaddy emulator, loopback DNS)', () => {
  jest.setTimeout(900_000);
  let dns: DnsWorld;
  let godaddy: GoDaddyEmulator;
  let control: SigningControl;
  let root: string;
  let controlScript: string;
  const keys: Record<string, DnskeyRecord> = { K1: testDnskey(), K2: testDnskey(), S1: testDnskey(), S2: testDnskey() };
  const durations: string[] = [];
  let failed = false;
  let chainBroken: string | undefined;

  const step = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      if (chainBroken) throw new Error(`not run: "${chainBroken}" failed`);
      try {
        await fn();
      } catch (e) {
        chainBroken = name;
        failed = true;
        throw e;
      }
    });

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-e2e-rollout-'));
    controlScript = path.join(root, 'control.js');
    fs.writeFileSync(controlScript, CONTROL_SCRIPT);
    dns = await DnsWorld.start({ tld: 'com' });
    godaddy = await startGoDaddy({ rateLimit: null });
    control = new SigningControl(dns, keys, WORLD);
    await control.start();
    for (const domain of [DOMAIN, STUCK]) await control.addDomain(godaddy, domain);
  });

  afterAll(async () => {
    process.stderr.write(`nsbridge e2e (DNSSEC roll-outs) deploy durations: ${durations.join('; ')}\n`);
    await Promise.allSettled([control?.close(), godaddy?.close(), dns?.close()]);
    if (root && (failed || process.env.NSBRIDGE_E2E_KEEP === '1')) process.stderr.write(`nsbridge e2e (DNSSEC roll-outs): kept ${root}\n`);
    else if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const engineEnv = (): NodeJS.ProcessEnv => {
    const { NSBRIDGE_GODADDY_CUSTOMER_ID: _viaSettings, ...gdEnv } = godaddy.env();
    return {
      PATH: `${path.join(TOOLS_DIR, 'bin')}:${process.env.PATH}`,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      TF_CLI_CONFIG_FILE: ENGINE_CLI_CONFIG,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      NO_COLOR: '1',
      ...dns.env(),
      NSBRIDGE_DNS_POLL_INTERVAL: '400ms',
      NSBRIDGE_DNS_WAIT_LIMIT: WAIT_LIMIT,
      ...gdEnv,
      NSBRIDGE_RATE_LIMIT_GODADDY: 'off',
      NSBRIDGE_E2E_CONTROL: control.url,
    };
  };

  function deployment(domain: string) {
    const dir = path.join(root, domain);
    fs.mkdirSync(dir);
    const ctl = (what: string) => `node "${controlScript}" ${what}`;
    let initialised = false;

    const synth = (config: Config) => {
      const outdir = fs.mkdtempSync(path.join(root, 'out-'));
      const { app, scope, data } = engineApp(outdir, 'rollout', domain);
      const zone = data('zone', { input: { name_servers: ZONE_NS } });
      const settings = { customerId: godaddy.customerId };
      const ns = new RegistrarDelegation(scope, 'delegation', {
        domain,
        registrar: 'godaddy',
        registrarSettings: settings,
        nameServers: zone.getListAttribute('output.name_servers'),
        cliBundlePath: BUNDLE,
        driftCheck: false,
      });
      const ksk = (label: string) => {
        const r = data(`ksk-${label}`, {
          input: { ds: formatDs(dsFromDnskey(domain, keys[label]!)), dnskey: formatDnskey(keys[label]!) },
          dependsOn: [ns.resource],
          provisioners: [{ type: 'local-exec', command: ctl(`ksk ${domain} ${label}`) }],
        });
        return { resource: r, key: { ds: attributeExpression(r, 'output.ds'), dnskey: attributeExpression(r, 'output.dnskey') } };
      };
      const current = config.current ? ksk(config.current) : undefined;
      const retiring = config.retiring ? ksk(config.retiring) : undefined;
      const signer = (config.current ? current : retiring)!;
      const rollout = new DnssecRollout(scope, 'dnssec-rollout', {
        domain,
        registrar: 'godaddy',
        settings: settingsEnv({ registrar: 'godaddy', registrarSettings: settings }),
        current: current?.key,
        retiring: retiring?.key,
        cli: NsbridgeCliAsset.of(scope, BUNDLE),
        signedWait: '1m',
        deadline: config.deadline ?? '72h',
      });
      rollout.resource.dependsOn = lazyDependsOn(() => [ns.resource]);
      // aws_route53_hosted_zone_dnssec: signing, stopped once a disable has released the key.
      const status = (name: string, expression: string, command: string) =>
        data(name, { triggersReplace: { status: `\${${expression}}` }, dependsOn: [signer.resource], provisioners: [{ type: 'local-exec', command }] });
      status(
        'signing',
        config.current ? '"SIGNING"' : `${rollout.released} ? "NOT_SIGNING" : "SIGNING"`,
        ctl(`\${self.triggers_replace.status == "SIGNING" ? "sign" : "unsign"} ${domain}`),
      );
      // The retiring KSK's status: INACTIVE once released (Route 53 stops signing with it).
      if (config.current && retiring) {
        status(`ksk-status-${config.retiring}`, `${rollout.released} ? "INACTIVE" : "ACTIVE"`, ctl(`\${self.triggers_replace.status == "INACTIVE" ? "deactivate" : "ksk"} ${domain} ${config.retiring}`));
      }
      app.synth();
      placeSynthesized(outdir, 'rollout', dir);
      fs.rmSync(outdir, { recursive: true, force: true });
    };
    const engine = (args: string[]): Promise<RunResult> => run(ENGINE_BIN, args, { cwd: dir, env: engineEnv(), timeoutMs: 600_000, logFile: path.join(dir, 'e2e.log') });
    const prepare = async (config: Config) => {
      synth(config);
      if (initialised) return;
      const r = await engine(['init', '-input=false', '-no-color']);
      if (r.code !== 0) throw new Error(`init failed:\n${explain(r)}`);
      initialised = true;
    };
    /** The "ds-rollout" output the last apply recorded. */
    const recorded = (): Record<string, any> => {
      const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { resources: { type: string; name: string; instances: { attributes: Record<string, any> }[] }[] };
      const r = state.resources.find((x) => x.type === 'terraform_data' && /_ds-rollout_/.test(x.name));
      return r?.instances[0]?.attributes.output.value ?? {};
    };
    return {
      dir,
      recorded,
      async deploy(config: Config, what: string) {
        await prepare(config);
        const r = await engine(['apply', '-input=false', '-auto-approve', '-no-color']);
        durations.push(`${domain} ${what}: ${(r.ms / 1000).toFixed(1)} s`);
        if (r.code !== 0) throw new Error(`apply (${what}) failed:\n${explain(r)}`);
        // No deploy holds for a TTL: whatever must wait is left pending for a later deploy.
        expect(r.output).not.toMatch(/holding \d/);
        expect(unsafeMoments(ZONE_NS, control.events, domain, keys)).toEqual([]);
        expect(cacheUnsafeMoments(ZONE_NS, control.events, domain, keys, WORLD.dsTtl * 1000)).toEqual([]);
        return { ...r, recorded: recorded() };
      },
      async plan(config: Config) {
        await prepare(config);
        return engine(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
      },
      /** Deploy until nothing is pending, waiting for each step's earliest time; the steps seen. */
      async deployUntilDone(config: Config, what: string, most: number): Promise<string[]> {
        const steps: string[] = [];
        for (let i = 1; i <= most; i++) {
          const { recorded: out } = await this.deploy(config, `${what} #${i}`);
          steps.push(out.step);
          if (!out.step) return steps;
          const wait = out.not_before ? Date.parse(out.not_before) - Date.now() + 1000 : 1500;
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        throw new Error(`${what}: still pending after ${most} deploys: ${steps.join(' / ')}`);
      },
    };
  }

  const dsOf = (domain: string, label: string) => formatDs(dsFromDnskey(domain, keys[label]!));
  const atParent = (domain: string) => [0, 1].map((i) => dns.dsAt(i, domain).map(formatDs).sort());
  const atGoDaddy = (domain: string) => (godaddy.dnssecRecordsOf(domain) ?? []).map((r) => formatDs(r.ds)).sort();
  const servedKeys = (domain: string) => ZONE_NS.map((n) => (dns.zoneServers.get(n)?.recordsOf(domain, domain, 'DNSKEY') ?? []).length);

  let d: ReturnType<typeof deployment>;

  step('1. enable: signed and delegated first, then the DS; done over deploys, then a no-op plan', async () => {
    d = deployment(DOMAIN);
    const steps = await d.deployUntilDone({ current: 'K1' }, 'enable', 4);
    expect(steps.at(-1)).toBe('');
    expect(atGoDaddy(DOMAIN)).toEqual([dsOf(DOMAIN, 'K1')]);
    expect(atParent(DOMAIN)).toEqual([[dsOf(DOMAIN, 'K1')], [dsOf(DOMAIN, 'K1')]]);
    const plan = await d.plan({ current: 'K1' });
    expect({ code: plan.code, out: plan.code === 0 ? '' : explain(plan) }).toEqual({ code: 0, out: '' });
  });

  step('2. key roll K1 → K2 (double DS): both DS, the hold anchored in state, the old DS removed, the old key released, over several deploys', async () => {
    const writesBefore = godaddy.http.writes();
    const steps = await d.deployUntilDone({ current: 'K2', retiring: 'K1' }, 'roll', 7);
    const [k1, k2] = [dsOf(DOMAIN, 'K1'), dsOf(DOMAIN, 'K2')];
    // The steps the plan reported, in order (a deploy that did a step may show the next already).
    expect(steps.some((s) => s.startsWith('remove old KSK ') && / after \d{4}-\d\d-\d\dT/.test(s))).toBe(true);
    expect(steps.at(-1)).toBe('');
    expect(d.recorded().released).toBe(true);
    // What GoDaddy held, change by change: both, then the new one alone. Never empty.
    const registrar = control.events.filter((e) => e.domain === DOMAIN && e.kind === 'registrar-ds' && e.at > 0).map((e) => (e as { ds: string[] }).ds.slice().sort().join(' | '));
    expect(registrar.slice(-2)).toEqual([[k1, k2].sort().join(' | '), k2]);
    expect(godaddy.http.writes()).toBeGreaterThan(writesBefore);
    expect(atParent(DOMAIN)).toEqual([[k2], [k2]]);
    // K1 INACTIVE: the zone serves K2 only (the second server follows signDelayMs later).
    await new Promise((r) => setTimeout(r, WORLD.signDelayMs + 500));
    expect(servedKeys(DOMAIN)).toEqual([1, 1]);
    expect(unsafeMoments(ZONE_NS, control.events, DOMAIN, keys)).toEqual([]);
    expect(cacheUnsafeMoments(ZONE_NS, control.events, DOMAIN, keys, WORLD.dsTtl * 1000)).toEqual([]);
    // Removing the previous generation is now allowed (the precondition lets it through) and clean.
    await d.deploy({ current: 'K2' }, 'remove previous generation');
    const plan = await d.plan({ current: 'K2' });
    expect({ code: plan.code, out: plan.code === 0 ? '' : explain(plan) }).toEqual({ code: 0, out: '' });
  });

  step('3. a DS removed at the registrar by hand: the next plan shows it, the deploy puts it back', async () => {
    godaddy.setDnssecRecords(DOMAIN, []);
    control.registrarChanged(DOMAIN, []);
    const plan = await d.plan({ current: 'K2' });
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(/registrar_in_sync\s+= true -> false|registrar_in_sync.*forces replacement/);
    const back = await d.deploy({ current: 'K2' }, 'drift');
    expect(back.recorded.drift).toBe(`godaddy lacks DS ${dsOf(DOMAIN, 'K2')}: this deploy puts it back`);
    expect(atGoDaddy(DOMAIN)).toEqual([dsOf(DOMAIN, 'K2')]);
  });

  step('4. disable: the DS goes first; signing stops a DS TTL after no parent server serves it, in a later deploy', async () => {
    const steps = await d.deployUntilDone({ retiring: 'K2' }, 'disable', 6);
    expect(steps.some((s) => s.startsWith('stop signing and delete KSK '))).toBe(true);
    expect(atGoDaddy(DOMAIN)).toEqual([]);
    expect(atParent(DOMAIN)).toEqual([[], []]);
    expect(servedKeys(DOMAIN)).toEqual([0, 0]);
    const unsign = control.events.find((e) => e.domain === DOMAIN && e.kind === 'unsign')!;
    const gone = control.events.filter((e) => e.domain === DOMAIN && e.kind === 'parent-ds' && e.ds.length === 0).at(-1)!;
    expect(unsign.at - gone.at).toBeGreaterThanOrEqual(WORLD.dsTtl * 1000);
  });

  step('5. a parent that never shows the new DS: every deploy succeeds with the step pending; past the deadline it is reported failed', async () => {
    const s = deployment(STUCK);
    await s.deployUntilDone({ current: 'S1' }, 'enable', 4);
    control.frozen.add(STUCK);
    const first = await s.deploy({ current: 'S2', retiring: 'S1', deadline: '20s' }, 'roll, registry stuck');
    expect(first.recorded).toMatchObject({ failed: '', released: false });
    expect(first.recorded.step).toMatch(/^await every parent server serving DS \d+ \(published next to old DS \d+\)$/);
    await new Promise((r) => setTimeout(r, 21_000));
    const late = await s.deploy({ current: 'S2', retiring: 'S1', deadline: '20s' }, 'past the deadline');
    expect(late.recorded.failed).toMatch(new RegExp(`^the DNSSEC change of ${STUCK.replace(/\./g, '\\.')} started \\S+ is still pending after 20s: await every parent server serving DS`));
    // `nsbridge plan` lists it as failed, from the state file.
    const state = readState(s.dir, undefined, process.env);
    expect(state.ok && dnssecPendingSteps('rollout', state.values)).toEqual([
      expect.objectContaining({ domain: STUCK, step: expect.stringMatching(/^await every parent server serving DS/), failed: late.recorded.failed }),
    ]);
    // Nothing unsafe: the old DS is still at the parent, both keys still served.
    expect(atParent(STUCK)).toEqual([[dsOf(STUCK, 'S1')], [dsOf(STUCK, 'S1')]]);
    expect(servedKeys(STUCK)).toEqual([2, 2]);
  });
});
