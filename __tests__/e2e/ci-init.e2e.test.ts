/**
 * The pipelines' one lock-file block, run as the CI systems run it, under the suite's engine (the
 * `ENGINE` the pipelines would name; docs/ci.md, "OpenTofu or Terraform: the engine switch"):
 * the GitHub action's init step (examples/ci/github/actions/nsbridge-init/action.yml) and GitLab's
 * `.init-every-stack` anchor (examples/ci/gitlab/.gitlab-ci.yml), taken from the shipped files and
 * run by bash with the CI systems' flags, in a directory with a real synthesized two-stack app:
 *
 *  1. no committed lock file: both stop (exit 1) before any init, naming the file and the fix
 *     ('<engine> providers lock');
 *  2. lock files committed: both copy them into every stack and `init -lockfile=readonly` succeeds
 *     with the providers the lock file names;
 *  3. a lock file that lacks a provider the stack needs: `init -lockfile=readonly` refuses it and
 *     the block fails (plain `init` would add the provider: shown first, so the check can fail).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../ci/validators';
import { describeE2e, E2eWorld, ENGINE_BIN, explain, REPO_ROOT, run, RunResult, scenarioChain } from './harness';

const CI = path.join(REPO_ROOT, 'examples', 'ci');
const action = parseYaml(fs.readFileSync(path.join(CI, 'github', 'actions', 'nsbridge-init', 'action.yml'), 'utf8'), 'action.yml').value;
const gitlab = parseYaml(fs.readFileSync(path.join(CI, 'gitlab', '.gitlab-ci.yml'), 'utf8'), '.gitlab-ci.yml').value;
const BLOCKS: Record<string, string> = {
  // GitHub runs a composite step's `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
  github: action.runs.steps.find((s: any) => s.name === 'Init every stack from its committed lock file').run,
  // GitLab's runner puts script lines in one bash script with `set -eo pipefail`.
  gitlab: gitlab['.init-every-stack'],
};
const STACKS = ['alpha', 'beta'];
const config = `version: 1
stacks:
  alpha: {}
  beta: {}
domains:
  - { name: nsb-ci-a.com, registrar: godaddy, stack: alpha }
  - { name: nsb-ci-b.com, registrar: namecheap, stack: beta }
`;

describeE2e('e2e: the pipelines\' lock-file block (GitHub action, GitLab anchor)', () => {
  let w: E2eWorld;
  const { step, keepWorld } = scenarioChain();
  const engine = path.basename(ENGINE_BIN); // the binary's name, as ENGINE holds it
  const stackDir = (stack: string) => path.join(w.dir, 'cdktf.out', 'stacks', stack);
  const ok = (r: RunResult) => expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
  const block = (ci: string) => run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', BLOCKS[ci]], { cwd: w.dir, env: { ...w.env(), ENGINE: engine }, logFile: w.logFile });
  const clean = () => {
    for (const s of STACKS) {
      fs.rmSync(path.join(stackDir(s), '.terraform'), { recursive: true, force: true });
      fs.rmSync(path.join(stackDir(s), '.terraform.lock.hcl'), { force: true });
    }
  };
  const locked = (s: string) => fs.readFileSync(path.join(w.dir, 'locks', `${s}.terraform.lock.hcl`), 'utf8');

  beforeAll(async () => {
    w = await E2eWorld.start('ci-init');
    w.writeConfig(config);
    ok(await w.cdktf(['synth']));
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(w.dir, 'cdktf.out', 'manifest.json'), 'utf8')).stacks).sort()).toEqual(STACKS);
  });
  afterAll(async () => {
    await w?.close(keepWorld());
  });

  for (const ci of Object.keys(BLOCKS)) {
    step(`1. ${ci}: no committed lock file: exit 1 before any init, naming the file and '<engine> providers lock'`, async () => {
      clean();
      const r = await block(ci);
      expect(r.code).toBe(1);
      const prefix = ci === 'github' ? '::error title=nsbridge::' : '';
      expect(r.stdout).toContain(`${prefix}locks/alpha.terraform.lock.hcl is missing: make it with '${engine} providers lock' and commit it (docs/ci.md, Provider lock files)`);
      for (const s of STACKS) expect({ s, initialised: fs.existsSync(path.join(stackDir(s), '.terraform')) }).toEqual({ s, initialised: false });
    });
  }

  step('the lock files, made by the engine (init in each stack, as docs/ci.md does before providers lock) and committed', async () => {
    clean();
    fs.mkdirSync(path.join(w.dir, 'locks'), { recursive: true });
    for (const s of STACKS) {
      ok(await run(ENGINE_BIN, [`-chdir=${stackDir(s)}`, 'init', '-input=false', '-backend=false', '-no-color'], { env: w.env(), logFile: w.logFile }));
      fs.copyFileSync(path.join(stackDir(s), '.terraform.lock.hcl'), path.join(w.dir, 'locks', `${s}.terraform.lock.hcl`));
      expect(locked(s)).toMatch(/provider "registry\.(opentofu\.org|terraform\.io)\/hashicorp\/aws"/);
    }
  });

  for (const ci of Object.keys(BLOCKS)) {
    step(`2. ${ci}: lock files committed: every stack gets its lock file and init -lockfile=readonly succeeds`, async () => {
      clean();
      ok(await block(ci));
      for (const s of STACKS) {
        expect(fs.readFileSync(path.join(stackDir(s), '.terraform.lock.hcl'), 'utf8')).toBe(locked(s));
        expect({ s, providers: fs.readdirSync(path.join(stackDir(s), '.terraform', 'providers')).length > 0 }).toEqual({ s, providers: true });
      }
    });
  }

  /** beta's lock file without one of the providers the stack needs (a provider added in a branch without a new lock file). */
  const withoutOneProvider = (good: string) => {
    const bad = good.replace(/provider "registry\.(opentofu\.org|terraform\.io)\/hashicorp\/external" \{[\s\S]*?\n\}\n/, '');
    expect(bad).not.toBe(good);
    return bad;
  };

  step('the check that follows can fail: without -lockfile=readonly, init takes that lock file and adds the provider', async () => {
    clean();
    fs.writeFileSync(path.join(stackDir('beta'), '.terraform.lock.hcl'), withoutOneProvider(locked('beta')));
    ok(await run(ENGINE_BIN, [`-chdir=${stackDir('beta')}`, 'init', '-input=false', '-no-color'], { env: w.env(), logFile: w.logFile }));
    expect(fs.readFileSync(path.join(stackDir('beta'), '.terraform.lock.hcl'), 'utf8')).toMatch(/hashicorp\/external/);
  });

  for (const ci of Object.keys(BLOCKS)) {
    step(`3. ${ci}: a lock file that lacks a provider the stack needs: init -lockfile=readonly refuses it, the block fails`, async () => {
      clean();
      const good = locked('beta');
      const bad = withoutOneProvider(good);
      fs.writeFileSync(path.join(w.dir, 'locks', 'beta.terraform.lock.hcl'), bad);
      try {
        const r = await block(ci);
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/hashicorp\/external/);
        expect(fs.readFileSync(path.join(stackDir('beta'), '.terraform.lock.hcl'), 'utf8')).toBe(bad); // readonly: not rewritten
      } finally {
        fs.writeFileSync(path.join(w.dir, 'locks', 'beta.terraform.lock.hcl'), good);
      }
    });
  }
});
