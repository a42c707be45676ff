/**
 * The DNSSEC safe order on a REAL Terraform/OpenTofu: enable (sign, then publish the DS), key roll
 * (the new DS before the old key goes), disable (the DS removed before signing stops), destroy
 * (the DS removed before the name-server release and before signing stops).
 *
 * moto cannot create key-signing keys, and the order is the engine's doing anyway: the KSK and
 * `aws_route53_hosted_zone_dnssec` are `terraform_data` stand-ins whose provisioners log
 * "ksk create/delete <key>" and "sign"/"unsign", the name-server bridge and release are stand-ins
 * logging "ns set"/"ns release", and the CLI bundle is fixtures/ds-stub-cli.js, which logs each
 * `ds set`/`ds clear` call to the same file. The DnssecDelegation construct is the real one.
 *
 * Needs only the engine (terraform_data is built in, no provider): NSBRIDGE_TF_BINARY, else
 * TERRAFORM_BINARY_NAME, terraform, tofu on the PATH, or the e2e tools' OpenTofu. Skipped with the
 * reason when there is none.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { dropPerInstanceVersionCheck } from '../../modules/cdktf-internals/version-checks';
import { DnssecDelegation, RetiredDnssecDelegation } from '../../modules/dnssec-delegation';
import { newLinesOf, placeSynthesized } from './fixtures/engines';

const STUB = path.join(__dirname, 'fixtures', 'ds-stub-cli.js');
const E2E_TOOLS = process.env.NSBRIDGE_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nsbridge-tools');

function findEngine(): { bin: string; version: string } | { skip: string } {
  const binaries = process.env.NSBRIDGE_TF_BINARY
    ? [process.env.NSBRIDGE_TF_BINARY]
    : [process.env.TERRAFORM_BINARY_NAME, 'terraform', 'tofu', path.join(E2E_TOOLS, 'bin', 'tofu')].filter((b): b is string => !!b);
  for (const bin of binaries) {
    const r = spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    if (r.status === 0) return { bin, version: r.stdout.split('\n')[0]!.trim() };
  }
  return { skip: `no terraform/tofu binary found (tried ${binaries.join(', ')}); set NSBRIDGE_TF_BINARY` };
}

const engine = findEngine();
if ('skip' in engine) {
  console.warn(`DNSSEC order check skipped: ${engine.skip}`);
  test.skip(`DNSSEC order check skipped: ${engine.skip}`, () => undefined);
} else {
  describeOrder(engine);
}

/** One version of the configuration. */
interface Config {
  /** undefined: DNSSEC off. Otherwise the key "generation" (a new one = a key roll). */
  key?: string;
  /** The removal hold (also `ds set --hold-replaced`); default 1s. */
  removalHold?: string;
}

