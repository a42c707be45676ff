/**
 * The app end to end: the example configuration synthesized in memory (snapshot) and to disk
 * (asset copied and runnable, no secrets), and the app as a child process (bad configuration,
 * no terraform binary).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataResource, Fn, Lazy, TerraformIterator, TerraformSelf, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types; Testing.setupJest() registers them
import { loadConfig } from '../config/load';
import { buildApp } from '../main';
import { fastSynthesis, withFastResolve } from '../modules/cdktf-internals/fast-synthesis';
import { DomainsStack } from '../modules/domains-stack';
import { REGISTRARS } from '../registrar-adapters/catalog';
import { REGISTRAR_IDS } from '../registrar-adapters/catalog';

Testing.setupJest();

const root = path.resolve(__dirname, '..');
const EXAMPLE = path.join(root, 'domains.yaml');
const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `nsbridge-${prefix}-`));

/** The asset folder carries the bundle's content hash; the CLI changes often, the structure should not. */
const withoutAssetHash = (s: string): string => s.replace(/assets\/nsbridge-cli\/[0-9A-F]{32}\//g, 'assets/nsbridge-cli/<hash>/');

const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The example configuration, synthesized to disk in a temp dir (the real synthesizer: assets, manifest). */
function synthExample(): string {
  const outdir = path.join(tmp('synth'), 'cdktf.out');
  buildApp(loadConfig(EXAMPLE), { outdir }).synth();
  return outdir;
}

function runApp(env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'app.js')], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the example configuration', () => {
  test('synthesizes to the expected Terraform (snapshot)', () => {
    // A copy in a temp dir next to a cdktf.out, so the relative state path is the same everywhere.
    const dir = tmp('snapshot');
    fs.copyFileSync(EXAMPLE, path.join(dir, 'domains.yaml'));
    const app = buildApp(loadConfig(path.join(dir, 'domains.yaml')), { outdir: path.join(dir, 'cdktf.out') });
    const stacks = app.node.children.filter((c): c is DomainsStack => c instanceof DomainsStack);
    expect(stacks.map((s) => s.node.id)).toEqual(['production', 'sandbox']);
    const synthesized = Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(withoutAssetHash(Testing.synth(s)))]));
    expect(synthesized).toMatchSnapshot();
  });

  test('synthesized to disk: zones, the bridge, the release guard, the registrar read, and the CLI asset', () => {
    const outdir = synthExample();
    const manifest = readJson(path.join(outdir, 'manifest.json'));
    expect(Object.keys(manifest.stacks)).toEqual(['production', 'sandbox']);

    const stackDir = path.join(outdir, 'stacks', 'production');
    const tf = readJson(path.join(stackDir, 'cdk.tf.json'));
    expect(Object.values<{ name: string }>(tf.resource.aws_route53_zone).map((z) => z.name).sort()).toEqual([
      'example.com',
      'example.net',
      'example.org',
      'xn--bcher-kva.example',
    ]);
    const data = Object.entries<any>(tf.resource.terraform_data);
    const part = (name: string) => data.filter(([id]) => id.includes(`_delegation_${name}_`)).map(([, r]) => r);
    // Four live domains: a bridge, a release guard and a previous-name-server holder each...
    const bridges = part('bridge');
    const guards = part('release');
    expect(bridges).toHaveLength(4);
    expect(part('previous')).toHaveLength(4);
    // ...and a fifth guard, of the retired domain, with count 0 (its release runs on the next deploy).
    expect(guards).toHaveLength(5);
    expect(guards.filter((g) => g.count === 0)).toHaveLength(1);
    // Plus a DNSSEC release guard per domain, count 0 (none of them signs): see dnssec.test.ts.
    expect(data.filter(([id]) => id.includes('_dnssec_ds-release_')).map(([, r]) => r.count)).toEqual([0, 0, 0, 0, 0]);
    expect(data).toHaveLength(18);
    // One plan-time read for the stack (the parent zone's delegation of every live domain), each
    // domain's answer under its own keys, shared by its previous name servers and its drift repair;
    // no check block (drift is repaired, not only reported).
    expect(Object.values<any>(tf.data.external).map((r) => r.query)).toEqual([{ source: 'dns', domains: expect.any(String) }]);
    expect(Object.values<any>(tf.data.external)[0].query.domains.split(',')).toHaveLength(4);
    expect(tf.check).toBeUndefined();
    const commands = new Set<string>();
    for (const bridge of bridges) {
      const [create] = bridge.provisioner.map((p: any) => p['local-exec']);
      expect(create.command).toMatch(/ set --registrar /);
      commands.add(create.command.split(' ')[1]);
    }
    for (const guard of guards) {
      const [destroy] = guard.provisioner.map((p: any) => p['local-exec']);
      expect(destroy.when).toBe('destroy');
      expect(destroy.command).toMatch(/ release --registrar .* --policy \$\{self\.input\.policy\} --previous "\$\{self\.input\.previous\}"$/);
      commands.add(destroy.command.split(' ')[1]);
    }
    for (const read of Object.values<any>(tf.data.external)) commands.add(`"${read.program[1]}"`);
    // Every step runs the same, single asset of the stack...
    expect(commands.size).toBe(1);
    const assetRef = [...commands][0]!; // "${path.module}/assets/nsbridge-cli/<hash>/nsbridge.js"
    const assetPath = path.join(stackDir, assetRef.replace(/^"\$\{path\.module\}\//, '').replace(/"$/, ''));
    // ...which was copied there (path.module is the stack directory when Terraform runs)...
    expect(fs.readdirSync(path.join(stackDir, 'assets'))).toEqual(['nsbridge-cli']);
    expect(fs.existsSync(assetPath)).toBe(true);
    // ...and is the self-contained CLI: it runs from there with no node_modules next to it.
    const help = spawnSync(process.execPath, [assetPath, '--help'], { cwd: stackDir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: nsbridge/);
    expect(help.stdout).toMatch(/\bset\b/);
    expect(help.stdout).toMatch(/\brelease\b/);

    // The version requirement travels in the configuration, not as a synth-time check.
    expect(tf.terraform.required_version).toBe('>= 1.5.0');
    expect(tf.terraform.backend.local.path).toBe(path.relative(stackDir, path.join(root, 'terraform.production.tfstate')));
  });

  /** The app's fast synthesis and cdktf's standard one, byte for byte (but for each outdir's state path). */
  function expectSameAsStandard(configFile: string, stacks: string[]): void {
    const config = loadConfig(configFile);
    const fast = path.join(tmp('fast'), 'out');
    const standard = path.join(tmp('standard'), 'out');
    const synthesis = fastSynthesis({});
    expect(synthesis.fast).toBe(true);
    buildApp(config, { outdir: fast, synthesis }).synth();
    buildApp(config, { outdir: standard, synthesis: fastSynthesis({ NSBRIDGE_FAST_SYNTH: '0' }) }).synth();
    for (const stack of stacks) {
      const a = fs.readFileSync(path.join(fast, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      const b = fs.readFileSync(path.join(standard, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      const strip = (s: string) => s.replace(/"path": "[^"]*terraform\.\w+\.tfstate"/, '"path": "<state>"');
      expect(strip(a)).toBe(strip(b));
    }
  }

  test('the app output is identical to cdktf\'s standard synthesis (the skipped preparing pass changes nothing)', () => {
    expectSameAsStandard(EXAMPLE, ['production', 'sandbox']);
  });

  test('... also for the 1,000-domain benchmark configuration', () => {
    const dir = tmp('bench1000');
    const file = path.join(dir, 'domains.yaml');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fs.writeFileSync(file, (require('../scripts/bench-synth.js') as { configFor: (n: number) => string }).configFor(1000));
    expectSameAsStandard(file, ['nsbridge']);
  });
});

describe('the cdktf fast paths are gated on the verified cdktf version', () => {
  test('on a verified cdktf (any 0.21 patch) the app synthesizes fast', () => {
    expect(fastSynthesis({}, '0.21.0')).toMatchObject({ fast: true });
    expect(fastSynthesis({}, '0.21.7')).toMatchObject({ fast: true });
  });

  test('on another cdktf (or a fork) it falls back to standard synthesis, with one warning that says why', () => {
    const s = fastSynthesis({}, '0.22.0');
    expect(s).toMatchObject({ fast: false, Stack: DomainsStack });
    expect(s.warning).toMatch(/cdktf 0\.22\.0 is not one the fast synthesis was verified with \(0\.21\.x\): using cdktf's standard synthesis/);
    expect(fastSynthesis({}, '').warning).toMatch(/unknown version/);
  });

  test('NSBRIDGE_FAST_SYNTH=0 turns the fast paths off without a warning', () => {
    expect(fastSynthesis({ NSBRIDGE_FAST_SYNTH: '0' }, '0.21.0')).toEqual({ Stack: DomainsStack, fast: false });
  });
});

describe('the fast token resolver of the app', () => {
  test('renders exactly what cdktf renders, for every kind of token', () => {
    // GIVEN a stack with string, number, list and map tokens, Lazy values, functions, iterators,
    // escapes, number-like strings and undefined values
    const stack = new TerraformStack(Testing.app(), 'tokens');
    const v = new TerraformVariable(stack, 'count', { type: 'number', default: 2 });
    const names = new TerraformVariable(stack, 'names', { type: 'list(string)', default: ['a', 'b'] });
    const tags = new TerraformVariable(stack, 'tags', { type: 'map(string)', default: {} });
    const source = new DataResource(stack, 'source', { input: { n: v.numberValue, list: names.listValue } });
    const iterator = TerraformIterator.fromList(names.listValue);
    new DataResource(stack, 'target', {
      forEach: iterator,
      count: undefined,
      input: {
        number: v.numberValue,
        numberInString: `n=${v.numberValue}`,
        list: names.listValue,
        listInList: [names.listValue, 'x'],
        map: tags.value,
        mapKey: { [Token.asString(tags.value)]: 'y' },
        lazy: Lazy.stringValue({ produce: () => 'lazy' }),
        lazyList: Lazy.listValue({ produce: () => ['l1', 'l2'] }),
        fn: Fn.join(',', Fn.sort(names.listValue)),
        self: TerraformSelf.getString('input.x'),
        attribute: source.getStringAttribute('output.n'),
        each: iterator.value,
        escapes: '${var.literal} and $${escaped}',
        numberLike: 'mail.e-mail 1e5 v=DKIM1; p=9e+x',
        nested: { deeper: [{ a: undefined, b: [undefined, 'c'] }], empty: {}, no: false, zero: 0 },
      },
      triggersReplace: { when: Token.asNumber(Lazy.numberValue({ produce: () => 42 })) },
    });
    // THEN the fast resolver and cdktf's own give the same JSON
    const standard = JSON.stringify(stack.toTerraform());
    expect(JSON.stringify(withFastResolve(() => stack.toTerraform()))).toBe(standard);
    expect(standard).toContain('"fn":"${join(\\",\\", sort(var.names))}"');
    expect(standard).toContain('"numberInString":"n=${var.count}"');
  });

  test('rejects what cdktf rejects', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    const names = new TerraformVariable(stack, 'names', { type: 'list(string)' });
    new DataResource(stack, 'bad', { input: { scalar: names.listValue[0] } });
    let message = '';
    try {
      stack.toTerraform();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toBe('');
    expect(() => withFastResolve(() => stack.toTerraform())).toThrow(message);
  });
});

describe('the app as a process', () => {
  test('no credential from the environment reaches the synthesized files', () => {
    // GIVEN every credential variable of every registrar set to a unique, secret-looking value
    const secrets: Record<string, string> = {
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE1234',
      AWS_SECRET_ACCESS_KEY: 'fake/secret/access/key/0123456789abcdefgh',
      AWS_SESSION_TOKEN: 'FakeSessionToken0123456789',
    };
    for (const info of Object.values(REGISTRARS)) {
      for (const c of info.credentials) secrets[c.env] ??= `secret-${c.env.toLowerCase()}-${Math.random().toString(36).slice(2)}`;
    }
    const outdir = path.join(tmp('secrets'), 'out');
    const env = { ...process.env, ...secrets, CDKTF_OUTDIR: outdir, NSBRIDGE_CONFIG: EXAMPLE };
    // WHEN the app synthesizes
    const r = runApp(env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // THEN no file of the output holds any of them, nor any other secret-looking variable's value
    const suspicious = Object.entries(env)
      .filter(([name, value]) => /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i.test(name) && typeof value === 'string' && value.length >= 8)
      .map(([, value]) => value as string);
    expect(suspicious).toEqual(expect.arrayContaining([secrets.GODADDY_API_SECRET, secrets.AWS_SECRET_ACCESS_KEY]));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(outdir);
    expect(files.some((f) => f.endsWith('cdk.tf.json'))).toBe(true);
    for (const file of files) {
      const content = fs.readFileSync(file, 'utf8');
      for (const value of [...Object.values(secrets), ...suspicious]) expect(content.includes(value) ? `${file} contains ${value}` : 'clean').toBe('clean');
    }
  });

  test('the bundled app (dist/app, as scripts/app.js runs it) writes what the sources synthesize', () => {
    const outdir = path.join(tmp('bundled'), 'out');
    const r = runApp({ ...process.env, CDKTF_OUTDIR: outdir, NSBRIDGE_CONFIG: EXAMPLE });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const reference = synthExample();
    for (const stack of ['production', 'sandbox']) {
      const strip = (s: string) => s.replace(/"path": "[^"]*terraform\.\w+\.tfstate"/, '"path": "<state>"');
      const read = (dir: string) => strip(fs.readFileSync(path.join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(read(outdir)).toBe(read(reference));
    }
  });

  test('a bad configuration fails with exit code 2, lists every problem, and writes nothing', () => {
    const dir = tmp('bad');
    const config = path.join(dir, 'domains.yaml');
    fs.writeFileSync(
      config,
      [
        'domains:',
        '  - name: example.com',
        '    registrar: namecheep',
        '    records:',
        '      - { name: www, type: A, values: [192.0.2.999] }',
        '  - name: EXAMPLE.com.',
        '    registrar: godaddy',
      ].join('\n'),
    );
    const outdir = path.join(dir, 'cdktf.out');
    const r = runApp({ ...process.env, NSBRIDGE_CONFIG: config, CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'nsbridge: invalid configuration',
        `${config}: 3 problems; nothing was synthesized`,
        `  domains[0].registrar (line 3): registrar "namecheep" is not known (did you mean "namecheap"?); use one of ${REGISTRAR_IDS.join(', ')}`,
        '  domains[0].records[0].values[0] (line 5): "192.0.2.999" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)',
        '  domains[1].name (line 6): domain "EXAMPLE.com." (example.com) is already defined at domains[0] (names are compared after normalisation: case, trailing dot, IDN to punycode)',
        '',
      ].join('\n'),
    );
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['domains.yaml']);
  });

  test('synthesizes with no terraform or tofu binary and no credentials', () => {
    // A PATH holding nothing but node: no terraform, no tofu, no aws CLI.
    const bin = tmp('bin');
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const outdir = path.join(tmp('noterraform'), 'out');
    const env: NodeJS.ProcessEnv = { PATH: bin, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, NSBRIDGE_CONFIG: EXAMPLE };
    expect(spawnSync('terraform', ['version'], { env }).error).toBeDefined();
    const r = runApp(env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'production', 'cdk.tf.json'))).toBe(true);
  });
});
