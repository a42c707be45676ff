/**
 * End-to-end harness: an engine (NSBRIDGE_E2E_ENGINE=tofu, the default, or terraform) + the AWS
 * provider (from the e2e tools cache, scripts/e2e/install-tools.sh) against a moto server, the
 * registrar emulators and a loopback DNS world, driven through `npx cdktf deploy/diff/destroy`
 * exactly as a user runs it. scripts/e2e/run-e2e.sh runs the suite once per engine.
 *
 * Everything a test writes lives in its own temporary work directory (cdktf.json, domains.yaml,
 * cdktf.out, the local state files, logs), so the repository is never touched.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DnsWorld } from '../../testing/dns/dns-world';
import { startEmulator as startGoDaddy, GoDaddyEmulator } from '../../testing/registrars/godaddy/emulator';
import { startEmulator as startNamecheap, NamecheapEmulator } from '../../testing/registrars/namecheap/emulator';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_DIR = process.env.NSBRIDGE_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nsbridge-tools');
export const MOTO_VENV = path.join(TOOLS_DIR, 'moto-venv');
export const MOTO_NS = ['ns-2048.awsdns-64.com', 'ns-2049.awsdns-65.net', 'ns-2050.awsdns-66.org', 'ns-2051.awsdns-67.co.uk'];
/** The name servers the test domains have at their registrar before nsbridge (restore puts them back). */
export const PREVIOUS_NS = ['ns1.previous-dns.com', 'ns2.previous-dns.com'];

/**
 * The engine this run uses (run-e2e.sh runs the suite once per engine): `tofu` (current OpenTofu),
 * `terraform` (Terraform at the README's floor) or `tofu-floor` (OpenTofu at the README's floor).
 * Each is a binary of that name in the tools cache.
 */
export const ENGINES = ['tofu', 'terraform', 'tofu-floor'] as const;
export type Engine = (typeof ENGINES)[number];
const engineEnv = process.env.NSBRIDGE_E2E_ENGINE ?? 'tofu';
if (!(ENGINES as readonly string[]).includes(engineEnv)) throw new Error(`NSBRIDGE_E2E_ENGINE must be one of ${ENGINES.join(', ')}, not ${engineEnv}`);
export const ENGINE = engineEnv as Engine;
export const ENGINE_BIN = path.join(TOOLS_DIR, 'bin', ENGINE);
/** The CLI config: a filesystem mirror under the engine's own registry host, no network. */
export const ENGINE_CLI_CONFIG = path.join(TOOLS_DIR, ENGINE === 'terraform' ? 'terraformrc' : 'tofurc');
export const MIRROR_HOST = ENGINE === 'terraform' ? 'registry.terraform.io' : 'registry.opentofu.org';

/** What the suite needs from the tools cache; a list of what is missing (empty: all there). */
export function missingTools(): string[] {
  const need = [
    ENGINE_BIN,
    ENGINE_CLI_CONFIG,
    path.join(MOTO_VENV, 'bin', 'moto_server'),
    path.join(TOOLS_DIR, `mirror/${MIRROR_HOST}/hashicorp/aws/6.25.0/linux_amd64`),
    path.join(TOOLS_DIR, `mirror/${MIRROR_HOST}/hashicorp/external/2.3.5/linux_amd64`),
  ];
  return need.filter((p) => !fs.existsSync(p));
}

let engineVersionLine: string | undefined;
/** First line of `<engine> version`, e.g. "Terraform v1.5.7" (names the engine in test titles). */
export function engineVersion(): string {
  engineVersionLine ??= execFileSync(ENGINE_BIN, ['version'], { env: { PATH: process.env.PATH ?? '' } }).toString().split('\n')[0].trim();
  return engineVersionLine;
}

/** Whether the engine of this run is at least major.minor. */
export function engineAtLeast(major: number, minor: number): boolean {
  const v = /v(\d+)\.(\d+)\./.exec(engineVersion());
  if (!v) throw new Error(`no version in "${engineVersion()}"`);
  return Number(v[1]) * 1000 + Number(v[2]) >= major * 1000 + minor;
}

/**
 * `describe` for an e2e file: its title names the engine, and a missing tool fails the file (no
 * skip): run-e2e.sh builds the tools first.
 */
export function describeE2e(title: string, fn: () => void): void {
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`the e2e tools cache is incomplete, missing: ${missing.join(', ')}; build it with: bash scripts/e2e/install-tools.sh`);
  describe(`${title} [${engineVersion()}]`, fn);
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// moto

