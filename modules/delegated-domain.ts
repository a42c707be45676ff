/**
 * The one-liner most users want: a Route 53 zone for a domain and the registrar pointed at it.
 */
import { Fn, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DestroyPolicy } from './destroy-policy';
import { DnssecDelegation, DnssecReleaseGuard, RetiredDnssecDelegation, settingsEnv } from './dnssec-delegation';
import { checkDnssecOptions, DNSSEC_DEFAULTS, dnssecOptionsOf, DnssecPublishingOptions } from './dnssec-options';
import { attributeExpression, DnssecRollout, RolloutKey } from './dnssec-rollout';
import * as E from './errors';
import type { Route53KeySigningKey } from '@cdktf/provider-aws/lib/route53-key-signing-key';
import { checkZoneProps, HostedZone, HostedZoneDnssecOptions, HostedZoneProps } from './hosted-zone';
import type { ZoneSigning } from './zone-signing';
import { lazyDependsOn } from './depends-on';
import { checkRecords } from './record-values';
import { checkRegistrarProps, DelegationSource, RegistrarDelegation, RetiredDelegation } from './registrar-delegation';
import { RegistrarId, RegistrarSettings } from './registrar-settings';

/** `DelegatedDomainProps.dnssec`: the zone side (HostedZone) and the DS at the registrar. */
export interface DelegatedDomainDnssecOptions extends HostedZoneDnssecOptions, DnssecPublishingOptions {}

export interface DelegatedDomainProps extends HostedZoneProps {
  /**
   * Sign the zone (see `HostedZoneProps.dnssec`) and publish its DS at the registrar in the safe
   * order (see `DnssecDelegation`); `{ publish: false }` signs without publishing. The registrar
   * must support DNSSEC unless `publish` is false. Turning it off (removing it, or `false`) removes
   * the DS, waits the removal hold, and only then stops signing: that deploy takes as long as the
   * hold (1 day under .com by default).
   * @default false
   */
  readonly dnssec?: boolean | DelegatedDomainDnssecOptions;

  /**
   * Who holds the domain (a registrar id from the catalog, or `manual`).
   * @see RegistrarDelegationProps.registrar
   */
  readonly registrar: RegistrarId;

  /**
   * Non-secret registrar settings (e.g. `{ sandbox: true }`).
   * @default - none
   */
  readonly registrarSettings?: RegistrarSettings;

  /**
   * What happens at the registrar when the domain is destroyed (`restore`, `retain`, `refuse`).
   * @default - "restore" where nsbridge can read the registrar's name servers, else "retain"
   * @see RegistrarDelegationProps.destroyPolicy
   */
  readonly destroyPolicy?: DestroyPolicy;

  /**
   * Wait until the parent zone delegates to the new name servers before the apply goes on (e.g. `10m`).
   * @default - no wait (the parent's view is reported once)
   * @see RegistrarDelegationProps.waitForDelegation
   */
  readonly waitForDelegation?: string;

  /**
   * With `repairDrift: false`: warn in every plan when the registrar no longer delegates the domain to the zone (drift).
   * @default true
   * @see RegistrarDelegationProps.driftCheck
   */
  readonly driftCheck?: boolean;

  /**
   * Where plans read the current delegation: `dns` (the parent zone, no registrar credentials) or `registrar`.
   * @default "dns"
   * @see RegistrarDelegationProps.delegationSource
   */
  readonly delegationSource?: DelegationSource;

  /**
   * A deploy sets the delegation again when it was changed at the registrar by hand.
   * @default true
   * @see RegistrarDelegationProps.repairDrift
   */
  readonly repairDrift?: boolean;

