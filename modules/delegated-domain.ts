/**
 * The one-liner most users want: a Route 53 zone for a domain and the registrar pointed at it.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DestroyPolicy } from './destroy-policy';
import * as E from './errors';
import { checkZoneProps, HostedZone, HostedZoneProps } from './hosted-zone';
import { checkRecords } from './record-values';
import { checkRegistrarProps, RegistrarDelegation, RetiredDelegation } from './registrar-delegation';
import { RegistrarId, RegistrarSettings } from './registrar-settings';

export interface DelegatedDomainProps extends HostedZoneProps {
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
   * Warn in every plan when the registrar no longer delegates the domain to the zone (drift).
   * @default true
   * @see RegistrarDelegationProps.driftCheck
   */
  readonly driftCheck?: boolean;

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
    problems.push(...checkRegistrarProps(props));
    if (problems.length > 0) throw new E.NsbridgeValidationError(this.node.path, problems);

    this.zone = new HostedZone(this, 'zone', props);
    this.delegation = new RegistrarDelegation(this, 'delegation', {
      domain: this.zone.zoneName,
      registrar: props.registrar,
      registrarSettings: props.registrarSettings,
      destroyPolicy: props.destroyPolicy,
      waitForDelegation: props.waitForDelegation,
      driftCheck: props.driftCheck,
      nameServers: this.zone.nameServers,
      nameServersDescription: `the name servers of Route 53 zone ${this.zone.zoneName} (aws_route53_zone.${this.zone.resource.friendlyUniqueId}; known after apply when the zone is new)`,
      cliBundlePath: props.cliBundlePath,
    });
    // Terraform would force this anyway (the bridge is create_before_destroy and depends on the
    // zone); stating it keeps the zone's behaviour visible in its own block.
    this.zone.resource.lifecycle = { ...this.zone.resource.lifecycle, createBeforeDestroy: true };
    // Records added later (zone.addARecord(...)) count too: the list is produced at synth.
    this.delegation.dependOn(() => [this.zone.resource, ...this.zone.records]);
  }
}

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

  constructor(scope: Construct, id: string, props: RetiredDomainProps = {}) {
    super(scope, id);
    this.delegation = new RetiredDelegation(this, 'delegation', { cliBundlePath: props.cliBundlePath });
  }
}
