/**
 * The cross-deploy DNSSEC roll-out state (modules/dnssec-rollout.ts) on a REAL engine: the
 * anchors keep the plan time of their first sighting across plans and applies, the decision flips
 * once the clock passes anchor + TTL, and a plan whose decision has not changed is a no-op.
 *
 * Stand-ins: the plan-time read is fixtures/dnssec-read-stub.js (it answers with the "world" the
 * test writes: the registrar's DS set, what every / any parent server serves, the TTLs), the KSKs
 * are `terraform_data` with a DS and DNSKEY, and the CLI is fixtures/ds-stub-cli.js (it logs each
 * `ds set` / `ds clear`). The expressions, anchors and provisioner are the real construct's. The
 * clock is real: TTLs are seconds long, so the test sleeps past them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { NsbridgeCliAsset, SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { dropPerInstanceVersionCheck } from '../../modules/cdktf-internals/version-checks';
import { attributeExpression, DnssecRollout, RolloutKey } from '../../modules/dnssec-rollout';
import { Engine, engineCliConfig, findEngines, newLinesOf, placeSynthesized } from './fixtures/engines';

const CLI = path.join(__dirname, 'fixtures', 'ds-stub-cli.js');
const READ = path.join(__dirname, 'fixtures', 'dnssec-read-stub.js');
/** The DS TTL of the world: long enough that two plans fit in it on a loaded machine. */
const TTL = 25;

const KEYS = {
  K1: { ds: '11111 13 2 AAAA', dnskey: '257 3 13 KEY1' },
  K2: { ds: '22222 13 2 BBBB', dnskey: '257 3 13 KEY2' },
  K3: { ds: '33333 13 2 CCCC', dnskey: '257 3 13 KEY3' },
};
type KeyName = keyof typeof KEYS;

interface World {
  registrar: KeyName[];
  /** Served by every parent server. */
  all: KeyName[];
  /** Served by at least one. */
  any?: KeyName[];
}