export class Moto {
  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly logPath: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(logDir: string): Promise<Moto> {
    const port = await freePort();
    const logPath = path.join(logDir, `moto-${port}.log`);
    const log = fs.openSync(logPath, 'a');
    const proc = spawn(path.join(MOTO_VENV, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const moto = new Moto(proc, port, logPath);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`moto_server exited early: ${fs.readFileSync(logPath, 'utf8').slice(-2000)}`);
      try {
        const r = await fetch(`${moto.url}/moto-api/data.json`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error('moto_server did not answer within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    return moto;
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/moto-api/reset`, { method: 'POST' });
  }

  /** Run a boto3 snippet (moto's venv has boto3) against this moto; returns its JSON stdout. */
  async boto<T = unknown>(code: string): Promise<T> {
    const script = [
      'import boto3, json, sys',
      `kw = dict(endpoint_url=${JSON.stringify(this.url)}, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")`,
      code,
    ].join('\n');
    const r = await run(path.join(MOTO_VENV, 'bin', 'python'), ['-c', script], { env: { PATH: process.env.PATH ?? '' }, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`boto3 failed: ${r.output}`);
    return JSON.parse(r.stdout) as T;
  }

  /** Hosted zones in moto: name (no trailing dot) -> NS of the zone's delegation set. */
  async zones(): Promise<Record<string, string[]>> {
    return this.boto<Record<string, string[]>>(
      [
        'c = boto3.client("route53", **kw)',
        'out = {}',
        'for z in c.list_hosted_zones()["HostedZones"]:',
        '    d = c.get_hosted_zone(Id=z["Id"])',
        '    out[z["Name"].rstrip(".")] = d.get("DelegationSet", {}).get("NameServers", [])',
        'print(json.dumps(out))',
      ].join('\n'),
    );
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// processes

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came */
  output: string;
  ms: number;
}

/** Spawn without blocking the event loop (the emulators and the DNS world run in this process). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number; logFile?: string },
): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      output += d.toString();
    });
    const timer = setTimeout(() => {
      output += `\n[e2e harness: timeout after ${opts.timeoutMs} ms, killing process group ${child.pid}]\n`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, opts.timeoutMs ?? 15 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const res = { code: code ?? -1, stdout, stderr, output, ms: Date.now() - t0 };
      if (opts.logFile) fs.appendFileSync(opts.logFile, `\n===== ${cmd} ${args.join(' ')} (exit ${res.code}, ${res.ms} ms)\n${output}`);
      resolve(res);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// the world of one test file

export interface WorldOptions {
  /** Domains the registrar emulators hold, with the name servers they start with. */
  readonly godaddy?: string[];
  readonly namecheap?: string[];
}

export class E2eWorld {
  readonly logFile: string;
  extraEnv: Record<string, string> = {};

  private constructor(
    readonly dir: string,
    readonly moto: Moto,
    readonly godaddy: GoDaddyEmulator,
    readonly namecheap: NamecheapEmulator,
    readonly dns: DnsWorld,
  ) {
    this.logFile = path.join(dir, 'e2e.log');
  }

  static async start(name: string): Promise<E2eWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nsbridge-e2e-${ENGINE}-${name}-`));
    const moto = await Moto.start(dir);
    const godaddy = await startGoDaddy({ rateLimit: null });
    const namecheap = await startNamecheap({ rateLimit: null });
    const dns = await DnsWorld.start({ tld: 'com' });
    const world = new E2eWorld(dir, moto, godaddy, namecheap, dns);
    // A registrar accepting a change = the registry publishing it at the parent (TLD) servers.
    godaddy.onDelegationChange = (d, ns) => dns.delegate(d, ns);
    namecheap.onDelegationChange = (d, ns) => dns.delegate(d, ns);
    fs.writeFileSync(
      path.join(dir, 'cdktf.json'),
      JSON.stringify(
        {
          language: 'typescript',
          app: `node ${JSON.stringify(path.join(REPO_ROOT, 'scripts', 'app.js'))}`,
          projectId: 'nsbridge-e2e',
          sendCrashReports: false,
          terraformProviders: [],
          terraformModules: [],
          context: {},
        },
        null,
        2,
      ),
    );
    return world;
  }

  /**
   * A domain as it is before nsbridge: in the registrar account, delegated to PREVIOUS_NS (which
   * serve it, so `restore` can put them back), and served by moto's four name servers (standing in
   * for Route 53's servers, which moto does not run), so the CLI's DNS pre-flight passes.
   */
  async addDomain(registrar: 'godaddy' | 'namecheap', domain: string): Promise<void> {
    (registrar === 'godaddy' ? this.godaddy : this.namecheap).addDomain(domain, [...PREVIOUS_NS]);
    await this.dns.serveZone(domain, PREVIOUS_NS);
    await this.dns.serveZone(domain, MOTO_NS);
    this.dns.delegate(domain, PREVIOUS_NS);
  }

  writeConfig(yaml: string): void {
    fs.writeFileSync(path.join(this.dir, 'domains.yaml'), yaml);
  }

  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: `${path.join(TOOLS_DIR, 'bin')}:${path.join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      LANG: process.env.LANG,
      // scripts/e2e/env.sh, spelled out so that `npm run test:e2e` needs nothing sourced
      NSBRIDGE_TOOLS_DIR: TOOLS_DIR,
      TF_CLI_CONFIG_FILE: ENGINE_CLI_CONFIG,
      TERRAFORM_BINARY_NAME: ENGINE,
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: 'true',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
      CI: 'true',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      TF_IN_AUTOMATION: '1',
      NSBRIDGE_CONFIG: path.join(this.dir, 'domains.yaml'),
      // the AWS provider and the CLI's Route 53 Domains client, pointed at moto
      AWS_ENDPOINT_URL: this.moto.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // registrars and DNS
      ...this.godaddy.env(),
      ...this.namecheap.env(),
      ...this.dns.env(),
      NSBRIDGE_RATE_LIMIT_GODADDY: 'off',
      NSBRIDGE_RATE_LIMIT_NAMECHEAP: 'off',
      ...this.extraEnv,
    };
    return env;
  }

  /** `npx cdktf <args>` in the work directory (or in `cwd`, another one made by `workDir`). */
  cdktf(args: string[], timeoutMs = 15 * 60_000, cwd = this.dir): Promise<RunResult> {
    return run(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), args, { cwd, env: this.env(), timeoutMs, logFile: path.join(cwd, 'e2e.log') });
  }

  /**
   * Another work directory (a second checkout, as a second CI job has): same cdktf.json and
   * configuration (NSBRIDGE_CONFIG), its own cdktf.out. Under this world's directory.
   */
  workDir(name: string): string {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(this.dir, 'cdktf.json'), path.join(dir, 'cdktf.json'));
    return dir;
  }

  deploy(): Promise<RunResult> {
    return this.cdktf(['deploy', '*', '--auto-approve', '--skip-provider-lock']);
  }

  /** `cdktf diff` takes one stack (no '*'). */
  diff(stack = 'e2e'): Promise<RunResult> {
    return this.cdktf(['diff', stack, '--skip-provider-lock']);
  }

  destroy(): Promise<RunResult> {
    return this.cdktf(['destroy', '*', '--auto-approve', '--skip-provider-lock']);
  }

  /** `<engine> <args>` (tofu or terraform) in a synthesized stack directory (the direct route). */
  tofu(stack: string, args: string[], timeoutMs = 15 * 60_000): Promise<RunResult> {
    return run(ENGINE_BIN, [`-chdir=${path.join(this.dir, 'cdktf.out', 'stacks', stack)}`, ...args], {
      env: this.env(),
      timeoutMs,
      logFile: this.logFile,
    });
  }

  resetLogs(): void {
    this.godaddy.http.resetLog();
    this.namecheap.http.resetLog();
  }

  secrets(): string[] {
    return [...this.godaddy.secrets(), ...this.namecheap.secrets()];
  }

  async close(keep = process.env.NSBRIDGE_E2E_KEEP === '1'): Promise<void> {
    await Promise.allSettled([this.moto.stop(), this.godaddy.close(), this.namecheap.close(), this.dns.close()]);
    if (keep) process.stderr.write(`nsbridge e2e: kept ${this.dir}\n`);
    else fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every file under dir (recursively), skipping provider binaries and plugin dirs. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === 'providers' && d.endsWith('.terraform')) continue;
        walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Show the tail of a command's output when an expectation about it fails. */
export function explain(r: RunResult): string {
  return `exit ${r.code} after ${r.ms} ms\n${r.output.slice(-6000)}`;
}

/** Name servers as the tests compare them: lower case, no trailing dot, sorted. */
export const sortedNs = (ns: readonly string[] | undefined): string[] => (ns ?? []).map((n) => n.toLowerCase().replace(/\.$/, '')).sort();

/**
 * Scenarios that build on each other (a no-op deploy needs a deploy before it): after the first
 * failure the later ones fail at once, naming it, instead of piling up. `keepWorld()` is what
 * `E2eWorld.close` takes: keep the work directory of a failed run unless NSBRIDGE_E2E_KEEP=0.
 */
export function scenarioChain(): { step: (name: string, fn: () => Promise<void>) => void; keepWorld: () => true | undefined } {
  let broken: string | undefined;
  return {
    step: (name, fn) =>
      test(name, async () => {
        if (broken) throw new Error(`not run: "${broken}" failed`);
        try {
          await fn();
        } catch (e) {
          broken = name;
          throw e;
        }
      }),
    keepWorld: () => (broken !== undefined && process.env.NSBRIDGE_E2E_KEEP !== '0' ? true : undefined),
  };
}
