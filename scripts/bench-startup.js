#!/usr/bin/env node
/**
 * Benchmark: CLI start-up (Terraform spawns `nsbridge` once per domain). Prints min and median
 * wall time of `nsbridge --help` over 21 runs, next to Node's own start (`node -e 0`), so the
 * CLI's share is visible even on a busy machine. Target: --help under 150 ms.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const os = require('node:os');

require('./build-if-needed');
const cli = join(__dirname, '..', 'bin', 'nsbridge.js');

function time(args, runs = 21) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0], median: samples[Math.floor(runs / 2)] };
}

const rows = [
  ['node -e 0 (Node itself)', time(['-e', '0'])],
  ['nsbridge --help', time([cli, '--help'])],
  ['nsbridge set --help', time([cli, 'set', '--help'])],
];
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, t] of rows) console.log(`${name.padEnd(26)} min ${t.min.toFixed(0).padStart(4)} ms   median ${t.median.toFixed(0).padStart(4)} ms`);
const overhead = rows[1][1].min - rows[0][1].min;
console.log(`nsbridge over Node (min)   ${overhead.toFixed(0)} ms`);