function describeOrder(e: { bin: string; version: string }): void {
  describe(`the DNSSEC order under ${e.version}`, () => {
    jest.setTimeout(180_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-dnssec-order-'));
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    function deployment(name: string) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      const log = path.join(dir, 'log');
      fs.writeFileSync(log, '');
      const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', DNSSEC_LOG: log };
      const newLines = newLinesOf(log);
      const logged = (what: string) => `node "${STUB}" ${what}`;

      const synth = (config: Config): void => {
        const outdir = fs.mkdtempSync(path.join(root, 'out-'));
        const app = new App({ outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
        const stack = new TerraformStack(app, 'order');
        new LocalBackend(stack, { path: 'terraform.tfstate' });
        const domain = new Construct(stack, 'example.com');
        const data = (id: string, props: ConstructorParameters<typeof DataResource>[2]) => {
          const r = new DataResource(domain, id, props);
          dropPerInstanceVersionCheck(r);
          return r;
        };
        // The zone and the name-server bridge / release guard, as RegistrarDelegation makes them.
        const zone = data('zone', { input: { v: 'zone' } });
        const zoneOut = zone.getStringAttribute('output.v');
        const nsBridge = data('ns-bridge', { triggersReplace: { zone: zoneOut }, provisioners: [{ type: 'local-exec', command: logged('ns set') }] });
        const nsRelease = data('ns-release', { input: { zone: zoneOut }, provisioners: [{ type: 'local-exec', when: 'destroy', command: logged('ns release') }] });
        if (config.key === undefined) {
          new RetiredDnssecDelegation(domain, 'dnssec', { cliBundlePath: STUB });
        } else {
          // The KSK: replaced (create before destroy) by a new key, as ZoneSigning's is. Its
          // deletion is seen in the engine's events: Terraform runs no destroy-time provisioner of
          // a create_before_destroy resource, nor of a block removed from the configuration.
          const ksk = data('key-signing-key', {
            triggersReplace: { key: config.key, zone: zoneOut },
            input: { dnskey: `257 3 13 ${config.key}` },
            lifecycle: { createBeforeDestroy: true },
            provisioners: [{ type: 'local-exec', command: logged(`ksk create ${config.key}`) }],
          });
          // aws_route53_hosted_zone_dnssec: depends on the KSK, unchanged by a roll.
          const signing = data('signing', { input: { zone: zoneOut }, dependsOn: [ksk], provisioners: [{ type: 'local-exec', command: logged('sign') }] });
          new DnssecDelegation(domain, 'dnssec', {
            domain: 'example.com',
            registrar: 'godaddy',
            dnskey: ksk.getStringAttribute('output.dnskey'),
            signedBy: [ksk, signing],
            delegatedBy: [nsBridge],
            releasedBy: [nsRelease],
            removalHold: config.removalHold ?? '1s',
            cliBundlePath: STUB,
          });
        }
        app.synth();
        placeSynthesized(outdir, 'order', dir);
      };

      /** The log lines and the engine's resource events, merged in the order they happened. */
      const run = (args: string[]): { code: number | null; output: string; log: string[]; events: string[] } => {
        const r = tf([...args, '-input=false', '-auto-approve', '-no-color', '-json']);
        const events: string[] = [];
        const messages: string[] = [];
        for (const line of r.output.split('\n')) {
          if (!line.startsWith('{')) continue;
          const m = JSON.parse(line) as { type: string; '@message': string; hook?: { action?: string; resource?: { addr: string } } };
          messages.push(m['@message']);
          const kind = { apply_start: 'start', apply_complete: 'complete', apply_errored: 'errored' }[m.type];
          const part = /_([a-z-]+)_[0-9A-F]{8}/.exec(m.hook?.resource?.addr ?? '')?.[1] ?? m.hook?.resource?.addr;
          if (kind && m.hook?.action !== 'read') events.push(`${kind} ${m.hook!.action} ${part}`);
        }
        return { code: r.code, output: messages.join('\n'), log: newLines(), events };
      };

      const tf = (args: string[]) => {
        const r = spawnSync(e.bin, args, { cwd: dir, env, encoding: 'utf8', timeout: 150_000 });
        return { code: r.status, output: `${r.stdout}${r.stderr}` };
      };
      const init = () => {
        const r = tf(['init', '-input=false', '-no-color']);
        if (r.code !== 0) throw new Error(`${e.bin} init failed:\n${r.output}`);
      };

      return {
        apply(config: Config) {
          synth(config);
          init();
          return run(['apply']);
        },
        destroy(config: Config) {
          synth(config);
          init();
          return run(['destroy']);
        },
        plan(config: Config): { code: number | null; output: string } {
          synth(config);
          init();
          return tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
        },
      };
    }

    /** The index of the first log line starting with `prefix` (fails the test when there is none). */
    const at = (log: string[], prefix: string): number => {
      const i = log.findIndex((l) => l.startsWith(prefix));
      if (i < 0) throw new Error(`expected a line starting with "${prefix}" in:\n${log.join('\n')}`);
      return i;
    };

    /** Index of an engine event, e.g. "complete delete ds-release" (fails the test when absent). */
    const ev = (events: string[], event: string): number => {
      const i = events.indexOf(event);
      if (i < 0) throw new Error(`expected the event "${event}" in:\n${events.join('\n')}`);
      return i;
    };

    test('enable, roll, disable: sign before ds set; the new DS before the old key goes; ds clear (with its hold) before signing stops', () => {
      const d = deployment('lifecycle');

      // Enable: the KSK and signing, the delegation, then the DS (with --wait-signed).
      const enable = d.apply({ key: 'KEY1' });
      expect(enable.code).toBe(0);
      expect(at(enable.log, 'sign')).toBeLessThan(at(enable.log, 'ds set'));
      expect(at(enable.log, 'ksk create KEY1')).toBeLessThan(at(enable.log, 'ds set'));
      expect(at(enable.log, 'ns set')).toBeLessThan(at(enable.log, 'ds set'));
      expect(enable.log[at(enable.log, 'ds set')]).toBe('ds set --registrar godaddy --domain example.com --dnskey 257 3 13 KEY1 --wait-signed 15m --hold-replaced 1s');
      expect(enable.log.filter((l) => l.startsWith('ds clear'))).toEqual([]);
      expect(d.plan({ key: 'KEY1' }).code).toBe(0); // nothing left to do
      // Another hold: the bridge's command (--hold-replaced) is no trigger, so the bridge is not
      // replaced (no ds set runs); only the release guard's input is updated in place.
      const holdChange = d.plan({ key: 'KEY1', removalHold: '2h' });
      expect(holdChange.output).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
      expect(holdChange.output).toMatch(/ds-release_[0-9A-F]{8} will be updated in-place/);
      expect(holdChange.output).not.toMatch(/ds-bridge_[0-9A-F]{8} (must be replaced|will be)/);

      // Roll: the new KSK, the new DS published, and only then the old KSK deleted; signing never stops.
      const roll = d.apply({ key: 'KEY2' });
      expect(roll.code).toBe(0);
      expect(roll.log).toEqual(['ksk create KEY2', 'ds set --registrar godaddy --domain example.com --dnskey 257 3 13 KEY2 --wait-signed 15m --hold-replaced 1s']);
      expect(ev(roll.events, 'complete create ds-bridge')).toBeLessThan(ev(roll.events, 'start delete key-signing-key'));
      expect(roll.events.filter((x) => / (signing|ds-release|ns-bridge|ns-release)$/.test(x))).toEqual([]);

      // Disable: the DS goes (wait + hold), then signing stops, then the KSK goes.
      const disable = d.apply({});
      expect(disable.code).toBe(0);
      expect(disable.log).toEqual(['ds clear --registrar godaddy --domain example.com --wait 1h --hold 1s']);
      expect(ev(disable.events, 'complete delete ds-release')).toBeLessThan(ev(disable.events, 'start delete signing'));
      expect(ev(disable.events, 'complete delete ds-release')).toBeLessThan(ev(disable.events, 'start delete key-signing-key'));
      expect(ev(disable.events, 'complete delete signing')).toBeLessThan(ev(disable.events, 'start delete key-signing-key'));
      // The count = 0 guard left behind plans nothing, now and for ever.
      expect(d.plan({}).code).toBe(0);
    });

    test('a domain that never had DNSSEC: the count = 0 guard plans nothing and runs nothing', () => {
      const d = deployment('never');
      const first = d.apply({});
      expect(first.code).toBe(0);
      expect(first.log).toEqual(['ns set']);
      expect(first.events.filter((x) => x.includes('ds-'))).toEqual([]);
      expect(d.plan({}).code).toBe(0);
    });

    test('destroy: the DS is removed before the name-server release and before signing stops', () => {
      const d = deployment('destroy');
      expect(d.apply({ key: 'KEY1' }).code).toBe(0);
      const destroy = d.destroy({ key: 'KEY1' });
      expect(destroy.code).toBe(0);
      expect(destroy.log).toEqual(['ds clear --registrar godaddy --domain example.com --wait 1h --hold 1s', 'ns release']);
      expect(ev(destroy.events, 'complete delete ds-release')).toBeLessThan(ev(destroy.events, 'start delete ns-release'));
      expect(ev(destroy.events, 'complete delete ds-release')).toBeLessThan(ev(destroy.events, 'start delete signing'));
      expect(ev(destroy.events, 'complete delete signing')).toBeLessThan(ev(destroy.events, 'start delete key-signing-key'));
    });
  });
}