const engines = findEngines();
if ('skip' in engines) {
  console.warn(`DNSSEC roll-out state check skipped: ${engines.skip}`);
  test.skip(`DNSSEC roll-out state check skipped: ${engines.skip}`, () => undefined);
} else {
  for (const engine of engines) describeState(engine);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeState(e: Engine): void {
  describe(`the DNSSEC roll-out state under ${e.version}`, () => {
    jest.setTimeout(600_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-dnssec-state-'));
    const cliConfig = engineCliConfig(e, root);
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    function deployment(name: string) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      const log = path.join(dir, 'log');
      const world = path.join(dir, 'world.json');
      fs.writeFileSync(log, '');
      const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', DNSSEC_LOG: log, DNSSEC_WORLD: world };
      const newLines = newLinesOf(log);
      const setWorld = (w: World) => {
        const ds = (names: KeyName[]) => names.map((n) => KEYS[n].ds).join(',');
        fs.writeFileSync(
          world,
          JSON.stringify({ registrar_ds: ds(w.registrar), parent_ds_all: ds(w.all), parent_ds_any: ds(w.any ?? w.all), parent_ds_ttl: String(w.all.length ? TTL : ''), dnskey_ttl: '2' }),
        );
      };
      const synth = (current: KeyName | undefined, retiring: KeyName | undefined): void => {
        const outdir = fs.mkdtempSync(path.join(root, 'out-'));
        const app = new App({ outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
        const stack = new TerraformStack(app, 'state');
        new LocalBackend(stack, { path: 'terraform.tfstate' });
        const domain = new Construct(stack, 'example.com');
        const ksk = (name: KeyName | undefined): RolloutKey | undefined => {
          if (!name) return undefined;
          // Like a real KSK's, its DS and DNSKEY are known only after it is created: timestamp() is
          // unknown at plan (and replaces nothing in the text).
          const unknownUntilApply = (text: string) => `\${replace("${text}", timestamp(), "")}`;
          const r = new DataResource(domain, `ksk-${name}`, {
            input: { ds: unknownUntilApply(KEYS[name].ds), dnskey: unknownUntilApply(KEYS[name].dnskey) },
            lifecycle: { ignoreChanges: ['input'] },
          });
          dropPerInstanceVersionCheck(r);
          return { ds: attributeExpression(r, 'output.ds'), dnskey: attributeExpression(r, 'output.dnskey') };
        };
        new DnssecRollout(domain, 'rollout', {
          domain: 'example.com',
          registrar: 'godaddy',
          current: ksk(current),
          retiring: ksk(retiring),
          cli: NsbridgeCliAsset.of(domain, CLI),
          signedWait: '15m',
          deadline: '72h',
          readProgram: ['node', READ],
        });
        app.synth();
        placeSynthesized(outdir, 'state', dir);
      };
      const tf = (args: string[]) => {
        const r = spawnSync(e.bin, args, { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
        return { code: r.status, output: `${r.stdout}${r.stderr}` };
      };
      let initialised = false;
      const prepare = (current: KeyName | undefined, retiring: KeyName | undefined) => {
        synth(current, retiring);
        if (initialised) return;
        const r = tf(['init', '-input=false', '-no-color']);
        if (r.code !== 0) throw new Error(`${e.bin} init failed:\n${r.output}`);
        initialised = true;
      };
      /** The "ds-rollout" input and the anchors' times, from state. */
      const state = () => {
        const r = tf(['show', '-json']);
        const values = (JSON.parse(r.output) as { values?: { root_module: { resources: { address: string; values: { output?: Record<string, unknown> } }[] } } }).values;
        const byPart = (part: string) => values?.root_module.resources.find((x) => x.address.includes(`_${part}_`))?.values.output;
        return {
          rollout: byPart('ds-rollout') as { step: string; not_before: string; failed: string; released: boolean; drift: string } | undefined,
          newServedAt: byPart('anchor-new-ds-served')?.seen as string | undefined,
          goneAt: byPart('anchor-old-ds-gone')?.seen as string | undefined,
        };
      };
      return {
        setWorld,
        state,
        apply(current: KeyName | undefined, retiring?: KeyName) {
          const r = this.tryApply(current, retiring);
          if (r.code !== 0) throw new Error(`apply failed:\n${r.output}`);
          return r;
        },
        tryApply(current: KeyName | undefined, retiring?: KeyName) {
          prepare(current, retiring);
          const r = tf(['apply', '-input=false', '-auto-approve', '-no-color']);
          return { ...r, log: newLines() };
        },
        /** The stand-in KSKs in state. */
        keysInState(): string[] {
          const r = tf(['state', 'list']);
          return [...r.output.matchAll(/ksk-(K\d)_/g)].map((m) => m[1]!).sort();
        },
        /** Exit code 0: no changes, 2: changes. */
        plan(current: KeyName | undefined, retiring?: KeyName) {
          prepare(current, retiring);
          return tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
        },
      };
    }

    const waitPast = async (iso: string) => {
      const ms = Date.parse(iso) - Date.now() + 1500;
      if (ms > 0) await sleep(ms);
    };

    test('key roll: old and new DS together, the hold anchored at the first plan that saw the new DS everywhere, then the old DS goes', async () => {
      const d = deployment('roll');
      // Steady at K1 (enable).
      d.setWorld({ registrar: [], all: [] });
      expect(d.apply('K1').log).toEqual(['ds set --wait-signed 15m --registrar godaddy --domain example.com --dnskey 257 3 13 KEY1']);
      d.setWorld({ registrar: ['K1'], all: ['K1'] });
      d.apply('K1');
      expect(d.state().rollout?.step).toBe('');
      expect(d.plan('K1').code).toBe(0);

      // Roll to K2: both DS at the registrar; nothing served yet, so nothing to anchor.
      const start = d.apply('K2', 'K1');
      expect(start.log).toEqual(['ds set --wait-signed 15m --registrar godaddy --domain example.com --dnskey 257 3 13 KEY1 --dnskey 257 3 13 KEY2']);
      expect(d.state().rollout?.step).toBe('await every parent server serving DS 22222 (published next to old DS 11111)');
      expect(d.plan('K2', 'K1').code).toBe(0);

      // Every parent server serves both: the anchor records this plan's time; the step waits for the TTL.
      d.setWorld({ registrar: ['K1', 'K2'], all: ['K1', 'K2'] });
      const before = Date.now();
      const seen = d.apply('K2', 'K1');
      // The new anchor's time is unknown until apply, so the decided set is too: "ds-rollout" is
      // replaced and writes the same set again (the registrar already holds it: a no-op write).
      expect(seen.log).toEqual(start.log);
      const first = d.state();
      const anchoredAt = Date.parse(first.newServedAt!);
      expect(anchoredAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(anchoredAt).toBeLessThanOrEqual(Date.now());
      expect(first.rollout?.not_before).toBe(new Date(anchoredAt + TTL * 1000).toISOString().replace('.000Z', 'Z'));
      expect(first.rollout?.step).toBe(`remove old KSK 11111 after ${first.rollout?.not_before}`);
      expect(first.rollout?.released).toBe(false);

      // Before the hold ends: a no-op plan, and the anchor keeps its first time.
      const idle = d.plan('K2', 'K1');
      expect(Date.now()).toBeLessThan(Date.parse(first.rollout!.not_before));
      expect(idle.code).toBe(0);
      d.apply('K2', 'K1');
      expect(d.state().newServedAt).toBe(first.newServedAt);

      // The clock passes: the decision flips, the old DS goes (the new one stays).
      await waitPast(first.rollout!.not_before);
      const flip = d.plan('K2', 'K1');
      expect(flip.code).toBe(2);
      expect(flip.output).toMatch(/ds-rollout_[0-9A-F]{8} must be replaced/);
      // What `cdktf diff` shows: the step recorded, and the next one.
      expect(flip.output).toContain(`"remove old KSK 11111 after ${first.rollout!.not_before}" -> "delete old KSK 11111 once no parent server serves its DS"`);
      const remove = d.apply('K2', 'K1');
      expect(remove.log).toEqual(['ds set --wait-signed 15m --registrar godaddy --domain example.com --dnskey 257 3 13 KEY2']);
      expect(d.state().rollout).toMatchObject({ step: 'delete old KSK 11111 once no parent server serves its DS', released: false });

      // No parent server serves the old DS: the old key is released; then nothing changes.
      d.setWorld({ registrar: ['K2'], all: ['K2'] });
      expect(d.apply('K2', 'K1').log).toEqual([]);
      expect(d.state().rollout).toMatchObject({ step: '', released: true });
      expect(d.plan('K2', 'K1').code).toBe(0);
      expect(d.state().newServedAt).toBe(first.newServedAt);
    });

    test('a registrar that drops the new DS during the hold: the plan shows it, the deploy puts it back, the hold starts again from the next sighting', async () => {
      const d = deployment('drift');
      d.setWorld({ registrar: ['K1'], all: ['K1'] });
      d.apply('K2', 'K1');
      d.setWorld({ registrar: ['K1', 'K2'], all: ['K1', 'K2'] });
      d.apply('K2', 'K1');
      const first = d.state().newServedAt!;
      // Dropped by hand: the registrar and the parent lose K2.
      d.setWorld({ registrar: ['K1'], all: ['K1'], any: ['K1', 'K2'] });
      const drift = d.plan('K2', 'K1');
      expect(drift.code).toBe(2);
      expect(drift.output).toMatch(/ds-rollout_[0-9A-F]{8} must be replaced/);
      // The deploy puts it back, next to the old one.
      const back = d.apply('K2', 'K1');
      expect(back.log).toEqual(['ds set --wait-signed 15m --registrar godaddy --domain example.com --dnskey 257 3 13 KEY1 --dnskey 257 3 13 KEY2']);
      expect(d.state().rollout).toMatchObject({
        step: 'await every parent server serving DS 22222 (published next to old DS 11111)',
        drift: 'godaddy lacks DS 22222 13 2 BBBB: this deploy puts it back',
      });
      await sleep(1500);
      d.setWorld({ registrar: ['K1', 'K2'], all: ['K1', 'K2'] });
      d.apply('K2', 'K1');
      expect(Date.parse(d.state().newServedAt!)).toBeGreaterThan(Date.parse(first));
    });

    test('a second roll while one is under way is refused before anything is written, and the first roll\'s old key stays', () => {
      const d = deployment('second-roll');
      d.setWorld({ registrar: ['K1'], all: ['K1'] });
      d.apply('K1');
      d.apply('K2', 'K1');
      d.setWorld({ registrar: ['K1', 'K2'], all: ['K1', 'K2'] });
      d.apply('K2', 'K1');
      // K3's DS is unknown until it exists, so the check runs at apply, before any registrar write.
      const second = d.tryApply('K3', 'K2');
      expect(second.code).toBe(1);
      expect(second.output.replace(/\s+/g, ' ')).toContain(
        'example.com: the parent zone or godaddy has DS 11111 13 2 AAAA, which no key-signing key in the configuration stands for',
      );
      expect(second.log).toEqual([]);
      expect(d.keysInState()).toEqual(['K1', 'K2', 'K3']);
    });

    test('removing the old key while its DS is served is refused at plan', () => {
      const d = deployment('early-removal');
      d.setWorld({ registrar: ['K1'], all: ['K1'] });
      d.apply('K1');
      d.apply('K2', 'K1');
      d.setWorld({ registrar: ['K1', 'K2'], all: ['K1', 'K2'] });
      const early = d.plan('K2');
      expect(early.code).toBe(1);
      expect(early.output.replace(/\s+/g, ' ')).toContain('has DS 11111 13 2 AAAA, which no key-signing key in the configuration stands for');
      expect(d.keysInState()).toEqual(['K1', 'K2']);
    });

    test('disable: the DS goes first; the key is released a DS TTL after no parent server serves it', async () => {
      const d = deployment('disable');
      d.setWorld({ registrar: ['K1'], all: ['K1'] });
      d.apply('K1');
      const clear = d.apply(undefined, 'K1');
      expect(clear.log).toEqual(['ds clear --registrar godaddy --domain example.com']);
      expect(d.state().rollout).toMatchObject({ step: 'await no parent server serving DS 11111', released: false });
      expect(d.plan(undefined, 'K1').code).toBe(0);

      d.setWorld({ registrar: [], all: [] });
      d.apply(undefined, 'K1');
      const gone = d.state();
      expect(gone.rollout?.not_before).toBe(new Date(Date.parse(gone.goneAt!) + TTL * 1000).toISOString().replace('.000Z', 'Z'));
      expect(gone.rollout?.step).toBe(`stop signing and delete KSK 11111 after ${gone.rollout?.not_before}`);
      expect(d.plan(undefined, 'K1').code).toBe(0);

      await waitPast(gone.rollout!.not_before);
      d.apply(undefined, 'K1');
      expect(d.state().rollout).toMatchObject({ step: '', released: true });
      expect(d.state().goneAt).toBe(gone.goneAt);
      expect(d.plan(undefined, 'K1').code).toBe(0);
    });
  });
}
