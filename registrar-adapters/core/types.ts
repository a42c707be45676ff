/**
 * The one extension point for registrars. Each registrar is a folder under registrar-adapters/
 * with its facts and its code:
 *  - `info.json`: the facts as data (id, credentials, non-secret settings, capabilities with
 *    reasons, rate limit, quirks), shape in info-schema.ts; `info.ts` turns it into a
 *    `RegistrarInfo` with `loadRegistrarInfo` (info-file.ts) and no other import, so the CDKTF app
 *    and the README generator can read it without loading HTTP code.
 *  - `adapter.ts`: `RegistrarAdapter`, which turns the environment into a `RegistrarClient`.
 *
 * Every client must behave the same way (the conformance suite checks it):
 *  - `getNameServers` returns what the registrar holds; callers canonicalise, so an adapter may
 *    return names with trailing dots or upper case as the registrar sent them.
 *  - `setNameServers` replaces the whole set with the given, already canonical, list. It is only
 *    called when the set differs (the CLI reads first and plans with `planDelegation`).
 *  - Errors are `RegistrarError`s (core/errors.ts) that name the registrar,
 *    operation and domain and say what to do; no secret ever appears in a message.
 *  - Retries, per-try and command deadlines and rate limits are the HTTP client's job
 *    (core/http.ts), never a sleep loop here.
 *  - Every answer body is read through `parseAnswer` (core/answer.ts) with a schema that tells the
 *    object asked for apart from an error envelope: a 200 that is not it is an error, never "none".
 */

import type { DnssecInput, DnssecRecord } from '../../core/dnssec';

export type RegistrarId =
  | 'godaddy'
  | 'namecheap'
  | 'gandi'
  | 'porkbun'
  | 'namecom'
  | 'dnsimple'
  | 'route53domains'
  | 'cloudflare'
  | 'manual'
  | 'cnr'
  | 'dynadot'
  | 'namesilo'
  | 'ovh'
  | 'inwx'
  | 'joker'
  | 'opensrs'
  | 'internetbs'
  | 'spaceship'
  | 'cscglobal'
  | 'ionos'
  | 'easyname'
  | 'openprovider'
  | 'realtimeregister'
  | 'hostingde'
  | 'autodns';

/** A capability as data, with the reason when it is missing (DNSControl's capabilities.go, as data). */
export type Capability =
  | { readonly supported: true; readonly note?: string }
  | { readonly supported: false; readonly reason: string; readonly link?: string };

export interface RegistrarCapabilities {
  /** Read the domain's current name servers through an API. */
  readonly readNameServers: Capability;
  /** Replace the domain's name servers through an API. */
  readonly setNameServers: Capability;
  /** A sandbox / test environment reachable with a setting. */
  readonly sandbox: Capability;
  /** DNSSEC delegation signer data at the registrar (`nsbridge ds`); see `RegistrarInfo.dnssecInput`. */
  readonly dnssec: Capability;
  /** The registrar accepts the change asynchronously and nsbridge polls until it has finished. */
  readonly asyncOperations: Capability;
}

/** A secret read from the environment. Never written to configuration, state, plans or logs. */
export interface CredentialSpec {
  /** Environment variable name, e.g. GODADDY_API_KEY. */
  readonly env: string;
  readonly description: string;
  /** Optional credentials may be left unset; `defaultFrom` names the variable used instead. */
  readonly optional?: boolean;
  readonly defaultFrom?: string;
  /** Not a secret (e.g. an account id or a client IP): may appear in messages. */
  readonly public?: boolean;
}

/**
 * A non-secret setting. It can be given in domains.yaml under `registrarSettings` (the construct
 * passes it to the CLI through the provisioner's environment) or set directly in the environment.
 */
export interface SettingSpec {
  /** Key in domains.yaml `registrarSettings`, camelCase, e.g. `sandbox`. */
  readonly key: string;
  /** Environment variable the CLI reads, e.g. NSBRIDGE_GODADDY_SANDBOX. */
  readonly env: string;
  readonly type: 'boolean' | 'string';
  readonly description: string;
}

/** The environment variable of a registrar's setting: NSBRIDGE_<ID>_<NAME>. */
export const settingEnv = (id: RegistrarId, name: string): string => `NSBRIDGE_${id.toUpperCase()}_${name}`;

