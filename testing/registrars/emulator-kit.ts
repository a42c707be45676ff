/**
 * What every registrar emulator shares: a real HTTP server on loopback, a request log, a
 * per-account rate limit (sliding window, the strictest plausible reading of "N per minute"),
 * and fault injection on request (429 with the registrar's retry hint, 5xx, slow answers,
 * dropped connections, malformed bodies, answers cut off mid-body, bodies that trickle in, error
 * envelopes sent with HTTP 200, answers of the wrong shape). Each registrar's emulator.ts supplies
 * only its own routes, auth check and error envelopes; the kit has a registrar-neutral default
 * for the 200 envelope and the wrong shape.
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

export type FaultKind =
  | 'rateLimit'
  | 'status'
  | 'slow'
  | 'drop'
  | 'malformed'
  /** The route runs (a write lands), then the status line and part of the body go out and the connection is reset. */
  | 'cutOff'
  /** The route runs, then the status line goes out and the body trickles in, a space every `intervalMs`, never ending. */
  | 'trickle'
  /** HTTP 200 with the registrar's error envelope (EmulatorHooks.errorEnvelope) instead of the object asked for. */
  | 'errorEnvelope'
  /** HTTP 200 with a well-formed body that is not the object asked for (EmulatorHooks.wrongShape). */
  | 'wrongShape';

/** Faults that spoil the answer of a request the route has already carried out. */
const AFTER_ROUTE: ReadonlySet<FaultKind> = new Set(['cutOff', 'trickle']);

/** Registrar-neutral defaults: an error object where a domain object was expected, and an unrelated object. */
export const DEFAULT_ERROR_ENVELOPE: Reply = {
  status: 200,
  body: { error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred; please try again later' } },
};
export const DEFAULT_WRONG_SHAPE: Reply = { status: 200, body: { result: 'ok', items: [{ id: 1, name: 'something else' }] } };

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
  /** Only requests whose method matches. */
  readonly method?: string;
  /**
   * `cutOff` and `trickle` only: spoil only answers to requests the route counted as a write (a
   * read sent as POST, such as Porkbun's, is answered normally and does not use the fault up).
   */
  readonly writesOnly?: boolean;
  /** For `trickle`: the pause between bytes (default 500 ms). */
  readonly intervalMs?: number;
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
   * The registrar's error envelope sent with HTTP 200 (for registrars that answer errors with 200,
   * their usual error); default DEFAULT_ERROR_ENVELOPE.
   */
  errorEnvelope?(): Reply;
  /** A well-formed answer that is not the object asked for; default DEFAULT_WRONG_SHAPE. */
  wrongShape?(): Reply;
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
  private readonly trickles = new Set<NodeJS.Timeout>();
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
    for (const t of this.trickles) clearInterval(t);
    this.trickles.clear();
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

  /** The next fault for this request: before the route runs, or after it (`cutOff`, `trickle`). */
  private takeFault(method: string, phase: 'before' | 'after', write = false): Fault | undefined {
    for (const entry of this.faults) {
      if (entry.left <= 0) continue;
      if (AFTER_ROUTE.has(entry.fault.kind) !== (phase === 'after')) continue;
      if (entry.fault.writesOnly && !write) continue;
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

    const fault = this.takeFault(request.method, 'before');
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
    if (fault?.kind === 'errorEnvelope' || fault?.kind === 'wrongShape') {
      const reply =
        fault.kind === 'errorEnvelope'
          ? (this.hooks.errorEnvelope?.() ?? DEFAULT_ERROR_ENVELOPE)
          : (this.hooks.wrongShape?.() ?? DEFAULT_WRONG_SHAPE);
      record(reply.status, false, fault.kind);
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
    const after = this.takeFault(request.method, 'after', Boolean(result.write));
    record(result.status, Boolean(result.write), after?.kind);
    if (after?.kind === 'cutOff') return this.cutOff(res, result);
    if (after?.kind === 'trickle') return this.trickle(res, result, after.intervalMs ?? 500);
    this.send(res, result);
  }

  private encode(reply: Reply): { body: string; headers: Record<string, string> } {
    const isText = typeof reply.body === 'string' || reply.body === undefined;
    const body = reply.body === undefined ? '' : isText ? String(reply.body) : JSON.stringify(reply.body);
    return { body, headers: { ...(isText ? {} : { 'Content-Type': 'application/json' }), ...reply.headers } };
  }

  /** Status line, headers and half the body (promising more), then a reset: the answer never completes. */
  private cutOff(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const { body, headers } = this.encode(reply);
    const part = body.slice(0, Math.floor(body.length / 2));
    res.writeHead(reply.status, { ...headers, 'Content-Length': String(Buffer.byteLength(body) + 64) });
    res.flushHeaders();
    res.write(part, () => setTimeout(() => res.socket?.destroy(), 30));
  }

  /** Status line and headers, then a space every `intervalMs`, until the client gives up. */
  private trickle(res: ServerResponse, reply: Reply, intervalMs: number): void {
    if (res.destroyed) return;
    const { headers } = this.encode(reply);
    delete headers['Content-Length'];
    res.writeHead(reply.status, headers);
    res.flushHeaders();
    const timer = setInterval(() => {
      if (res.destroyed || res.socket?.destroyed) {
        clearInterval(timer);
        this.trickles.delete(timer);
        return;
      }
      res.write(' ');
    }, intervalMs);
    this.trickles.add(timer);
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const { body, headers } = this.encode(reply);
    res.writeHead(reply.status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }
}

/** Helpers for routes. */
export const json = (status: number, body: unknown, write = false): RouteResult => ({ status, body, write });
