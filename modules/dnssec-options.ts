/**
 * DNSSEC options of a domain (the `dnssec` prop of HostedZone / DelegatedDomain, and the `dnssec`
 * key of domains.yaml), their defaults and their checks. Pure data: no cdktf import, because the
 * config loader runs these checks before cdktf is loaded (like destroy-policy.ts).
 *
 * The messages live here rather than in errors.ts so the DNSSEC wording stays in one place with
 * the rules it describes; they follow errors.ts's conventions (rule, quoted value, fix).
 */
import { parseDuration } from '../core/duration';
import { REGISTRAR_IDS, REGISTRARS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { show } from './errors';

/** How the DS at the parent is handled, besides signing the zone. */
export interface DnssecPublishingOptions {
  /**
   * Publish the DS at the registrar (`nsbridge ds set`). `false` signs the zone without publishing
   * it: nothing is sent to the registrar, and a DS published earlier by nsbridge is removed (with
   * the hold) while the zone stays signed. That is the first step of turning DNSSEC off in two
   * deploys, and the mode for registrars nsbridge cannot publish a DS at (enter the DS by hand).
   * @default true
   */
  readonly publish?: boolean;
  /**
   * Before publishing the DS, wait until every name server the domain is delegated to serves the
   * zone's DNSKEY (`ds set --wait-signed`); the apply fails after that long, and nothing is
   * published.
   * @default "15m"
   */
  readonly signedWait?: string;
  /**
   * Wait until every server of the parent zone serves the new DS (`ds set --wait`), and, on
   * removal, until none serves a DS any more (`ds clear --wait`, where the default is "1h": the
   * hold counts from then).
   * @default - no wait after publishing (reported once); "1h" after removing
   */
  readonly parentWait?: string;
  /**
   * How long the zone stays signed after the parent stopped serving the DS, so that validating
   * resolvers' cached copies of the DS expire first (`ds clear --hold`). "parent-ttl" is the DS
   * record's TTL at the parent, read before the removal (1 day under .com). The same hold applies
   * to a key roll: the old key is kept that long after the parent dropped the old DS
   * (`ds set --hold-replaced`), so a roll's deploy takes that long too.
   * @default "parent-ttl"
   */
  readonly removalHold?: string;
}

export const DNSSEC_DEFAULTS = {
  signedWait: '15m',
  clearWait: '1h',
  removalHold: 'parent-ttl',
} as const;

/** The keys of the `dnssec` mapping in domains.yaml (and of DnssecPublishingOptions). */
export const DNSSEC_KEYS = ['publish', 'signedWait', 'parentWait', 'removalHold'] as const;

/** `dnssec: true` / an options object → the options; `false` / absent → undefined. */
export function dnssecOptionsOf<T extends object>(value: boolean | T | undefined): T | undefined {
  if (value === undefined || value === false) return undefined;
  return value === true ? ({} as T) : value;
}

/** Registrars whose DS nsbridge can publish (from the catalog, so it follows the adapters). */
export function dnssecRegistrars(): RegistrarId[] {
  return REGISTRAR_IDS.filter((id) => REGISTRARS[id].capabilities.dnssec.supported);
}

export const dnssecNotSupported = (domain: string, registrar: string, reason: string): string => {
  const others = dnssecRegistrars();
  return (
    `${show(domain)} has dnssec on, but registrar "${registrar}" cannot publish a DS record through nsbridge (${reason}); ` +
    `either sign the zone without publishing (dnssec: { publish: false }) and enter the DS at the registrar by hand ` +
    `(the stack's output "…dnssec_ds…" shows it; remove it there before turning DNSSEC off), ` +
    (others.length > 0 ? `or move the domain to a registrar that can (${others.join(', ')})` : 'or turn dnssec off')
  );
};

export const invalidRemovalHold = (value: unknown, reason: string): string =>
  `removal hold ${show(value)} is neither "parent-ttl" nor a duration: ${reason}`;

export const dnssecNotUsEast1 = (region: string): string =>
  `the KMS key that signs a zone must be in us-east-1 (Route 53 DNSSEC uses only keys there), but the provider for it is in ${show(region)}; pass "dnssec.kmsProvider", an AWS provider for us-east-1`;

/**
 * Problems with the DNSSEC options of one domain at `registrar` (paths relative to `dnssec`).
 * `isToken` lets the constructs skip values that are unresolved tokens.
 */
export function checkDnssecOptions(
  domain: string,
  registrar: RegistrarId | undefined,
  options: DnssecPublishingOptions,
  isToken: (v: unknown) => boolean = () => false,
): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  for (const key of ['signedWait', 'parentWait'] as const) {
    const v = options[key];
    if (v === undefined || isToken(v)) continue;
    try {
      parseDuration(v);
    } catch (err) {
      problems.push({ path: [key], message: (err as Error).message });
    }
  }
  const hold = options.removalHold;
  if (hold !== undefined && !isToken(hold) && hold !== 'parent-ttl') {
    try {
      parseDuration(hold);
    } catch (err) {
      problems.push({ path: ['removalHold'], message: invalidRemovalHold(hold, (err as Error).message) });
    }
  }
  if (registrar !== undefined && options.publish !== false) {
    const cap = REGISTRARS[registrar]?.capabilities.dnssec;
    if (cap && !cap.supported) problems.push({ path: [], message: dnssecNotSupported(domain, registrar, cap.reason) });
  }
  return problems;
}