export interface RegistrarInfo {
  readonly id: RegistrarId;
  /** Human name, e.g. "GoDaddy". */
  readonly name: string;
  /** Production base URL (the part NSBRIDGE_<ID>_ENDPOINT replaces); undefined when there is no API. */
  readonly productionEndpoint?: string;
  /** Sandbox base URL, used when the sandbox setting is on. */
  readonly sandboxEndpoint?: string;
  readonly credentials: readonly CredentialSpec[];
  readonly settings: readonly SettingSpec[];
  readonly capabilities: RegistrarCapabilities;
  /** Requests allowed per window for one account; the CLI's shared limiter keeps under it. */
  readonly rateLimit?: RateLimitSpec;
  /**
   * Further windows the registrar also enforces (e.g. Namecheap's 700/hour and 8000/day on top of
   * 20/min): the shared limiter keeps under every one of them.
   */
  readonly extraRateLimits?: readonly RateLimitSpec[];
  /** Quirks a user should know, one short sentence each (rendered into the README). */
  readonly quirks: readonly string[];
  /** Link to the registrar's API documentation. */
  readonly docs?: string;
  /**
   * What the registrar's DNSSEC API takes, when `capabilities.dnssec` is supported: DS records,
   * or DNSKEYs (the registrar computes the DS). The CLI checks the input against it before
   * anything is sent: a DNSKEY registrar given only a DS is refused with the reason.
   */
  readonly dnssecInput?: DnssecInput;
}

export interface RateLimitSpec {
  readonly requests: number;
  readonly perMs: number;
  /** Where the figure comes from (documentation, support quote, UNCONFIRMED). */
  readonly source: string;
}

/** What the CLI hands an adapter. Everything environment-dependent comes through here. */
export interface AdapterContext {
  /** The process environment (tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress and warnings for humans: written to stderr, secrets already redacted. */
  readonly log: (message: string) => void;
  /** Request-level tracing (`--verbose`): stderr, redacted; a no-op unless asked for. */
  readonly debug: (message: string) => void;
  /** Aborted when the CLI gives up (timeout, signal). */
  readonly signal?: AbortSignal;
  /**
   * Registers a secret the adapter derived at run time (a session id, a login token) with the
   * run's redactor, so it is masked in every later message and trace like the credentials are.
   */
  readonly secret?: (value: string) => void;
}

/**
 * Name servers of many domains of the account in one request (or a few pages): for registrars whose
 * API can list them (GoDaddy's GET /v1/domains?includes=nameServers). A domain missing from the
 * answer is read with `getNameServers` as usual.
 */
export interface BatchNameServerReader {
  /** Domain (lower case) -> its name servers as the registrar sent them. */
  listNameServers(): Promise<ReadonlyMap<string, string[]>>;
}

export interface RegistrarClient {
  getNameServers(domain: string): Promise<string[]>;
  /** Present when the registrar lists many domains' name servers in one request. */
  readonly batch?: BatchNameServerReader;
  setNameServers(domain: string, nameServers: readonly string[]): Promise<void>;
  /** Present exactly when `info.capabilities.dnssec` is supported. */
  readonly dnssec?: DnssecOperations;
}

/**
 * DNSSEC delegation signer data at the registrar (`nsbridge ds get|set|clear`). The CLI reads
 * first and plans with `planDnssec` (core/dnssec.ts); add and remove are only called with what
 * must change, adds before removes. Records are canonical (`checkDs`/`checkDnskey`); a record
 * passed to `add` always has its DS and, for a `dnskey` registrar, its DNSKEY. Asynchronous
 * registrars (GoDaddy v2 actions, Route 53 Domains operations) return once the change has finished.
 */
export interface DnssecOperations {
  /** What the registrar holds for the domain; a DNSKEY registrar fills in `dnskey` (and the DS it computed or nsbridge computes). */
  getDnssecRecords(domain: string): Promise<DnssecRecord[]>;
  addDnssecRecords(domain: string, records: readonly DnssecRecord[]): Promise<void>;
  /** Records as `getDnssecRecords` returned them (with `registrarId` where the registrar deletes by id). */
  removeDnssecRecords(domain: string, records: readonly DnssecRecord[]): Promise<void>;
}

export interface RegistrarAdapter {
  readonly info: RegistrarInfo;
  /**
   * Build a client from the environment. Throws `MissingCredentialsError` (naming the variable)
   * before anything is sent when a credential is missing, and `UsageError` for a bad setting.
   */
  createClient(ctx: AdapterContext): RegistrarClient | Promise<RegistrarClient>;
}
