#!/usr/bin/env node
/**
 * Benchmark: many domains through concurrent nsbridge processes sharing one registrar account.
 *
 * Terraform runs up to 10 provisioners at once, each its own `nsbridge set` process, all against
 * one GoDaddy account limited to 60 requests a minute. This starts the GoDaddy emulator with that
 * limit (clock scaled by --scale so the run takes a minute, not seven: at the default scale 5 the
 * limit is 60 per 12 s, and the CLI is told the same with NSBRIDGE_RATE_LIMIT_GODADDY), sets 200 domains
 * through 10 concurrent CLI processes, and prints the wall time against the limit's minimum,
 * the 429s the emulator sent, and failures.
 *
 * Usage: npm run bench:registrar [-- --registrar godaddy --domains 200 --concurrency 10 --scale 5]
 * Any registrar with an emulator (testing/registrars/<id>/emulator.ts) can be measured with the
 * same 60-a-minute limit; the minimum is computed from the requests it really sent (a registrar
 * whose writes are polled or need a login sends more than two per domain).
 * (The limiter adds an absolute 500 ms safety margin per window against arrival jitter: scaling
 * the clock harder than 5x makes that margin, and so the ratio, look worse than at real time.)
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const raw = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const opt = (name, fallback) => Number(raw(name, fallback));
const REGISTRAR = String(raw('registrar', 'godaddy'));
const DOMAINS = opt('domains', 200);
const CONCURRENCY = opt('concurrency', 10);
const SCALE = opt('scale', 5);
const LIMIT = 60;
const WINDOW_MS = 60_000 / SCALE;

const NEW_NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];

function run(argv, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'nsbridge.js'), ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function main() {
  require('./build-if-needed');
  if (!/^[a-z0-9]+$/.test(REGISTRAR) || !require('node:fs').existsSync(join(root, 'testing', 'registrars', REGISTRAR, 'emulator.ts'))) {
    console.error(`--registrar ${JSON.stringify(REGISTRAR)}: no emulator at testing/registrars/<id>/emulator.ts (nsbridge registrars lists the ids)`);
    process.exit(2);
  }
  const { startEmulator } = require('./load-testing')(`registrars/${REGISTRAR}/emulator.ts`);
  const emu = await startEmulator({ rateLimit: { requests: LIMIT, perMs: WINDOW_MS } });
  const domains = Array.from({ length: DOMAINS }, (_, i) => `bench-${String(i).padStart(4, '0')}.com`);
  for (const d of domains) emu.addDomain(d, ['ns1.old-dns.net', 'ns2.old-dns.net']);
  const limiterDir = mkdtempSync(join(tmpdir(), 'nsbridge-bench-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...emu.env(),
    NSBRIDGE_RATE_LIMIT_DIR: limiterDir,
    [`NSBRIDGE_RATE_LIMIT_${REGISTRAR.toUpperCase()}`]: `${LIMIT}/${WINDOW_MS}ms`,
    // This measures registrar pacing only: the DNS checks have their own tests (no DNS here).
    NSBRIDGE_SKIP_PREFLIGHT: '1',
    NSBRIDGE_PARENT_CHECK: '0',
  };

  const queue = [...domains];
  const failures = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const r = await run(['set', '--registrar', REGISTRAR, '--domain', d, '--ns', NEW_NS.join(',')], env);
        if (r.code !== 0) failures.push(`${d}: exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
      }
    }),
  );
  const wallMs = Date.now() - started;
  const requests = emu.http.requests.length;
  const ok = domains.filter((d) => (emu.nameServersOf(d) || []).length === NEW_NS.length).length;
  // Sliding window of LIMIT per WINDOW_MS: request k (0-based) cannot go before floor(k/LIMIT) windows.
  const minimumMs = Math.max(1, Math.floor((requests - 1) / LIMIT) * WINDOW_MS);
  await emu.close();
  rmSync(limiterDir, { recursive: true, force: true });

  const rows = [
    ['registrar', REGISTRAR],
    ['domains', DOMAINS],
    ['concurrent CLI processes', CONCURRENCY],
    ['limit', `${LIMIT} requests per ${WINDOW_MS} ms (60/min, clock x${SCALE})`],
    ['requests sent', requests],
    ['domains set', `${ok}/${DOMAINS}`],
    ['failures', failures.length],
    ['429 received', emu.http.rateLimitedCount],
    ['wall time', `${(wallMs / 1000).toFixed(1)} s`],
    ['minimum under the limit', `${(minimumMs / 1000).toFixed(1)} s`],
    ['ratio (target <= 1.15)', (wallMs / minimumMs).toFixed(3)],
  ];
  for (const [k, v] of rows) console.log(`${String(k).padEnd(26)} ${v}`);
  for (const f of failures.slice(0, 10)) console.log(`  failure: ${f}`);
  process.exitCode = failures.length === 0 && ok === DOMAINS ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
