#!/usr/bin/env node
// npm run bench:synth: synth time and peak memory for 1, 100 and 1,000 delegated domains.
//
// For each size it writes a domains.yaml into a temp dir and measures, as child processes:
//  (a) the app command of cdktf.json run directly (what `cdktf synth` spawns), and
//  (b) `npx cdktf synth` (CLI start-up + the app + reading the result).
// Wall time and peak RSS come from GNU time (`/usr/bin/time -v`) when it is installed, else
// from the child's resource usage (wait4) as Node reports it. Targets (2-core machine):
// 1,000 domains under 3 s and 300 MB for (a); 1 domain under 1 s.
//
// The app command is run 3 times per size and the fastest run is reported (the usual way to
// take scheduling noise out of a cold-start benchmark); CPU time (user + sys) is printed next to
// wall time, since on a busy machine the wall time mostly measures waiting for a core.
//
// Usage: node scripts/bench-synth.js [sizes...]   e.g. node scripts/bench-synth.js 1 100 1000 5000
//        BENCH_RUNS=5 node scripts/bench-synth.js
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [1, 100, 1000];
const TARGETS = { 1: { ms: 1000 }, 1000: { ms: 3000, mb: 300 } };
const REGISTRARS = ['godaddy', 'namecheap', 'route53domains', 'manual', 'porkbun', 'gandi', 'dnsimple', 'namecom'];
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);

/** A config of n delegated domains, each with an apex A record and a www CNAME. */
function configFor(n) {
  const lines = ['version: 1', 'domains:'];
  for (let i = 0; i < n; i++) {
    const name = `bench-${String(i).padStart(5, '0')}.example.com`;
    lines.push(
      `  - name: ${name}`,
      `    registrar: ${REGISTRARS[i % REGISTRARS.length]}`,
      '    records:',
      `      - { name: "@", type: A, values: [192.0.2.${(i % 250) + 1}] }`,
      `      - { name: www, type: CNAME, value: ${name} }`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Run a command once, return { ms, cpuMs, mb, code, stderr }. */
function measureOnce(command, args, options) {
  // Wall time from a monotonic clock here: GNU time prints it in hundredths of a second only,
  // too coarse for a 150 ms start-up.
  const start = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-v', command, ...args], { ...options, encoding: 'utf8' })
    : spawnSync(command, args, { ...options, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (GNU_TIME) {
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : NaN;
    return { ms, cpuMs, mb: rss ? Number(rss[1]) / 1024 : NaN, code: r.status, stderr: r.stderr };
  }
  // Without GNU time: children's CPU is not visible through process.resourceUsage(); the peak RSS
  // is that of the largest child waited for so far (Linux reports KB).
  return { ms, cpuMs: NaN, mb: process.resourceUsage().maxRSS / 1024, code: r.status, stderr: r.stderr };
}

/** The fastest of `runs` runs (all must succeed). */
function measure(command, args, options, runs = 1) {
  let best;
  for (let i = 0; i < runs; i++) {
    const m = measureOnce(command, args, options);
    if (m.code !== 0) return m;
    if (!best || m.ms < best.ms) best = m;
  }
  return best;
}

/** The app command of a checkout's cdktf.json (what `cdktf synth` spawns there). */
function appCommand(tree = root) {
  const app = JSON.parse(fs.readFileSync(path.join(tree, 'cdktf.json'), 'utf8')).app;
  const [command, ...args] = app.split(/\s+/);
  return { command: command === 'node' ? process.execPath : command, args };
}

function countZones(outdir) {
  let zones = 0;
  for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    zones += Object.keys(tf.resource?.aws_route53_zone ?? {}).length;
  }
  return zones;
}

function verdict(n, ms, mb) {
  const t = TARGETS[n];
  if (!t) return '';
  const ok = ms < t.ms && (t.mb === undefined || mb < t.mb);
  return ok ? 'within target' : `OVER TARGET (${t.ms} ms${t.mb ? `, ${t.mb} MB` : ''})`;
}

function main() {
  // Build once up front, so no measurement includes a rebuild.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-bench-'));
  const baseEnv = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CI: '1' };
  const { command, args } = appCommand();
  const rows = [];
  let failed = false;
  try {
    for (const n of SIZES) {
      const dir = path.join(tmp, `n${n}`);
      fs.mkdirSync(dir);
      const config = path.join(dir, 'domains.yaml');
      fs.writeFileSync(config, configFor(n));
      const env = { ...baseEnv, NSBRIDGE_CONFIG: config };

      // (a) the app command, as cdktf would run it (cwd = project root, CDKTF_OUTDIR set).
      const outA = path.join(dir, 'out-app');
      const a = measure(command, args, { cwd: root, env: { ...env, CDKTF_OUTDIR: outA } }, RUNS);
      if (a.code !== 0) throw new Error(`app command failed for ${n} domains:\n${a.stderr}`);
      const zones = countZones(outA);
      if (zones !== n) throw new Error(`expected ${n} zones in the output, found ${zones}`);
      rows.push({ n, what: `app command (${command === process.execPath ? 'node' : command} ${args.join(' ')})`, ...a });

      // (b) the cdktf CLI, as a user types it (npx finds the project's pinned cdktf-cli).
      const outB = path.join(dir, 'out-cli');
      const b = measure('npx', ['--no', 'cdktf', 'synth', '--output', outB], { cwd: root, env });
      if (b.code !== 0) throw new Error(`npx cdktf synth failed for ${n} domains:\n${b.stderr}`);
      if (countZones(outB) !== n) throw new Error(`cdktf synth output for ${n} domains is incomplete`);
      rows.push({ n, what: 'npx cdktf synth', ...b });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\nnsbridge synth benchmark: ${os.cpus().length} CPU(s), Node ${process.version}, ${GNU_TIME ? 'GNU time' : 'process resource usage'}, load average ${load}`);
  if (os.loadavg()[0] > os.cpus().length) {
    console.log('warning: the machine is busier than it has cores; wall times include waiting for a CPU (CPU ms is the steadier figure)');
  }
  console.log(
    `each domain: hosted zone + 2 records + the delegation (registrar read, previous name servers, bridge, release step); app command: best of ${RUNS} runs\n`,
  );
  console.log('domains  command                          wall ms   CPU ms   peak RSS MB');
  for (const r of rows) {
    const v = r.what.startsWith('app') ? verdict(r.n, r.ms, r.mb) : '';
    if (v.startsWith('OVER')) failed = true;
    console.log(
      `${String(r.n).padStart(7)}  ${r.what.padEnd(31)}  ${r.ms.toFixed(0).padStart(7)}  ${Number.isNaN(r.cpuMs) ? '     n/a' : r.cpuMs.toFixed(0).padStart(7)}   ${r.mb.toFixed(0).padStart(11)}  ${v}`,
    );
  }
  if (failed) process.exitCode = 1;
}

// The equality test (__tests__/main.test.ts) synthesizes the same 1,000-domain configuration;
// scripts/bench-compare.js measures two checkouts with the same helpers.
module.exports = { configFor, measureOnce, appCommand, countZones, GNU_TIME };
if (require.main === module) main();
