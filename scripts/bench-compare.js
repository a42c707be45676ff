#!/usr/bin/env node
// npm run bench:compare -- <ref>: this checkout against another commit, in the same run.
//
// Builds <ref> in a temporary git worktree (`npm ci --prefer-offline`, so the npm cache serves
// it), then times both trees turn about (base, this, this, base, ...), so that a machine whose
// speed drifts during the run (other processes, thermal limits) weighs on both alike:
//  - the synth benchmark: the app command of each tree's cdktf.json for 1, 100 and 1,000
//    delegated domains (scripts/bench-synth.js's configuration, the same file for both trees);
//  - the start-up benchmark: `nsbridge --help` and `nsbridge set --help` (bin/nsbridge.js).
// Prints min and median wall and CPU ms per tree, the median peak RSS, and the ratio this/base of
// the medians (above 1: this tree is slower). Measures and never judges: exit 0 unless a run fails.
//
// `--head REF` measures a commit (its own temporary worktree) instead of this checkout as it is,
// so that editing sources during the run (scripts/app.js rebuilds a stale dist/) cannot touch it.
//
// Usage: node scripts/bench-compare.js <ref> [sizes...] [--head REF] [--runs N] [--startup-runs N] [--keep]
//        e.g. node scripts/bench-compare.js bed6cd5 --head HEAD   (main before issue #13 against HEAD)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { configFor, measureOnce, appCommand, countZones, GNU_TIME } = require('./bench-synth.js');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const options = { ref: undefined, head: undefined, sizes: [], runs: 7, startupRuns: 21, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--startup-runs') options.startupRuns = Number(argv[++i]);
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--head') options.head = argv[++i];
    else if (options.ref === undefined) options.ref = arg;
    else options.sizes.push(Number(arg));
  }
  if (!options.ref || !(options.runs >= 1) || !(options.startupRuns >= 1) || options.sizes.some((n) => !(n > 0))) {
    console.error('usage: node scripts/bench-compare.js <ref> [sizes...] [--head REF] [--runs N] [--startup-runs N] [--keep]');
    process.exit(2);
  }
  if (options.sizes.length === 0) options.sizes = [1, 100, 1000];
  return options;
}

/**
 * A built checkout of `ref` in a temporary worktree. Its node_modules is this checkout's (a link)
 * when the two lock files are the same, else its own `npm ci` (whose `prepare` builds dist/).
 */
function checkout(ref, dir) {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['worktree', 'add', '--detach', dir, commit], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const lock = (tree) => fs.readFileSync(path.join(tree, 'package-lock.json'), 'utf8');
  if (lock(dir) === lock(root)) {
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(dir, 'scripts', 'build.js')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return commit;
}

function removeCheckout(dir) {
  // A linked node_modules goes first, so that nothing can reach through it into this checkout's.
  const modules = path.join(dir, 'node_modules');
  if (fs.lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(modules);
  try {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const min = (xs) => Math.min(...xs);

/**
 * Runs `case.run(tree)` `runs` times for each tree, turn about in ABBA order, and returns the
 * samples per tree name. `run` returns measureOnce's { ms, cpuMs, mb, code, stderr }.
 */
function interleave(trees, runs, run) {
  const samples = Object.fromEntries(trees.map((t) => [t.name, []]));
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      const m = run(tree);
      if (m.code !== 0) throw new Error(`${tree.name} tree failed:\n${m.stderr}`);
      samples[tree.name].push(m);
    }
  }
  return samples;
}

function summarize(label, samples, base, head) {
  const fig = (ms) => (Number.isNaN(ms) ? 'n/a' : ms.toFixed(0));
  const rows = [];
  for (const name of [base, head]) {
    const s = samples[name];
    const wall = s.map((m) => m.ms);
    const cpu = s.map((m) => m.cpuMs);
    rows.push({ name, wallMin: min(wall), wallMed: median(wall), cpuMin: min(cpu), cpuMed: median(cpu), mb: median(s.map((m) => m.mb)) });
  }
  const [b, h] = rows;
  for (const r of rows) {
    console.log(
      `${label.padEnd(22)} ${r.name.padEnd(5)} wall min ${fig(r.wallMin).padStart(6)} median ${fig(r.wallMed).padStart(6)} ms   ` +
        `CPU min ${fig(r.cpuMin).padStart(6)} median ${fig(r.cpuMed).padStart(6)} ms   peak ${r.mb.toFixed(0).padStart(4)} MB`,
    );
  }
  const ratio = (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? 'n/a' : (x / y).toFixed(3));
  console.log(`${''.padEnd(22)} ratio this/base: wall median ${ratio(h.wallMed, b.wallMed)}, CPU median ${ratio(h.cpuMed, b.cpuMed)}, peak ${ratio(h.mb, b.mb)}`);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.head) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-bench-compare-'));
  const worktrees = [];
  const prepare = (ref, name) => {
    const dir = path.join(tmp, name);
    console.log(`building ${ref} in ${dir}...`);
    worktrees.push(dir);
    return { dir, commit: checkout(ref, dir) };
  };
  try {
    const base = prepare(options.ref, 'base');
    const head = options.head ? prepare(options.head, 'this') : undefined;
    const thisDir = head ? head.dir : root;
    const dirty = !head && execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    const thisName = head ? `${head.commit.slice(0, 7)} (${options.head})` : `${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()}${dirty ? ' + uncommitted changes' : ''}`;
    const trees = [
      { name: 'base', dir: base.dir },
      { name: 'this', dir: thisDir },
    ];
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CI: '1' };
    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(
      `\nbase = ${base.commit.slice(0, 7)} (${options.ref}), this = ${thisName}; ` +
        `${os.cpus().length} CPU(s), Node ${process.version}, ${GNU_TIME ? 'GNU time' : 'no GNU time: CPU n/a'}, load average ${load()}`,
    );
    console.log(`synth: app command of each tree's cdktf.json, ${options.runs} runs per tree; start-up: ${options.startupRuns} runs per tree\n`);

    for (const n of options.sizes) {
      const config = path.join(tmp, `domains-${n}.yaml`);
      fs.writeFileSync(config, configFor(n));
      const samples = interleave(trees, options.runs, (tree) => {
        const out = path.join(tmp, `out-${tree.name}-${n}`);
        fs.rmSync(out, { recursive: true, force: true });
        const { command, args } = appCommand(tree.dir);
        const m = measureOnce(command, args, { cwd: tree.dir, env: { ...env, NSBRIDGE_CONFIG: config, CDKTF_OUTDIR: out } });
        if (m.code === 0 && countZones(out) !== n) return { ...m, code: 1, stderr: `expected ${n} zones in ${out}` };
        return m;
      });
      summarize(`synth ${n} domain${n === 1 ? '' : 's'}`, samples, 'base', 'this');
    }
    for (const args of [['--help'], ['set', '--help']]) {
      const samples = interleave(trees, options.startupRuns, (tree) =>
        measureOnce(process.execPath, [path.join(tree.dir, 'bin', 'nsbridge.js'), ...args], { cwd: tree.dir, env }),
      );
      summarize(`nsbridge ${args.join(' ')}`, samples, 'base', 'this');
    }
    console.log(`\nload average at the end ${load()}`);
  } finally {
    if (options.keep) console.log(`kept ${worktrees.join(' and ')} (remove with: git worktree remove --force <dir>)`);
    else {
      for (const dir of worktrees) removeCheckout(dir);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

main();
