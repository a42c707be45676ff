/**
 * The setup every registrar's own test blocks (quirks, DNSSEC) share: one emulator for the
 * describe block, started in beforeAll and closed in afterAll, a temporary directory for the
 * shared rate limiter, and the environment that points nsbridge at that emulator. nsbridge's own
 * limiter is off (a test that is about pacing turns it on, or sets the emulator's limit) and
 * the retry base is short, so a retried request does not slow the suite down.
 *
 * Call it at the top of a describe block, before the block's own beforeAll/afterAll: the hooks
 * run in the order they are declared, so the block's own beforeAll already sees the emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAdapter } from '../../registrar-adapters';
import type { DnssecOperations, RegistrarClient, RegistrarId } from '../../registrar-adapters/core/types';
import type { ConformanceEmulator } from './conformance-types';
import { baseEnv } from './run-cli';

export type EnvExtra = Record<string, string | undefined>;

export interface QuirkSetup<E extends ConformanceEmulator> {
  /** The block's emulator (from its beforeAll on). */
  emu(): E;
  /** The rate limiter's directory for this block (NSBRIDGE_RATE_LIMIT_DIR). */
  limiterDir(): string;
  /**
   * The CLI's environment for `on` (default: the block's emulator), nsbridge's limiter off and a
   * 20 ms retry base; `extra` adds or overrides variables, an undefined value leaves one out.
   */
  env(extra?: EnvExtra, on?: E): NodeJS.ProcessEnv;
  /** The adapter in-process with env(extra); `log` receives its progress lines. */
  client(extra?: EnvExtra, log?: (message: string) => void): Promise<RegistrarClient>;
  /** The adapter's DNSSEC operations, as client() gives them (an error if it has none). */
  dnssec(extra?: EnvExtra, log?: (message: string) => void): Promise<DnssecOperations>;
}

export function useEmulatorForQuirks<E extends ConformanceEmulator>(id: RegistrarId, start: () => Promise<E>): QuirkSetup<E> {
  let emulator: E | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `nsbridge-${id}-test-`));
    emulator = await start();
  });
  afterAll(async () => {
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const emu = (): E => {
    if (!emulator) throw new Error(`${id}: the emulator is used before beforeAll started it`);
    return emulator;
  };
  const limiterDir = (): string => {
    if (dir === undefined) throw new Error(`${id}: the rate limiter directory is used before beforeAll made it`);
    return dir;
  };
  const env = (extra: EnvExtra = {}, on: E = emu()): NodeJS.ProcessEnv =>
    baseEnv({
      ...on.env(),
      NSBRIDGE_RATE_LIMIT_DIR: limiterDir(),
      [`NSBRIDGE_RATE_LIMIT_${id.toUpperCase()}`]: 'off',
      NSBRIDGE_HTTP_RETRY_BASE: '20ms',
      ...extra,
    });
  const client = async (extra: EnvExtra = {}, log: (message: string) => void = () => {}): Promise<RegistrarClient> =>
    loadAdapter(id).createClient({ env: env(extra), log, debug: () => {} });
  const dnssec = async (extra: EnvExtra = {}, log?: (message: string) => void): Promise<DnssecOperations> => {
    const ops = (await client(extra, log)).dnssec;
    if (!ops) throw new Error(`${id}: the adapter's client offers no DNSSEC operations`);
    return ops;
  };
  return { emu, limiterDir, env, client, dnssec };
}
