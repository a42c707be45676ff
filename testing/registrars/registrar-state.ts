/**
 * State shared by the emulators: which domains an account holds and their name servers, and the
 * registry-side rule for which name servers exist. Registries refuse delegations to hosts that do
 * not exist; the emulators model that with the reserved `.invalid` TLD (RFC 2606), so a test can
 * ask for a rejection without a real DNS lookup.
 */
export interface EmulatedDomain {
  nameServers: string[];
  /** Registrar-specific flags (e.g. GoDaddy status, Porkbun API access). */
  [key: string]: unknown;
}

export class DomainStore {
  readonly domains = new Map<string, EmulatedDomain>();

  add(domain: string, nameServers: string[], extra: Record<string, unknown> = {}): void {
    this.domains.set(domain.toLowerCase(), { ...extra, nameServers: [...nameServers] });
  }

  get(domain: string): EmulatedDomain | undefined {
    return this.domains.get(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    const d = this.get(domain);
    return d ? [...d.nameServers] : undefined;
  }
}

/** A host name the registry accepts as a name server. */
export function isRegisteredHost(ns: string): boolean {
  const host = ns.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) return false;
  return !host.endsWith('.invalid');
}

/** Callback the DNS-level tests use to move the "parent zone" when a registrar accepts a change. */
export type DelegationListener = (domain: string, nameServers: string[]) => void;
