/**
 * Loads and validates the configuration on a worker thread, so that the main thread can load
 * cdktf and the AWS provider classes at the same time (scripts/app.js starts this first). On a
 * cold start the two take about as long as each other for a large domains.yaml (the YAML parser
 * dominates), so on a 2-core machine this hides most of one behind the other.
 *
 * Protocol: one message back, `{ ok: true, config }` or `{ ok: false, message }` (a ConfigError's
 * report) or `{ ok: false, crash }` (anything unexpected, with its stack).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, configPath, loadConfig, NsbridgeConfig } from './load';

export type WorkerResult = { ok: true; config: NsbridgeConfig } | { ok: false; message: string } | { ok: false; crash: string };

function run(file: string): WorkerResult {
  try {
    return { ok: true, config: loadConfig(file) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, message: err.message };
    return { ok: false, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

// The worker sees the parent's environment and working directory, so it resolves the same file.
if (parentPort) parentPort.postMessage(run((workerData as { file?: string } | undefined)?.file ?? configPath()));
