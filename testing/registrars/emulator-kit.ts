/**
 * What every registrar emulator shares: a real HTTP server on loopback, a request log, a
 * per-account rate limit (sliding window, the strictest plausible reading of "N per minute"),
 * and fault injection on request (429 with the registrar's retry hint, 5xx, slow answers,
 * dropped connections, malformed bodies). Each registrar's emulator.ts supplies only its own
 * routes, auth check and error envelopes.
 *
 * Emulators are test infrastructure, but they ship in dist/ too so the end-to-end suite and the
 * benchmarks can start them (`node dist/scripts/emulators.js`).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedRequest {
  readonly method: string;
  /** Path without the query string, percent-decoding left to the route. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly bodyText: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  readonly body?: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The route said this request changed state (a registrar write that was accepted). */
  readonly write: boolean;
  readonly at: number;
  readonly fault?: FaultKind;
}

export type FaultKind = 'rateLimit' | 'status' | 'slow' | 'drop' | 'malformed';

export interface Fault {
  readonly kind: FaultKind;
  /** For `status`: the HTTP status to answer (default 503). */
  readonly status?: number;
  /** For `rateLimit`: the retry hint in seconds to send (default 1). */
  readonly retryAfterSec?: number;
  /** For `slow`: how long to wait before handling (default 2000 ms). */
  readonly delayMs?: number;
  /** How many requests this fault hits (default 1; Infinity = until cleared). */
  readonly times?: number;
  /** Only requests whose method matches (e.g. only writes). */
  readonly method?: string;
}

export interface RouteResult extends Reply {
  /** Set when the request changed emulator state (counted as a registrar write). */
  readonly write?: boolean;
}

export interface EmulatorHooks {
  /** Registrar name, for messages. */
  readonly name: string;
  /** Handle one request: auth, validation, state. */
  handle(req: EmulatedRequest): RouteResult | Promise<RouteResult>;
  /** The registrar's "slow down" answer (status and envelope), with its retry hint. */
  rateLimited(retryAfterSec: number): Reply;
  /** The registrar's server-error answer for a given status. */
  serverError(status: number): Reply;
  /** A body that a client cannot parse, with the status the registrar would send it with. */
  malformed(): Reply;
  /**
   * Which account a request is counted against for the rate limit (e.g. the API key), or
   * undefined to count it against a shared anonymous bucket.
   */
  accountOf?(req: EmulatedRequest): string | undefined;
}

export interface EmulatorOptions {
  /** Requests allowed per window per account; undefined = no limit. */
  readonly rateLimit?: { requests: number; perMs: number };
  /** Port to listen on (default: any free port). */
  readonly port?: number;
}

export class HttpEmulator {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: { fault: Fault; left: number }[] = [];
  private readonly windows = new Map<string, number[]>();
  private server?: Server;
  private baseUrl = '';
  rateLimit?: { requests: number; perMs: number };
  /** 429s (or the registrar's equivalent) answered because the limit was exceeded. */
  rateLimitedCount = 0;

  constructor(
    private readonly hooks: EmulatorHooks,
    opts: EmulatorOptions = {},
  ) {
    this.rateLimit = opts.rateLimit;
    this.port = opts.port ?? 0;
  }

  private readonly port: number;

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.dispatch(req, res);
    });
    // Keep-alive sockets from the CLI must not hold close() up.
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Forget the request log and the rate-limit windows (not the registrar state). */
  resetLog(): void {
    this.requests.length = 0;
    this.windows.clear();
    this.rateLimitedCount = 0;
  }

  writes(): number {
    return this.requests.filter((r) => r.write).length;
  }

  private takeFault(method: string): Fault | undefined {
    for (const entry of this.faults) {
      if (entry.left <= 0) continue;
      if (entry.fault.method && entry.fault.method.toUpperCase() !== method) continue;
      entry.left -= 1;
      return entry.fault;
    }
    return undefined;
  }

  private overLimit(account: string): boolean {
    if (!this.rateLimit) return false;
    const now = Date.now();
    const stamps = (this.windows.get(account) ?? []).filter((t) => t > now - this.rateLimit!.perMs);
    if (stamps.length >= this.rateLimit.requests) {
      this.windows.set(account, stamps);
      return true;
    }
    stamps.push(now);
    this.windows.set(account, stamps);
    return false;
  }

  private retryAfterSec(account: string): number {
    if (!this.rateLimit) return 1;
    const stamps = this.windows.get(account) ?? [];
    const oldest = stamps[0] ?? Date.now();
    return Math.max(1, Math.ceil((oldest + this.rateLimit.perMs - Date.now()) / 1000));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://emulator');
    let json: unknown;
    try {
      json = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      json = undefined;
    }
    const request: EmulatedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      bodyText,
      json,
    };
    const record = (status: number, write = false, fault?: FaultKind) =>
      this.requests.push({ method: request.method, path: request.path, status, write, at: Date.now(), fault });

    const fault = this.takeFault(request.method);
    if (fault?.kind === 'drop') {
      record(0, false, 'drop');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') {
      await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000));
      // The client gave up (timeout) while we dawdled: nothing reached it, so nothing happened.
      if (req.socket.destroyed || res.destroyed) return;
    }
    if (fault?.kind === 'rateLimit') {
      const reply = this.hooks.rateLimited(fault.retryAfterSec ?? 1);
      record(reply.status, false, 'rateLimit');
      return this.send(res, reply);
    }
    if (fault?.kind === 'status') {
      const reply = this.hooks.serverError(fault.status ?? 503);
      record(reply.status, false, 'status');
      return this.send(res, reply);
    }
    if (fault?.kind === 'malformed') {
      const reply = this.hooks.malformed();
      record(reply.status, false, 'malformed');
      return this.send(res, reply);
    }

    const account = this.hooks.accountOf?.(request) ?? '(anonymous)';
    if (this.overLimit(account)) {
      this.rateLimitedCount += 1;
      const reply = this.hooks.rateLimited(this.retryAfterSec(account));
      record(reply.status);
      return this.send(res, reply);
    }
    let result: RouteResult;
    try {
      result = await this.hooks.handle(request);
    } catch (err) {
      result = { ...this.hooks.serverError(500), write: false };
      // eslint-disable-next-line no-console
      console.error(`${this.hooks.name} emulator: handler crashed: ${(err as Error).stack}`);
    }
    record(result.status, Boolean(result.write));
    this.send(res, result);
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const isText = typeof reply.body === 'string' || reply.body === undefined;
    const body = reply.body === undefined ? '' : isText ? String(reply.body) : JSON.stringify(reply.body);
    const headers: Record<string, string> = {
      ...(isText ? {} : { 'Content-Type': 'application/json' }),
      ...reply.headers,
      'Content-Length': String(Buffer.byteLength(body)),
    };
    res.writeHead(reply.status, headers);
    res.end(body);
  }
}

/** Helpers for routes. */
export const json = (status: number, body: unknown, write = false): RouteResult => ({ status, body, write });
