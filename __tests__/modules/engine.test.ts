/**
 * The engine check: the delegation's Terraform objects (registrar read, previous-name-server
 * holder, bridge, release guard) applied by a REAL Terraform or OpenTofu, with a stub CLI in place
 * of the nsbridge bundle (fixtures/stub-cli.js: it records every call and keeps the "registrar"
 * in a file). The semantics this relies on (when destroy-time provisioners run, what
 * create_before_destroy and ignore_changes do, destroy order of removed blocks) are the engine's,
 * not cdktf's, so only a real engine can confirm them.
 *
 * No AWS: a `terraform_data` with `triggers_replace` stands in for the zone (its output is the
 * name-server list; changing `generation` replaces it, as a delegation-set change replaces
 * aws_route53_zone).
 *
 * Runs once per engine found: terraform and tofu binaries (NSBRIDGE_TF_BINARY to pick one; else
 * TERRAFORM_BINARY_NAME, `terraform` and `tofu` on the PATH, and the OpenTofu that
 * scripts/e2e/install-tools.sh builds), with the hashicorp/external provider at the version the
 * bindings pin, taken from a filesystem mirror of either registry host (NSBRIDGE_TF_MIRROR, else
 * the engines' implied local mirrors ~/.terraform.d/plugins, ~/.local/share/{terraform,opentofu}/plugins,
 * /usr/{local/,}share/terraform/plugins, or the e2e tools' mirror, which scripts/e2e/run-e2e.sh
 * fills) and laid out in a mirror of the test's own. With no engine or no provider, the file is
 * skipped with the reason (no network registry is assumed).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { dropPerInstanceVersionCheck } from '../../modules/cdktf-internals/version-checks';
import { RetiredDomain } from '../../modules/delegated-domain';
import { DestroyPolicy } from '../../modules/destroy-policy';
import { RegistrarDelegation } from '../../modules/registrar-delegation';
import { RegistrarSettings } from '../../modules/registrar-settings';
import { Engine, EXTERNAL, engineCliConfig, findEngines, placeSynthesized } from './fixtures/engines';

const STUB = path.join(__dirname, 'fixtures', 'stub-cli.js');
const engines = findEngines();
if ('skip' in engines) {
  // Visible in the run's output, not only as a skipped count.
  console.warn(`engine check skipped: ${engines.skip}`);
  test.skip(`engine check skipped: ${engines.skip}`, () => undefined);
} else {
  for (const engine of engines) describeEngine(engine);
}

/** One version of the configuration, as a user would edit domains.yaml between deploys. */
interface Config {
  ns?: string[];
  /** Changing it replaces the stand-in zone (as a delegation-set change replaces a real one). */
  generation?: string;
  policy?: DestroyPolicy;
  settings?: RegistrarSettings;
  retired?: boolean;
  /** The drift read and check (with repairDrift false); off in the lifecycle tests so their call lists stay about the lifecycle. */
  driftCheck?: boolean;
  /** Drift repaired by the next apply (the default); false: report only. */
  repairDrift?: boolean;
}

const OLD_NS = 'ns1.old-dns.example,ns2.old-dns.example';
const ZONE_NS = ['ns-2.awsdns-02.net', 'ns-1.awsdns-01.com'];
const NEW_ZONE_NS = ['ns-4.awsdns-04.org', 'ns-3.awsdns-03.co.uk'];

interface Call {
  argv: string[];
  query?: Record<string, string>;
  env: Record<string, string>;
}
interface Run {
  code: number | null;
  output: string;
  /** "<start|complete|errored> <action> <part>" in the order the engine reported them. */
  events: string[];
  /** The stub CLI calls made by this run. */
  calls: Call[];
}

/** Which part of the delegation an address is (the hash suffix changes with the construct path). */
function partOf(address: string): string {
  const m = /_(zone|registrar-read|drift-read|previous|bridge|release)_[0-9A-F]{8}/.exec(address);
  return m ? m[1]! : address;
}

