import { UsageError } from './errors';
import { quoteInput } from './quote';

/** Durations as users write them: `500ms`, `30s`, `10m`, `1h`, `1m30s`, or a bare number of milliseconds. */
export function parseDuration(value: string): number {
  const v = String(value).trim().toLowerCase();
  if (/^\d+$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of v.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0];
  }
  if (consumed.replace(/\s+/g, '') !== v.replace(/\s+/g, '') || consumed === '') {
    throw new Error(`duration "${value}" is not valid; use e.g. 500ms, 30s, 10m, 1h or 1m30s`);
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m}m${rest}s` : `${m}m`;
}

/**
 * A duration setting from the environment (e.g. an operation timeout): `fallback` when unset or
 * blank; a usage error naming the variable when it does not parse or is shorter than `min`.
 */
export function durationSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
  if (ms < min) throw new UsageError(`${name}=${quoteInput(raw)} is too short; use at least ${formatDuration(min)}`);
  return ms;
}

/** Wait `ms`, or less if `signal` aborts first (it resolves either way: the caller checks the signal). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
