/**
 * `nsbridge apply <planfile>` with a real engine (OpenTofu from the e2e tools cache; skipped when
 * it is not built): a saved plan is applied as it is; a stale one (the state changed after
 * planning) is refused with exit 2 and nothing of it applied. The stack is built-in
 * `terraform_data` only, so no provider is needed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const TOOLS = process.env.NSBRIDGE_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nsbridge-tools');
const TOFU = path.join(TOOLS, 'bin', 'tofu');
const maybe = fs.existsSync(TOFU) ? describe : describe.skip;

maybe('nsbridge apply (saved plans)', () => {
  let dir: string;
  const env = () => baseEnv({ NSBRIDGE_TERRAFORM_BINARY: TOFU, TF_CLI_CONFIG_FILE: path.join(TOOLS, 'tofurc'), CHECKPOINT_DISABLE: '1' });
  const tofu = (...args: string[]) => {
    const r = spawnSync(TOFU, args, { cwd: dir, env: env(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tofu ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const config = (value: string) =>
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { marker: { triggers_replace: value, provisioner: [{ 'local-exec': { command: `echo ${value} >> applied.txt` } }] } } } }));
  const applied = () => (fs.existsSync(path.join(dir, 'applied.txt')) ? fs.readFileSync(path.join(dir, 'applied.txt'), 'utf8').split('\n').filter(Boolean) : []);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-apply-'));
    config('one');
    tofu('init', '-input=false', '-no-color');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('applies the saved plan as it is', async () => {
    tofu('plan', '-input=false', '-out=plan.tfplan');
    const r = await runCli(['apply', path.join(dir, 'plan.tfplan')], env());
    expect(r.stderr).toMatch(/nsbridge: applying .*plan\.tfplan \(stack nsbridge-apply-/);
    expect(r.code).toBe(0);
    expect(applied()).toEqual(['one']);
  }, 60_000);

  test('a stale plan (another run applied after it was made) is refused: exit 2, nothing applied', async () => {
    config('two');
    tofu('plan', '-input=false', '-out=old.tfplan');
    config('three');
    tofu('apply', '-input=false', '-auto-approve'); // another deploy in between
    const r = await runCli(['apply', path.join(dir, 'old.tfplan')], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nsbridge: .*old\.tfplan: stale plan: the state of stack \S+ changed after this plan was made \(another deploy ran\); nothing of it was applied\. Plan again, review the new plan, then deploy it/);
    expect(applied()).toEqual(['one', 'three']);
  }, 60_000);

  test('a plan from another configuration (another stack\'s state) is refused: exit 2, nothing applied', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-apply-other-'));
    try {
      fs.writeFileSync(path.join(other, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { other: { triggers_replace: 'x', provisioner: [{ 'local-exec': { command: `echo other >> ${JSON.stringify(path.join(dir, 'applied.txt'))}` } }] } } } }));
      const inOther = (...args: string[]) => spawnSync(TOFU, args, { cwd: other, env: env(), encoding: 'utf8' });
      expect(inOther('init', '-input=false', '-no-color').status).toBe(0);
      expect(inOther('apply', '-input=false', '-auto-approve', '-no-color').status).toBe(0); // a state of its own
      fs.writeFileSync(path.join(other, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { other: { triggers_replace: 'y' } } } }));
      expect(inOther('plan', '-input=false', '-no-color', '-out=other.tfplan').status).toBe(0);
      fs.copyFileSync(path.join(other, 'other.tfplan'), path.join(dir, 'other.tfplan'));
      const before = applied();
      const r = await runCli(['apply', path.join(dir, 'other.tfplan')], env());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/other\.tfplan: made from another configuration than stack \S+ \(its state has another lineage\); nothing of it was applied/);
      expect(applied()).toEqual(before);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);

  const TERRAFORM = path.join(TOOLS, 'bin', 'terraform');
  (fs.existsSync(TERRAFORM) ? test : test.skip)('a plan made by another engine version is refused, naming both: exit 2, nothing applied', async () => {
    config('four');
    tofu('plan', '-input=false', '-out=newer.tfplan'); // OpenTofu 1.11; applied below with Terraform 1.5
    const before = applied();
    const r = await runCli(['apply', path.join(dir, 'newer.tfplan')], { ...env(), NSBRIDGE_TERRAFORM_BINARY: TERRAFORM });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/newer\.tfplan: made by \S+ 1\.\d+\.\d+, but \S+ is 1\.5\.\d+; nothing of it was applied\. Apply it with the engine version that made it/);
    expect(applied()).toEqual(before);
  }, 60_000);

  test('a damaged plan file is refused: exit 2', async () => {
    fs.writeFileSync(path.join(dir, 'bad.tfplan'), 'PK\u0003\u0004garbage');
    const r = await runCli(['apply', path.join(dir, 'bad.tfplan')], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.tfplan: \S+ cannot apply this plan file .*nothing of it was applied/);
  }, 60_000);

  test('a missing plan file: exit 2 before the engine runs', async () => {
    const r = await runCli(['apply', path.join(dir, 'nope.tfplan')], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plan file .*nope\.tfplan not found: download the plan job's artifact/);
  });
});
