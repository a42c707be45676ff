/** Lifecycle shared by every registrar emulator: each one wraps an HttpEmulator. */
import type { HttpEmulator } from './emulator-kit';
import type { ConformanceEmulator } from './conformance-types';
import type { DelegationListener } from './registrar-state';

export abstract class RegistrarEmulator implements ConformanceEmulator {
  abstract readonly http: HttpEmulator;
  onDelegationChange?: DelegationListener;

  abstract env(): Record<string, string>;
  abstract badCredentialsEnv(): Record<string, string>;
  abstract secrets(): string[];
  abstract addDomain(domain: string, nameServers: string[]): void;
  abstract nameServersOf(domain: string): string[] | undefined;

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** The base URL that replaces the registrar's production endpoint. */
  get url(): string {
    return this.http.url;
  }
}