  /**
   * Path of the nsbridge CLI bundle shipped with the stack.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

/**
 * A `HostedZone` plus a `RegistrarDelegation` fed with the zone's name servers.
 *
 * Ordering, guaranteed by Terraform's dependency graph rather than by convention:
 *  - create: zone → records → registrar update, so the domain never points at an empty zone;
 *  - destroy: the delegation's destroy policy runs first, then records, then the zone;
 *  - zone replacement (e.g. another delegation set): the zone is `create_before_destroy`, so the
 *    new zone and its records exist, the registrar is pointed at them, and only then is the old
 *    zone deleted. Route 53 allows two public zones of the same name, so this never conflicts
 *    (except inside one reusable delegation set, which only `-replace` would hit: the name
 *    servers of a zone in a set never change, so nothing else replaces it there).
 *
 * @example
 * const domain = new DelegatedDomain(stack, 'example.com', {
 *   zoneName: 'example.com',
 *   registrar: 'godaddy',
 *   records: [{ type: 'A', name: '@', values: ['192.0.2.10'] }],
 * });
 * domain.zone.addCnameRecord('www', 'example.com');
 */
export class DelegatedDomain extends Construct {
  public readonly zone: HostedZone;
  public readonly delegation: RegistrarDelegation;
  /** The Route 53 hosted zone id (a token, known after apply). */
  public readonly zoneId: string;
  /** The zone's name servers, sorted (a list token, known after apply): what the registrar points at. */
  public readonly nameServers: string[];
  /** Who holds the domain (`props.registrar`). */
  public readonly registrar: RegistrarId;
  /**
   * Publishes the DS (dnssec on and published), its release guard alone (with `keyGeneration`:
   * `dnssecRollout` publishes), or its `count = 0` release guard (otherwise).
   */
  public readonly dnssec: DnssecDelegation | DnssecReleaseGuard | RetiredDnssecDelegation;
  /** The stepwise roll-out of the DS across deploys (with `dnssec.keyGeneration`). */
  public readonly dnssecRollout?: DnssecRollout;

  constructor(scope: Construct, id: string, props: DelegatedDomainProps) {
    super(scope, id);

    // Check both halves before creating either, so one error lists every problem of the domain.
    const zoneCheck = checkZoneProps(props);
    const problems = [...zoneCheck.problems];
    if (zoneCheck.zoneName !== undefined && props.records) {
      for (const p of checkRecords(props.records, zoneCheck.zoneName, Token.isUnresolved).problems) {
        problems.push(E.atPath(['records', ...p.path], p.message));
      }
    }
    const registrarProblems = checkRegistrarProps(props);
    problems.push(...registrarProblems);
    const dnssec = dnssecOptionsOf(props.dnssec);
    if (dnssec) {
      const registrar = registrarProblems.some((p) => p.startsWith('registrar:')) ? undefined : props.registrar;
      for (const p of checkDnssecOptions(zoneCheck.zoneName ?? String(props.zoneName), registrar, dnssec, Token.isUnresolved)) {
        problems.push(E.atPath(['dnssec', ...p.path], p.message));
      }
    }
    if (problems.length > 0) throw new E.NsbridgeValidationError(this.node.path, problems);

    this.zone = new HostedZone(this, 'zone', props);
    this.zoneId = this.zone.zoneId;
    this.nameServers = Fn.sort(this.zone.nameServers);
    this.registrar = props.registrar;
    this.delegation = new RegistrarDelegation(this, 'delegation', {
      domain: this.zone.zoneName,
      registrar: props.registrar,
      registrarSettings: props.registrarSettings,
      destroyPolicy: props.destroyPolicy,
      waitForDelegation: props.waitForDelegation,
      driftCheck: props.driftCheck,
      delegationSource: props.delegationSource,
      repairDrift: props.repairDrift,
      nameServers: this.zone.nameServers,
      nameServersDescription: `the name servers of Route 53 zone ${this.zone.zoneName} (aws_route53_zone.${this.zone.resource.friendlyUniqueId}; known after apply when the zone is new)`,
      cliBundlePath: props.cliBundlePath,
    });
    // Terraform would force this anyway (the bridge is create_before_destroy and depends on the
    // zone); stating it keeps the zone's behaviour visible in its own block.
    this.zone.resource.lifecycle = { ...this.zone.resource.lifecycle, createBeforeDestroy: true };
    // Records added later (zone.addARecord(...)) count too: the list is produced at synth.
    this.delegation.dependOn(() => [this.zone.resource, ...this.zone.records]);

    // The DS: published after signing and delegation, removed before either is undone. With DNSSEC
    // off or unpublished only the count = 0 guard remains, so a DS published earlier is removed
    // (with the hold) before the signing resources go.
    const signing = this.zone.signing;
    if (dnssec && signing && dnssec.publish !== false && dnssec.keyGeneration !== undefined) {
      const guard = new DnssecReleaseGuard(this, 'dnssec', {
        domain: this.zone.zoneName,
        registrar: props.registrar,
        registrarSettings: props.registrarSettings,
        signedBy: [...signing.signingResources, ...(signing.previousKeySigningKey ? [signing.previousKeySigningKey] : [])],
        releasedBy: [this.delegation.releaseResource],
        cliBundlePath: props.cliBundlePath,
      });
      this.dnssec = guard;
      this.dnssecRollout = this.rollout(dnssec, signing, guard, props);
    } else if (dnssec && signing && dnssec.publish !== false) {
      this.dnssec = new DnssecDelegation(this, 'dnssec', {
        domain: this.zone.zoneName,
        registrar: props.registrar,
        registrarSettings: props.registrarSettings,
        dnskey: signing.dnskeyRecord,
        signedBy: signing.signingResources,
        delegatedBy: [this.delegation.resource],
        releasedBy: [this.delegation.releaseResource],
        signedWait: dnssec.signedWait,
        parentWait: dnssec.parentWait,
        removalHold: dnssec.removalHold,
        cliBundlePath: props.cliBundlePath,
      });
    } else {
      this.dnssec = new RetiredDnssecDelegation(this, 'dnssec', { cliBundlePath: props.cliBundlePath });
    }
    if (signing) {
      // The DS to enter by hand where nsbridge does not publish it (and a record of what it published).
      new TerraformOutput(this, 'dnssec-ds', { value: signing.dsRecord, description: `DS record of ${this.zone.zoneName} for its parent zone` });
    }
  }

