/**
 * The construct library as another team gets it: `npm pack` (which runs `prepare`: the build and
 * the declarations), the tarball installed into a copy of examples/library-app with the peers at
 * the newest versions in range and, separately, at the lowest, then type-checked and synthesized;
 * an install from a path to a fresh clone (no tarball of ours) and one from git, type-checked.
 *
 * Slow (npm installs, ~400 MB of provider bindings each): it uses the npm cache
 * (--prefer-offline) and reaches nothing but the npm registry. Temporary folders are removed.
 */
import { execFile, spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as http from 'node:http';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const example = path.join(root, 'examples', 'library-app');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = require.resolve('typescript/bin/tsc');
const CLI_BUNDLE = 'dist/nsbridge.js';
/** Largest file the tarball may hold, the CLI bundle aside (the biggest today is README.md, ~50 KB). */
const MAX_FILE_BYTES = 64 * 1024;
/** Issue #12's target for the CLI bundle (1.46 MiB measured with 25 registrars: docs/performance.md). */
const MAX_CLI_BUNDLE_BYTES = 1.5 * 1024 * 1024;
/** Unpacked size of everything but the CLI bundle. */
const MAX_UNPACKED_WITHOUT_BUNDLE = 500 * 1024;
const FORBIDDEN = /(^|\/)(testing|__tests__|__snapshots__|e2e|emulators?|examples|scripts|config|cli|dns|review|app)(\/|$)|emulator|conformance|loopback/;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-package-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'warn' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const npmInstall = (cwd: string, ...args: string[]) => run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], cwd);

interface PackResult {
  filename: string;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** A copy of examples/library-app with the given peer versions and nsbridge from `nsbridge`. */
function appWith(name: string, peers: Record<string, string>, nsbridge: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  for (const f of ['main.ts', 'tsconfig.json', 'cdktf.json']) fs.copyFileSync(path.join(example, f), path.join(dir, f));
  const app = JSON.parse(fs.readFileSync(path.join(example, 'package.json'), 'utf8'));
  // The example's own dev tools (cdktf-cli, ts-node, typescript) are left out: this repository's
  // TypeScript compiles it and node runs it, which is what `cdktf synth` does through ts-node.
  app.dependencies = { ...peers, nsbridge, '@types/node': pkg.devDependencies['@types/node'] };
  delete app.devDependencies;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(app, null, 2));
  npmInstall(dir);
  return dir;
}

/** tsc over the example with its tsconfig (node16) and with the other resolutions a consumer may use. */
function typecheck(dir: string): void {
  run(process.execPath, [tsc, '-p', '.'], dir);
  run(process.execPath, [tsc, '-p', '.', '--noEmit', '--module', 'esnext', '--moduleResolution', 'bundler'], dir);
  run(process.execPath, [tsc, '-p', '.', '--noEmit', '--module', 'commonjs', '--moduleResolution', 'node10'], dir);
}

