/** Run the bundled CLI as a user would: a child process, its exit code, stdout and stderr. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The repository root (this file runs from source under jest and from dist/ in scripts). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'nsbridge.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the nsbridge repository root above ' + __dirname);
    dir = up;
  }
  return dir;
}

export const CLI_PATH = join(repoRoot(), 'bin', 'nsbridge.js');

/** Environment a test CLI run starts from: nothing of the developer's own credentials leaks in. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // Registrar tests are about the registrar API: the DNS checks (pre-flight, parent view) are off
  // unless a test brings its own loopback DNS world (testing/dns/dns-world.ts turns them back on).
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NSBRIDGE_SKIP_PREFLIGHT: '1',
    NSBRIDGE_PARENT_CHECK: '0',
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** `input`: what the CLI reads on stdin (terraform-external's query); none when undefined. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000, input?: string): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * What a CLI run loads: every id its code passes to require() (Node built-ins, the bundle itself),
 * logged by a preloaded hook. Asynchronous on purpose: an emulator in this very process may have to
 * answer the child (spawnSync would block its event loop and deadlock the child).
 */
export async function modulesRequiredBy(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; ids: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'nsbridge-required-'));
  try {
    const log = join(dir, 'required.txt');
    const preload = join(dir, 'preload.js');
    writeFileSync(log, '');
    writeFileSync(
      preload,
      `const M = require('module'); const fs = require('fs'); const orig = M.prototype.require;
       M.prototype.require = function (id) { fs.appendFileSync(${JSON.stringify(log)}, id + '\\n'); return orig.apply(this, arguments); };`,
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', preload, CLI_PATH, ...args], { env, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, ids: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
