#!/usr/bin/env node
/**
 * Benchmark: the package as a user installs it. Packs the library (`npm pack`, which runs
 * `prepare`), installs the tarball into a scratch app that already has the peers, and prints:
 * tarball size, unpacked size with and without the CLI bundle, the bundle's size, the file count,
 * the packages the install added besides nsbridge, and `nsbridge --help` from node_modules/.bin
 * against `node -e 0` (median of N runs each, interleaved, so that load hits both alike).
 * Targets (issue #12): unpacked without the bundle < 500 KB, bundle < 1.5 MB, no extra package,
 * --help within 1.3x of `node -e 0`. Uses the npm cache (--prefer-offline).
 *
 * Usage: npm run bench:package [-- --runs 31] [-- --keep]
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 21;
const keep = args.includes('--keep');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = require(path.join(root, 'package.json'));
const CLI_BUNDLE = 'dist/nsbridge.js';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const npmJson = (argv, cwd) => {
  // Under `npm run --silent`, the inherited npm_config_loglevel=silent would also silence --json.
  const env = { ...process.env, npm_config_loglevel: 'warn' };
  const out = execFileSync(npm, argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return out.trim() === '' ? {} : JSON.parse(out);
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-bench-package-'));
try {
  const [pack] = npmJson(['pack', '--json', '--pack-destination', work], root);
  const bundle = pack.files.find((f) => f.path === CLI_BUNDLE).size;
  const largest = pack.files.filter((f) => f.path !== CLI_BUNDLE).sort((a, b) => b.size - a.size)[0];

  // A scratch app with the peers at this repository's versions, then the tarball on top.
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  const peers = Object.fromEntries(Object.keys(pkg.peerDependencies).map((n) => [n, pkg.devDependencies[n]]));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true, dependencies: peers }));
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--json'];
  npmJson(install, app);
  const added = npmJson([...install, path.join(work, pack.filename)], app);

  const cli = path.join(app, 'node_modules', '.bin', 'nsbridge');
  const samples = { node: [], help: [] };
  const time = (file, argv) => {
    const start = process.hrtime.bigint();
    execFileSync(file, argv, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  time(cli, ['--help']); // warm the file cache
  for (let i = 0; i < runs; i++) {
    samples.node.push(time(process.execPath, ['-e', '0']));
    samples.help.push(time(cli, ['--help']));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(samples.help) / median(samples.node);

  const unpackedWithoutBundle = pack.unpackedSize - bundle;
  const met = (ok) => (ok ? 'met' : 'NOT MET');
  const rows = [
    ['tarball (compressed)', kb(pack.size), ''],
    ['unpacked, all files', mb(pack.unpackedSize), ''],
    ['unpacked without CLI bundle', kb(unpackedWithoutBundle), `target < 500 KB: ${met(unpackedWithoutBundle < 500 * 1024)}`],
    ['CLI bundle (dist/nsbridge.js)', mb(bundle), `target < 1.5 MB: ${met(bundle < 1.5 * 1024 * 1024)} (${bundle} bytes)`],
    ['files', String(pack.entryCount), `largest besides the bundle: ${largest.path} ${kb(largest.size)}`],
    ['packages added besides nsbridge', String(added.added - 1), `target 0 (app already has the peers): ${met(added.added - 1 === 0)}`],
    [`node -e 0, median of ${runs}`, `${median(samples.node).toFixed(0)} ms`, ''],
    [`.bin/nsbridge --help, median of ${runs}`, `${median(samples.help).toFixed(0)} ms`, `${ratio.toFixed(2)}x node -e 0 (target <= 1.3x): ${met(ratio <= 1.3)}`],
  ];
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [name, value, note] of rows) console.log(`${name.padEnd(40)} ${value.padStart(10)}   ${note}`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
