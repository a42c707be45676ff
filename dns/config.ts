/**
 * Which DNS servers nsbridge asks (a contract other tools and tests depend on):
 *  - NSBRIDGE_DNS_SERVER (or --dns-server) = ip[:port][,ip[:port]...]: the RECURSIVE resolver used
 *    to find the parent zone's servers and the addresses of name servers. Default: the system's
 *    resolvers (/etc/resolv.conf). For split-horizon DNS, point it at a resolver that sees the
 *    public view.
 *  - Direct, non-recursive questions to authoritative servers (pre-flight, verification) go to
 *    port 53, or NSBRIDGE_DNS_PORT.
 */
import { getServers } from 'node:dns';
import { isIP } from 'node:net';
import type { DnsServer } from './query';
import { UsageError } from '../core/errors';
import { parseDuration } from '../core/duration';

export interface DnsConfig {
  readonly resolvers: DnsServer[];
  readonly authoritativePort: number;
  /** Per-attempt timeout for one question (NSBRIDGE_DNS_TIMEOUT, default 2s). */
  readonly timeoutMs: number;
}

export function parseServer(value: string, defaultPort = 53): DnsServer {
  const v = value.trim();
  let host = v;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (isIP(v) !== 6 && v.includes(':')) {
    const i = v.lastIndexOf(':');
    host = v.slice(0, i);
    port = Number(v.slice(i + 1));
  }
  if (!isIP(host)) throw new UsageError(`DNS server "${value}" is not an IP address (ip, ip:port or [ipv6]:port)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`DNS server "${value}" has an invalid port`);
  return { host, port };
}

export function dnsConfig(env: NodeJS.ProcessEnv, dnsServerFlag?: string): DnsConfig {
  const named = dnsServerFlag ?? env.NSBRIDGE_DNS_SERVER;
  const resolvers = named
    ? named.split(',').filter((s) => s.trim() !== '').map((s) => parseServer(s))
    : getServers().map((s) => parseServer(s));
  if (resolvers.length === 0) throw new UsageError('no DNS resolver: set NSBRIDGE_DNS_SERVER (or --dns-server) to ip[:port]');
  const rawPort = env.NSBRIDGE_DNS_PORT;
  const authoritativePort = rawPort ? Number(rawPort) : 53;
  if (!Number.isInteger(authoritativePort) || authoritativePort < 1 || authoritativePort > 65535) {
    throw new UsageError(`NSBRIDGE_DNS_PORT="${rawPort}" is not a port number`);
  }
  const rawTimeout = env.NSBRIDGE_DNS_TIMEOUT;
  let timeoutMs = 2000;
  if (rawTimeout) {
    try {
      timeoutMs = parseDuration(rawTimeout);
    } catch (e) {
      throw new UsageError(`NSBRIDGE_DNS_TIMEOUT: ${(e as Error).message}`);
    }
  }
  return { resolvers, authoritativePort, timeoutMs };
}