/** The installed copies of a package anywhere in the app's tree (`npm ls --all`). */
function copiesOf(dir: string, name: string): string[] {
  const r = spawnSync(npm, ['ls', name, '--all', '--parseable'], { cwd: dir, encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && l.endsWith(path.join('node_modules', name)));
}

/** Run the compiled app (what `cdktf synth` runs) and read both stacks. */
function synth(dir: string): { dns: any; registrar: any } {
  run(process.execPath, ['main.js'], dir);
  const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  return { dns: read('dns'), registrar: read('registrar') };
}

function expectExampleSynthesized(dir: string): void {
  const { dns, registrar } = synth(dir);
  // The hand-wired bridge waits for the zone and every record of example.org (dependsOn: zone.records).
  const [bridgeName, bridge] = Object.entries<any>(dns.resource.terraform_data).find(([, r]) => r['//'].metadata.path === 'dns/example.org-delegation/bridge')!;
  const orgRecords = Object.entries<any>(dns.resource.aws_route53_record)
    .filter(([, r]) => r['//'].metadata.path.startsWith('dns/example.org-zone/'))
    .map(([n]) => `aws_route53_record.${n}`);
  expect(bridgeName).toBeDefined();
  expect(orgRecords).toHaveLength(1);
  expect(bridge.depends_on).toEqual(expect.arrayContaining(orgRecords));
  // Outputs the user defined from the construct attributes, and the engine floor.
  expect(dns.output.example_com_name_servers.value).toMatch(/^\$\{sort\(aws_route53_zone\.examplecom_zone_\w+\.name_servers\)\}$/);
  expect(dns.output.example_com_zone_id.value).toMatch(/^\$\{aws_route53_zone\.examplecom_zone_\w+\.zone_id\}$/);
  expect(dns.terraform.required_version).toBe('>= 1.5.0');
  // The zone from the other stack arrives through remote state, sorted, at the bridge.
  const netBridge = Object.values<any>(registrar.resource.terraform_data).find((r) => r['//'].metadata.path === 'registrar/example.net/bridge');
  expect(netBridge.triggers_replace.name_servers).toMatch(/^\$\{sort\(data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+\)\}$/);
  // Each stack ships the CLI bundle from the installed package.
  for (const stack of ['dns', 'registrar']) {
    const assets = path.join(dir, 'cdktf.out', 'stacks', stack, 'assets', 'nsbridge-cli');
    const [hash] = fs.readdirSync(assets);
    expect(fs.statSync(path.join(assets, hash!, 'nsbridge.js')).size).toBe(fs.statSync(path.join(dir, 'node_modules', 'nsbridge', CLI_BUNDLE)).size);
  }
  // One copy of the framework packages in the whole tree.
  for (const name of ['constructs', 'cdktf', '@cdktf/provider-aws']) expect(copiesOf(dir, name)).toEqual([path.join(dir, 'node_modules', name)]);
}

/**
 * The installed CLI runs from node_modules/.bin with none of its libraries installed: `--help`,
 * and a GoDaddy read against a loopback server (axios and the registrar kit, embedded once in the
 * bundle, do the HTTP request).
 */
async function expectInstalledCliRuns(dir: string): Promise<void> {
  const cli = path.join(dir, 'node_modules', '.bin', 'nsbridge');
  expect(run(cli, ['--help'], dir).stdout).toMatch(/^Usage: nsbridge/);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'Domain not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const env = { PATH: process.env.PATH, HOME: work, TMPDIR: work, GODADDY_API_KEY: 'key', GODADDY_API_SECRET: 'secret', NSBRIDGE_GODADDY_ENDPOINT: `http://127.0.0.1:${port}` };
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(cli, ['get', '--registrar', 'godaddy', '--domain', 'example.com'], { cwd: dir, env }, (_err, _stdout, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(requests).toEqual(['GET /v1/domains/example.com']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/godaddy.*example\.com/);
    expect(result.stderr).not.toMatch(/Cannot find module|not embedded/);
  } finally {
    server.close();
  }
}

/** The lowest version a peer range allows (its first version: every range here is ">=x" or "^x"). */
const lowest = (range: string): string => /\d+\.\d+\.\d+/.exec(range)![0];

let pack: PackResult;
let tarball: string;
beforeAll(() => {
  // `npm pack` runs `prepare` (build + declarations), as publishing does.
  const out = run(npm, ['pack', '--json', '--pack-destination', work], root);
  pack = (JSON.parse(out.stdout) as PackResult[])[0]!;
  tarball = path.join(work, pack.filename);
}, 300_000);

describe('the tarball', () => {
  test('ships the compiled constructs, their declarations, the CLI bundle and LICENSE, and nothing for tests or the YAML app', () => {
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining([pkg.main, pkg.types, CLI_BUNDLE, 'bin/nsbridge.js', 'LICENSE', 'package.json']));
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^Mozilla Public License Version 2\.0/);
    expect(files.filter((f) => FORBIDDEN.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /internal\./.test(f))).toEqual([]);
    expect(pack.files.filter((f) => f.path !== CLI_BUNDLE && f.size > MAX_FILE_BYTES)).toEqual([]);
    expect(pack.files.find((f) => f.path === CLI_BUNDLE)!.size).toBeLessThan(MAX_CLI_BUNDLE_BYTES);
    expect(pack.unpackedSize - pack.files.find((f) => f.path === CLI_BUNDLE)!.size).toBeLessThan(MAX_UNPACKED_WITHOUT_BUNDLE);
  });

  test('every relative require of a shipped .js and import of a shipped .d.ts is shipped; bare requires are Node or a peer', () => {
    const files = new Set(pack.files.map((f) => f.path));
    const extracted = path.join(work, 'extracted');
    fs.mkdirSync(extracted);
    run('tar', ['-xzf', tarball, '-C', extracted], work);
    const missing: string[] = [];
    const foreign: string[] = [];
    // The CLI bundle resolves its own requires (its embedded packages); the installed-CLI test runs it.
    for (const file of [...files].filter((f) => f !== CLI_BUNDLE)) {
      const isDts = file.endsWith('.d.ts');
      if (!isDts && !file.endsWith('.js')) continue;
      const text = fs.readFileSync(path.join(extracted, 'package', file), 'utf8');
      const specs = isDts
        ? [...text.matchAll(/(?:from |import\()["']([^"']+)["']/g)].map((m) => m[1]!)
        : [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
      for (const spec of specs) {
        if (spec.startsWith('.')) {
          const base = path.posix.join(path.posix.dirname(file), spec);
          const candidates = isDts ? [`${base}.d.ts`, `${base}/index.d.ts`] : [base, `${base}.js`, `${base}/index.js`];
          if (!candidates.some((c) => files.has(c))) missing.push(`${file} -> ${spec}`);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!builtinModules.includes(spec.replace(/^node:/, '')) && !(name in pkg.peerDependencies)) foreign.push(`${file} -> ${spec}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(foreign).toEqual([]);
  });

  test('package.json: publishable, no runtime dependencies, the framework packages as peers with ranges', () => {
    expect((pkg as { private?: boolean }).private).toBeUndefined();
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@cdktf/provider-aws', 'cdktf', 'constructs']);
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      expect(range).toMatch(/^(\^|>=)/);
      expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/); // this repository builds with exact pins
    }
    expect(pkg.exports['.']).toEqual({ types: `./${pkg.types}`, default: `./${pkg.main}` });
    expect(pkg.scripts.prepare).toContain('build:types');
  });
});

describe('installed into examples/library-app', () => {
  test('peers at the newest versions in range: type-checks (node16, bundler, node10), synthesizes, runs the CLI; then from a path to a fresh clone, then from git', async () => {
    const app = appWith('newest', pkg.peerDependencies, `file:${tarball}`);
    typecheck(app);
    expectExampleSynthesized(app);
    await expectInstalledCliRuns(app);

    // A path install from a fresh clone: its tracked files, with this repository's installed
    // node_modules standing in for the clone's `npm ci`. npm runs the clone's `prepare` (build +
    // declarations) and, with --install-links, installs a copy: no second cdktf/constructs from
    // the clone's own node_modules (which a symlinked install would resolve to).
    const clone = path.join(work, 'clone');
    const tracked = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], root).stdout.split('\0').filter(Boolean);
    for (const f of tracked) {
      if (!fs.existsSync(path.join(root, f))) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
      fs.copyFileSync(path.join(root, f), path.join(clone, f));
    }
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    npmInstall(app, '--install-links', clone);
    const installed = path.join(app, 'node_modules', 'nsbridge');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, pkg.types))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
    fs.rmSync(path.join(app, 'main.js'));
    typecheck(app);
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);

    // A git dependency pinned to a commit (this repository's HEAD: what is committed, not the
    // working tree). npm clones it, installs its devDependencies (from the npm cache) and runs its
    // `prepare`, so the declarations are built there: ~5 min on a busy machine.
    const repo = path.join(work, 'nsbridge.git');
    run('git', ['clone', '--quiet', '--bare', root, repo], work);
    const commit = run('git', ['rev-parse', 'HEAD'], root).stdout.trim();
    npmInstall(app, `git+file://${repo}#${commit}`);
    const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/nsbridge'].resolved).toBe(`git+file://${repo}#${commit}`);
    expect(fs.existsSync(path.join(installed, pkg.types))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
    fs.rmSync(path.join(app, 'main.js'));
    typecheck(app);
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);
  }, 1_800_000);

  test('peers at the lowest versions in range: type-checks and synthesizes', () => {
    const peers = Object.fromEntries(Object.entries(pkg.peerDependencies).map(([name, range]) => [name, lowest(range)]));
    const app = appWith('lowest', peers, `file:${tarball}`);
    const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
    expect(Object.fromEntries(Object.keys(peers).map((n) => [n, installed(n)]))).toEqual(peers);
    typecheck(app);
    expectExampleSynthesized(app);
    fs.rmSync(app, { recursive: true, force: true }); // ~400 MB
  }, 900_000);
});
