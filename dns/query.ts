/**
 * One DNS question to one server, over UDP with TCP fallback (RFC 7766), using dns-packet for the
 * wire format. Nothing here follows referrals or caches: the delegation checks need to see exactly
 * what one server says, with its AA flag.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';
import * as packet from 'dns-packet';

export interface DnsServer {
  readonly host: string;
  readonly port: number;
}

export interface DnsAnswer {
  readonly rcode: string;
  /** Authoritative Answer flag. */
  readonly aa: boolean;
  readonly tc: boolean;
  readonly ra: boolean;
  readonly answers: packet.Answer[];
  readonly authorities: packet.Answer[];
  readonly additionals: packet.Answer[];
}

export interface QueryOptions {
  /** Recursion Desired: true for a resolver, false for an authoritative server. */
  readonly recursive: boolean;
  /** Per attempt (default 2000 ms). */
  readonly timeoutMs?: number;
  /** UDP attempts before giving up (default 2). */
  readonly attempts?: number;
}

export class DnsTimeoutError extends Error {
  constructor(readonly server: DnsServer) {
    super(`no answer from ${formatServer(server)}`);
    this.name = 'DnsTimeoutError';
  }
}

export function formatServer(s: DnsServer): string {
  return isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

let nextId = Math.floor(Math.random() * 65535);

function encodeQuery(name: string, type: packet.RecordType, recursive: boolean, id: number): packet.Packet {
  return {
    type: 'query',
    id,
    flags: recursive ? packet.RECURSION_DESIRED : 0,
    questions: [{ type, name, class: 'IN' }],
  };
}

function toAnswer(p: packet.DecodedPacket): DnsAnswer {
  return {
    rcode: (p as unknown as { rcode: string }).rcode ?? 'NOERROR',
    aa: p.flag_aa,
    tc: p.flag_tc,
    ra: p.flag_ra,
    answers: p.answers ?? [],
    authorities: p.authorities ?? [],
    additionals: p.additionals ?? [],
  };
}

function udpOnce(server: DnsServer, q: packet.Packet, timeoutMs: number): Promise<packet.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new DnsTimeoutError(server));
    }, timeoutMs);
    socket.on('message', (msg) => {
      let decoded: packet.DecodedPacket;
      try {
        decoded = packet.decode(msg);
      } catch {
        return; // not a DNS answer: keep waiting for a real one until the timeout
      }
      if (decoded.id !== q.id) return; // a late answer to another query
      clearTimeout(timer);
      socket.close();
      resolve(decoded);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.send(packet.encode(q), server.port, server.host);
  });
}

function tcpOnce(server: DnsServer, q: packet.Packet, timeoutMs: number): Promise<packet.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DnsTimeoutError(server));
    }, timeoutMs);
    socket.on('connect', () => socket.write(packet.streamEncode(q)));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < len + 2) return;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(packet.decode(buf.subarray(2, len + 2)));
      } catch (e) {
        reject(e);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Ask one server one question. Retries UDP on timeout; falls back to TCP on a truncated answer. */
export async function query(server: DnsServer, name: string, type: packet.RecordType, opts: QueryOptions): Promise<DnsAnswer> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const attempts = opts.attempts ?? 2;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    nextId = (nextId + 1) % 65536;
    const q = encodeQuery(name, type, opts.recursive, nextId);
    try {
      const udp = await udpOnce(server, q, timeoutMs);
      if (!udp.flag_tc) return toAnswer(udp);
      return toAnswer(await tcpOnce(server, q, timeoutMs));
    } catch (err) {
      lastError = err;
      if (!(err instanceof DnsTimeoutError)) break;
    }
  }
  throw lastError;
}

/** Lower-case, no trailing dot: how names are compared everywhere. */
export const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');