function describeEngine(e: Engine): void {
  describe(`the delegation under ${e.version} (external provider ${EXTERNAL}: ${e.provider})`, () => {
    jest.setTimeout(180_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-engine-'));
    const cliConfig = engineCliConfig(e, root);
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    /** A working directory with its own state and "registrar", like one deployment. */
    function deployment(name: string) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      const log = path.join(dir, 'calls.jsonl');
      const registrar = path.join(dir, 'registrar');
      fs.writeFileSync(log, '');
      fs.writeFileSync(registrar, OLD_NS);
      // No NSBRIDGE_* variable from outside (this test's own settings included): every one the
      // stub sees must have come from the provisioner's `environment`.
      const outside = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NSBRIDGE_')));
      const env: NodeJS.ProcessEnv = { ...outside, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', STUB_LOG: log, STUB_REGISTRAR: registrar };
      let logged = 0;
      const newCalls = (): Call[] => {
        const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
        const fresh = lines.slice(logged).map((l) => JSON.parse(l) as Call);
        logged = lines.length;
        return fresh;
      };

      /** Synthesize `config` the way the app does and put it where the engine runs. */
      const synth = (config: Config): void => {
        const outdir = fs.mkdtempSync(path.join(root, 'out-'));
        const app = new App({ outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
        const stack = new TerraformStack(app, 'engine');
        new LocalBackend(stack, { path: 'terraform.tfstate' });
        if (config.retired) {
          new RetiredDomain(stack, 'example.com', { cliBundlePath: STUB });
        } else {
          const domain = new Construct(stack, 'example.com');
          const zone = new DataResource(domain, 'zone', {
            triggersReplace: { generation: config.generation ?? '1' },
            input: { name_servers: config.ns ?? ZONE_NS },
            lifecycle: { createBeforeDestroy: true }, // as DelegatedDomain makes the real zone
          });
          dropPerInstanceVersionCheck(zone);
          const delegation = new RegistrarDelegation(domain, 'delegation', {
            domain: 'example.com',
            registrar: 'godaddy',
            nameServers: zone.getListAttribute('output.name_servers'),
            destroyPolicy: config.policy,
            registrarSettings: config.settings,
            driftCheck: config.driftCheck ?? false,
            repairDrift: config.repairDrift,
            delegationSource: 'registrar',
            cliBundlePath: STUB,
          });
          delegation.dependOn(() => [zone]);
        }
        app.synth();
        placeSynthesized(outdir, 'engine', dir);
      };

      const tf = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
        const r = spawnSync(e.bin, args, { cwd: dir, env, encoding: 'utf8', timeout: 150_000 });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };

      const run = (args: string[]): Run => {
        const r = tf([...args, '-input=false', '-auto-approve', '-no-color', '-json']);
        const events: string[] = [];
        const messages: string[] = [];
        for (const line of r.stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          const m = JSON.parse(line) as {
            type: string;
            '@message': string;
            hook?: { action?: string; resource?: { addr: string } };
            diagnostic?: { detail?: string };
          };
          messages.push(m['@message'], ...(m.diagnostic?.detail ? [m.diagnostic.detail] : []));
          const kind = { apply_start: 'start', apply_complete: 'complete', apply_errored: 'errored' }[m.type];
          // Data source reads are reported as apply events too; only resource changes matter here.
          if (kind && m.hook?.resource && m.hook.action !== 'read') events.push(`${kind} ${m.hook.action} ${partOf(m.hook.resource.addr)}`);
        }
        return { code: r.code, output: [...messages, r.stderr].join('\n'), events, calls: newCalls() };
      };

      return {
        registrar: () => fs.readFileSync(registrar, 'utf8'),
        registrarFile: registrar,
        failSet: (on: boolean) => {
          env.STUB_FAIL_SET = on ? '1' : '0';
        },
        apply(config: Config): Run {
          synth(config);
          const init = tf(['init', '-input=false', '-no-color']);
          if (init.code !== 0) throw new Error(`${e.bin} init failed:\n${init.stdout}${init.stderr}`);
          return run(['apply']);
        },
        destroy(config: Config): Run {
          synth(config);
          return run(['destroy']);
        },
        /** Exit code of `plan -detailed-exitcode`: 0 no changes, 2 changes. */
        plan(config: Config): { code: number | null; output: string; calls: Call[] } {
          synth(config);
          const r = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
          return { code: r.code, output: r.stdout + r.stderr, calls: newCalls() };
        },
        /** The state's resources by part: { previous: values, release: values, ... }. */
        state(): Record<string, Record<string, any>> {
          const r = tf(['show', '-json']);
          const resources = (JSON.parse(r.stdout).values?.root_module?.resources ?? []) as { address: string; values: Record<string, any> }[];
          return Object.fromEntries(resources.map((res) => [partOf(res.address), res.values]));
        },
      };
    }

    const commands = (calls: Call[]): string[] => calls.map((c) => c.argv[0]!);
    const flag = (call: Call | undefined, name: string): string | undefined => {
      const i = call?.argv.indexOf(`--${name}`) ?? -1;
      return i >= 0 ? call!.argv[i + 1] : undefined;
    };
    const before = (events: string[], a: string, b: string): boolean => {
      const i = events.indexOf(a);
      const j = events.indexOf(b);
      if (i < 0 || j < 0) throw new Error(`expected both "${a}" and "${b}" in ${JSON.stringify(events)}`);
      return i < j;
    };

    test('first apply records the previous name servers before setting, second plan is clean, a name-server change only sets, destroy restores', () => {
      const d = deployment('lifecycle');
      const settings = { sandbox: true };

      // First apply: read at plan time, holder and guard created, then `set`.
      const first = d.apply({ settings });
      expect(first.code).toBe(0);
      expect(commands(first.calls)).toEqual(['terraform-external', 'set']);
      // The stack's one read for its registrar account (batch mode: one domain here).
      expect(first.calls[0]!.query).toEqual({
        registrar: 'godaddy',
        domains: 'example.com',
        NSBRIDGE_GODADDY_SANDBOX: '1',
        source: 'registrar',
      });
      expect(flag(first.calls[1], 'ns')).toBe('ns-1.awsdns-01.com,ns-2.awsdns-02.net');
      expect(first.calls[1]!.env).toEqual({ NSBRIDGE_GODADDY_SANDBOX: '1' });
      expect(before(first.events, 'complete create previous', 'start create bridge')).toBe(true);
      let state = d.state();
      expect(state.previous!.output).toEqual({ name_servers: OLD_NS });
      expect(state.release!.input).toMatchObject({ previous: OLD_NS, policy: 'restore', name_servers: ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net'] });
      expect(d.registrar()).toBe('ns-1.awsdns-01.com,ns-2.awsdns-02.net');

      // Second plan: the registrar now answers with the zone's name servers, and nothing changes.
      const second = d.plan({ settings });
      expect(second.output).toMatch(/No changes/);
      expect(second.code).toBe(0);
      expect(commands(second.calls)).toEqual(['terraform-external']); // read on every plan: the cost of recording

      // The zone is replaced and gets new name servers: the bridge is replaced and runs `set` only.
      const change = d.apply({ settings, generation: '2', ns: NEW_ZONE_NS });
      expect(change.code).toBe(0);
      expect(commands(change.calls)).toEqual(['terraform-external', 'set']);
      expect(flag(change.calls[1], 'ns')).toBe('ns-3.awsdns-03.co.uk,ns-4.awsdns-04.org');
      // ...the registrar moves to the new zone before the old zone is deleted...
      expect(before(change.events, 'complete create bridge', 'start delete zone')).toBe(true);
      // ...and the guard is updated in place, keeping the first recorded value.
      expect(change.events).toContain('complete update release');
      expect(change.events.filter((ev) => / (create|delete) (release|previous)$/.test(ev))).toEqual([]);
      state = d.state();
      expect(state.release!.input).toMatchObject({ previous: OLD_NS, name_servers: ['ns-3.awsdns-03.co.uk', 'ns-4.awsdns-04.org'] });
      expect(d.plan({ settings, generation: '2', ns: NEW_ZONE_NS }).code).toBe(0);

      // A settings change re-runs `set` with the new environment, and never `release`.
      const settingsChange = d.apply({ settings: { sandbox: false }, generation: '2', ns: NEW_ZONE_NS });
      expect(settingsChange.code).toBe(0);
      expect(commands(settingsChange.calls)).toEqual(['terraform-external', 'set']);
      expect(settingsChange.calls[1]!.env).toEqual({ NSBRIDGE_GODADDY_SANDBOX: '0' });

      // Destroy: release restores the recorded name servers, with the settings from state, before the zone goes.
      const destroy = d.destroy({ settings: { sandbox: false }, generation: '2', ns: NEW_ZONE_NS });
      expect(destroy.code).toBe(0);
      const release = destroy.calls.find((c) => c.argv[0] === 'release');
      expect(release?.argv).toEqual([
        'release', '--registrar', 'godaddy', '--domain', 'example.com',
        '--ns', 'ns-3.awsdns-03.co.uk,ns-4.awsdns-04.org', '--policy', 'restore', '--previous', OLD_NS,
      ]);
      expect(release?.env).toEqual({ NSBRIDGE_GODADDY_SANDBOX: '0' });
      expect(before(destroy.events, 'complete delete release', 'start delete zone')).toBe(true);
      expect(d.registrar()).toBe(OLD_NS);
      expect(d.state()).toEqual({});
    });

    test('drift repaired: a no-op plan stays clean; a hand change replaces the bridge, the apply sets it again, the next plan is clean', () => {
      const d = deployment('repair');
      const config: Config = {};
      const first = d.apply(config);
      expect(first.code).toBe(0);
      // One read per plan (the restore record and the repair decision share it), then `set`.
      expect(commands(first.calls)).toEqual(['terraform-external', 'set']);
      expect(first.calls[0]!.query).toEqual({ registrar: 'godaddy', domains: 'example.com', source: 'registrar' });

      // No-op: one read, no change, nothing read during apply (exit 0 with -detailed-exitcode).
      const clean = d.plan(config);
      expect(clean.code).toBe(0);
      expect(clean.output).not.toMatch(/will be read during apply|must be replaced/);
      expect(commands(clean.calls)).toEqual(['terraform-external']);

      // A hand change: the plan replaces the bridge (the repair trigger is known only at apply).
      fs.writeFileSync(d.registrarFile, 'ns1.hijack.example,ns2.hijack.example');
      const drifted = d.plan(config);
      expect(drifted.code).toBe(2);
      expect(drifted.output).toMatch(/bridge\S* must be replaced/);
      expect(drifted.output).toMatch(/repair\s+= "none" -> \(known after apply\)/);

      // The apply sets the delegation again: the only command besides the read is `set`.
      const repair = d.apply(config);
      expect(repair.code).toBe(0);
      expect(commands(repair.calls)).toEqual(['terraform-external', 'set']);
      expect(d.registrar()).toBe('ns-1.awsdns-01.com,ns-2.awsdns-02.net');
      expect(repair.events.filter((ev) => / (create|delete) /.test(ev))).toEqual(['start create bridge', 'complete create bridge', 'start delete bridge', 'complete delete bridge']);

      // ...and remembers it: the next plan is clean.
      const after = d.plan(config);
      expect(after.code).toBe(0);
      expect(after.output).not.toMatch(/must be replaced|will be read during apply/);
      expect(d.destroy(config).code).toBe(0);
    });

    test('drift reported only (repairDrift false): read after `set` (no warning after an apply), a no-op plan stays clean, a hand change warns without planning a change, the repair clears it', () => {
      const d = deployment('drift');
      const config: Config = { driftCheck: true, repairDrift: false };
      const first = d.apply(config);
      expect(first.code).toBe(0);
      // The drift read comes after `set`: the bridge's id is in its query, unknown until the bridge exists.
      expect(commands(first.calls)).toEqual(['terraform-external', 'set', 'terraform-external']);
      expect(first.calls[2]!.query).toMatchObject({ expected_name_servers: 'ns-1.awsdns-01.com,ns-2.awsdns-02.net' });
      expect(first.output).not.toMatch(/Check block assertion/);

      // No-op: both reads at plan time, nothing to do, no warning, exit 0 with -detailed-exitcode.
      const clean = d.plan(config);
      expect(clean.code).toBe(0);
      expect(clean.output).toMatch(/No changes/);
      expect(clean.output).not.toMatch(/Check block assertion|will be read during apply/);
      expect(commands(clean.calls)).toEqual(['terraform-external', 'terraform-external']);

      // Someone changes the registrar by hand: the plan warns, names both sets, and still plans no change.
      fs.writeFileSync(d.registrarFile, 'ns1.hijack.example,ns2.hijack.example');
      const drifted = d.plan(config);
      expect(drifted.code).toBe(0);
      expect(drifted.output).toMatch(/No changes/);
      expect(drifted.output).toMatch(/Check block assertion failed/);
      expect(drifted.output.replace(/\s+/g, ' ')).toMatch(/drift \(stub\): example\.com delegates to ns1\.hijack\.example,ns2\.hijack\.example, the stack set ns-1\.awsdns-01\.com,ns-2\.awsdns-02\.net/);

      // The repair (the same `set` the bridge runs) puts it back, and the warning goes.
      fs.writeFileSync(d.registrarFile, 'ns-2.awsdns-02.net,ns-1.awsdns-01.com');
      const repaired = d.plan(config);
      expect(repaired.code).toBe(0);
      expect(repaired.output).not.toMatch(/Check block assertion/);

      // A name-server change: the drift read happens after the new `set`, so the apply ends without a warning.
      const change = d.apply({ ...config, generation: '2', ns: NEW_ZONE_NS });
      expect(change.code).toBe(0);
      expect(commands(change.calls)).toEqual(['terraform-external', 'set', 'terraform-external']);
      expect(change.output).not.toMatch(/Check block assertion/);
      expect(d.destroy({ ...config, generation: '2', ns: NEW_ZONE_NS }).code).toBe(0);
    });

    test('retain: a policy change is an in-place update; destroy runs release --policy retain before the zone goes', () => {
      const d = deployment('retain');
      expect(d.apply({}).code).toBe(0);
      const change = d.apply({ policy: 'retain' });
      expect(change.code).toBe(0);
      expect(change.events).toEqual(['start update release', 'complete update release']);
      expect(commands(change.calls)).toEqual(['terraform-external']);
      const destroy = d.destroy({ policy: 'retain' });
      expect(destroy.code).toBe(0);
      const release = destroy.calls.find((c) => c.argv[0] === 'release');
      expect(flag(release, 'policy')).toBe('retain');
      expect(flag(release, 'previous')).toBe(OLD_NS);
      expect(before(destroy.events, 'complete delete release', 'start delete zone')).toBe(true);
      expect(d.registrar()).toBe('ns-1.awsdns-01.com,ns-2.awsdns-02.net'); // left as it was
    });

    test('refuse: the destroy fails at the release step and the zone is not deleted; a name-server change is not blocked', () => {
      const d = deployment('refuse');
      expect(d.apply({ policy: 'refuse' }).code).toBe(0);
      const change = d.apply({ policy: 'refuse', generation: '2', ns: NEW_ZONE_NS });
      expect(change.code).toBe(0);
      expect(commands(change.calls)).toEqual(['terraform-external', 'set']);

      const destroy = d.destroy({ policy: 'refuse', generation: '2', ns: NEW_ZONE_NS });
      expect(destroy.code).not.toBe(0);
      expect(destroy.output).toMatch(/destroy refused by destroy policy "refuse"/);
      expect(flag(destroy.calls.find((c) => c.argv[0] === 'release'), 'policy')).toBe('refuse');
      expect(destroy.events).not.toContain('start delete zone');
      expect(Object.keys(d.state())).toEqual(expect.arrayContaining(['zone', 'release']));
    });

    test('retired: the next apply runs release with the recorded values, then deletes the zone; then the entry can go', () => {
      const d = deployment('retired');
      expect(d.apply({ settings: { shopperId: '4242' } }).code).toBe(0);
      const retire = d.apply({ retired: true });
      expect(retire.code).toBe(0);
      expect(commands(retire.calls)).toEqual(['release']);
      expect(retire.calls[0]!.argv).toEqual([
        'release', '--registrar', 'godaddy', '--domain', 'example.com',
        '--ns', 'ns-1.awsdns-01.com,ns-2.awsdns-02.net', '--policy', 'restore', '--previous', OLD_NS,
      ]);
      expect(retire.calls[0]!.env).toEqual({ NSBRIDGE_GODADDY_SHOPPER_ID: '4242' });
      expect(before(retire.events, 'complete delete release', 'start delete zone')).toBe(true);
      expect(d.registrar()).toBe(OLD_NS);
      expect(d.state()).toEqual({});
      // Nothing is left for the retired entry to do: plans are clean with it and without it.
      expect(d.plan({ retired: true }).code).toBe(0);
    });

    test('a failed first `set` still leaves the release guard in state, so a later destroy carries out the policy', () => {
      const d = deployment('failed-set');
      d.failSet(true);
      const first = d.apply({});
      expect(first.code).not.toBe(0);
      expect(first.output).toMatch(/pre-flight failed \(stub\)/);
      expect(Object.keys(d.state())).toEqual(expect.arrayContaining(['previous', 'release']));
      d.failSet(false);
      const destroy = d.destroy({});
      expect(destroy.code).toBe(0);
      expect(flag(destroy.calls.find((c) => c.argv[0] === 'release'), 'previous')).toBe(OLD_NS);
    });
  });
}
