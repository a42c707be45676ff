/** What an emulator offers the shared conformance suite. */
import type { HttpEmulator } from './emulator-kit';
import type { DelegationListener } from './registrar-state';
import type { DnssecRecord } from '../../core/dnssec';

export interface ConformanceEmulator {
  readonly http: HttpEmulator;
  readonly url: string;
  /** Credentials + endpoint override that make the CLI talk to this emulator. */
  env(): Record<string, string>;
  /** Like env(), with a wrong secret. */
  badCredentialsEnv(): Record<string, string>;
  /** Secret values that must never appear in any output. */
  secrets(): string[];
  /** Put a domain in the account with these name servers. */
  addDomain(domain: string, nameServers: string[]): void;
  /** What the emulated registrar holds now (undefined: not in the account). */
  nameServersOf(domain: string): string[] | undefined;
  /**
   * DNSSEC, for registrars whose info says `capabilities.dnssec` is supported: put records in the
   * account as the registrar would hold them (in its own format), and read back what it holds now,
   * translated to canonical records (DS always; DNSKEY where the registrar keeps it).
   */
  setDnssecRecords?(domain: string, records: readonly DnssecRecord[]): void;
  dnssecRecordsOf?(domain: string): DnssecRecord[] | undefined;
  /** Called when the emulated registrar accepts a DS change (DNS tests move the parent's DS). */
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  /**
   * Only for registrars whose writes are asynchronous (an OVH task, a Joker Proc-ID, an INWX 1001
   * "action pending", a hosting.de or AutoDNS job, a Realtime Register process): finish every
   * operation the registry accepted, as time would at the real registry whether or not anyone
   * polls it (a failing one ends failed). Registrars whose writes apply at once leave it out.
   */
  completePendingWrites?(): void;
  /** Called when the emulated registrar accepts a delegation change (DNS tests move the parent). */
  onDelegationChange?: DelegationListener;
  close(): Promise<void>;
}
