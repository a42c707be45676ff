#!/usr/bin/env node
// The app command of cdktf.json: `node scripts/app.js`.
//
// Why not ts-node: it type-checks and compiles the AWS provider's typings on every synth (13 s and
// 1.4 GB for a single zone, measured with the stock cdktf template). Instead the TypeScript is
// transpiled by esbuild (scripts/build.js, well under a second) and only when a source file is
// newer than the build, so a synth with an unchanged checkout starts the app immediately.
// Type checking is `npm run typecheck`, once, not on every synth.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
// Everything scripts/build.js compiles into dist/.
const SOURCES = ['main.ts', ...require('./source-dirs')];
// The app runs from bundles (one file each: see scripts/build.js), and ships the CLI bundle.
const APP = path.join(root, 'dist', 'app', 'main.js');
const WORKER = path.join(root, 'dist', 'app', 'worker.js');
const OUTPUTS = [APP, WORKER, path.join(root, 'dist', 'nsbridge.js')];

function newestSourceMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (stat.isFile()) return /\.(ts|json)$/.test(entry) ? stat.mtimeMs : 0; // code, and data it requires (info.json)
  let newest = 0;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestSourceMtime(path.join(entry, child)));
  return newest;
}

function oldestOutputMtime() {
  let oldest = Infinity;
  for (const file of OUTPUTS) {
    try {
      oldest = Math.min(oldest, fs.statSync(file).mtimeMs);
    } catch {
      return 0; // missing output: build
    }
  }
  return oldest;
}

const newestSource = Math.max(...SOURCES.map((s) => newestSourceMtime(path.join(root, s))));
// An installed copy without sources (newestSource 0) runs the shipped dist/ as it is.
if (newestSource > 0 && newestSource > oldestOutputMtime()) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

// Load and validate domains.yaml on a worker thread while this thread loads cdktf and the AWS
// provider classes: on a cold start both take a few hundred milliseconds (the YAML parser grows
// with the file), and this machine has a second core. See config/worker.ts.
const { Worker } = require('node:worker_threads');
const worker = new Worker(WORKER);
const configResult = new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`the configuration worker exited with code ${code} before answering`)));
});
const app = require(APP);
configResult.then(
  (result) => {
    process.exitCode = app.synthesize(result);
  },
  (err) => {
    process.stderr.write(`nsbridge: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
