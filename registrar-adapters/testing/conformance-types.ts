/** What an emulator offers the shared conformance suite. */
import type { HttpEmulator } from './emulator-kit';
import type { DelegationListener } from './registrar-state';

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
  /** Called when the emulated registrar accepts a delegation change (DNS tests move the parent). */
  onDelegationChange?: DelegationListener;
  close(): Promise<void>;
}
