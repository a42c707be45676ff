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
  /**
   * The stepwise roll-out (docs/dnssec-rollout.md): the name of the current key-signing key's
   * generation, e.g. "2026-12". With it, no deploy waits for a DS TTL: each deploy does what is
   * safe now and leaves the rest pending in Terraform state for a later deploy (the scheduled
   * pipeline job). A key roll: set a new name and move the old one to `previousKeyGeneration`.
   * Letters, digits, "-" and "_" (it is part of resource addresses); "legacy" names the key
   * nsbridge made before generations (so turning them on for a signed domain is a roll).
   * @default - none: the one-deploy flow (`removalHold`)
   */
  readonly keyGeneration?: string;
  /**
   * The generation being retired by a key roll: its KSK keeps signing until the roll has released
   * it (then INACTIVE); remove this once `nsbridge plan` shows nothing pending (a plan refuses it
   * while the parent still serves its DS).
   * @default - none
   */
  readonly previousKeyGeneration?: string;
  /**
   * Turn DNSSEC off across deploys (with `keyGeneration`): the DS goes first; once no parent
   * server serves it and its TTL has passed, signing stops. Then remove `dnssec`.
   * @default false
   */
  readonly disable?: boolean;
  /**
   * A roll-out step still pending this long after the roll-out began is reported as failed (in the
   * plan and `nsbridge plan`); nothing unsafe is done because of it. Hours, minutes or seconds
   * (Terraform's timeadd), e.g. "72h".
   * @default "72h"
   */
  readonly rolloutDeadline?: string;
}

export const DNSSEC_DEFAULTS = {
  signedWait: '15m',
  clearWait: '1h',
  removalHold: 'parent-ttl',
  rolloutDeadline: '72h',
} as const;

/** The generation name of the key nsbridge made before generations (its resource ids have no suffix). */
export const LEGACY_GENERATION = 'legacy';
const GENERATION = /^[A-Za-z0-9_-]{1,40}$/;
const TIMEADD_DURATION = /^([0-9]+h)?([0-9]+m)?([0-9]+s)?$/;

/** The keys of the `dnssec` mapping in domains.yaml (and of DnssecPublishingOptions). */
export const DNSSEC_KEYS = ['publish', 'signedWait', 'parentWait', 'removalHold', 'keyGeneration', 'previousKeyGeneration', 'disable', 'rolloutDeadline'] as const;

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
  problems.push(...checkGenerations(options, isToken));
  if (registrar !== undefined && options.publish !== false) {
    const cap = REGISTRARS[registrar]?.capabilities.dnssec;
    if (cap && !cap.supported) problems.push({ path: [], message: dnssecNotSupported(domain, registrar, cap.reason) });
  }
  return problems;
}

/** The stepwise roll-out's options: generation names, one change at a time. */
function checkGenerations(options: DnssecPublishingOptions, isToken: (v: unknown) => boolean): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const { keyGeneration: current, previousKeyGeneration: previous } = options;
  for (const [key, v] of [['keyGeneration', current], ['previousKeyGeneration', previous]] as const) {
    if (v !== undefined && !isToken(v) && !GENERATION.test(v)) {
      problems.push({ path: [key], message: `key generation ${show(v)} must be 1 to 40 letters, digits, "-" or "_" (it is part of resource addresses), e.g. "2026-12"` });
    }
  }
  const deadline = options.rolloutDeadline;
  if (deadline !== undefined && !isToken(deadline) && (deadline === '' || !TIMEADD_DURATION.test(deadline))) {
    problems.push({ path: ['rolloutDeadline'], message: `rollout deadline ${show(deadline)} must be hours, minutes and/or seconds, e.g. "72h" or "90m"` });
  }
  if (current === undefined) {
    for (const key of ['previousKeyGeneration', 'disable', 'rolloutDeadline'] as const) {
      if (options[key] !== undefined) problems.push({ path: [key], message: `${key} belongs to the stepwise roll-out: set keyGeneration too (the name of the current key, e.g. "2026-12")` });
    }
    return problems;
  }
  if (previous !== undefined && previous === current) {
    problems.push({ path: ['previousKeyGeneration'], message: `previousKeyGeneration is the same as keyGeneration (${show(current)}); a key roll names a new generation in keyGeneration and the old one here` });
  }
  if (options.disable === true && previous !== undefined) {
    problems.push({
      path: ['disable'],
      message: `a key roll from ${show(previous)} is under way (previousKeyGeneration); let it complete (nsbridge plan shows nothing pending), remove previousKeyGeneration, then disable`,
    });
  }
  if (options.publish === false) {
    problems.push({ path: ['publish'], message: 'publish: false signs without publishing, so there is nothing to roll out: remove keyGeneration, or remove publish: false' });
  }
  for (const key of ['removalHold', 'parentWait'] as const) {
    if (options[key] !== undefined) {
      problems.push({ path: [key], message: `${key} belongs to the one-deploy flow; with keyGeneration the holds are kept in Terraform state and advanced by later deploys: remove it` });
    }
  }
  return problems;
}