  /** The stepwise roll-out (keyGeneration): the DS across deploys; the retiring key's status and signing follow it. */
  private rollout(dnssec: DelegatedDomainDnssecOptions, signing: ZoneSigning, guard: DnssecReleaseGuard, props: DelegatedDomainProps): DnssecRollout {
    const previous = signing.previousKeySigningKey;
    const generations = `keyGeneration ${JSON.stringify(dnssec.keyGeneration)}${dnssec.previousKeyGeneration ? `, previousKeyGeneration ${JSON.stringify(dnssec.previousKeyGeneration)}` : ''}`;
    const rollout = new DnssecRollout(this, 'dnssec-rollout', {
      domain: this.zone.zoneName,
      registrar: props.registrar,
      settings: settingsEnv(props),
      current: dnssec.disable ? undefined : rolloutKey(signing.keySigningKey),
      retiring: dnssec.disable ? rolloutKey(signing.keySigningKey) : previous && rolloutKey(previous),
      cli: guard.cli,
      signedWait: dnssec.signedWait ?? DNSSEC_DEFAULTS.signedWait,
      deadline: dnssec.rolloutDeadline ?? DNSSEC_DEFAULTS.rolloutDeadline,
      conflictFix:
        `the configuration has ${generations}: a DNSSEC change is under way or a key generation left the configuration too early; ` +
        'put the key settings back as they were until nsbridge plan shows nothing pending (the scheduled pipeline job advances it), then change them',
    });
    // Published once the zone is signed and delegated to (the KSKs are referenced already).
    rollout.resource.dependsOn = lazyDependsOn(() => [signing.signing, this.delegation.resource]);
    // Once released, the old KSK stops signing (INACTIVE; removing previousKeyGeneration deletes
    // it), and a disabled zone stops being signed (removing `dnssec` deletes the key).
    const released = rollout.released;
    if (previous) previous.status = `\${${released} ? "INACTIVE" : "ACTIVE"}`;
    if (dnssec.disable) signing.signing.signingStatus = `\${${released} ? "NOT_SIGNING" : "SIGNING"}`;
    return rollout;
  }
}

/** A KSK as the roll-out reads it. */
const rolloutKey = (ksk: Route53KeySigningKey): RolloutKey => ({ ds: attributeExpression(ksk, 'ds_record'), dnskey: attributeExpression(ksk, 'dnskey_record') });

export interface RetiredDomainProps {
  /**
   * Path of the nsbridge CLI bundle shipped with the stack.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

/**
 * A `DelegatedDomain` being removed, put at the same construct id in its place: its zone and
 * records are gone from the configuration, and its delegation is a `RetiredDelegation`, so the
 * next apply runs the destroy policy (e.g. restores the previous name servers) before Terraform
 * deletes the zone. Once that apply has run, delete this too.
 *
 * @example
 * // was: new DelegatedDomain(stack, 'example.com', { zoneName: 'example.com', registrar: 'godaddy' })
 * new RetiredDomain(stack, 'example.com');
 */
export class RetiredDomain extends Construct {
  public readonly delegation: RetiredDelegation;
  /** The DS release guard (`count = 0`): removes a published DS before the zone goes. */
  public readonly dnssec: RetiredDnssecDelegation;

  constructor(scope: Construct, id: string, props: RetiredDomainProps = {}) {
    super(scope, id);
    this.delegation = new RetiredDelegation(this, 'delegation', { cliBundlePath: props.cliBundlePath });
    this.dnssec = new RetiredDnssecDelegation(this, 'dnssec', { cliBundlePath: props.cliBundlePath });
  }
}
