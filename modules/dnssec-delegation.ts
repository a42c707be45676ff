/**
 * The DS "bridge": publishes a signed zone's DS at the registrar through the nsbridge CLI, and
 * removes it, in the safe order, when DNSSEC or the domain goes away. The twin of
 * registrar-delegation.ts (read its header first): same mechanisms, same reasons.
 *
 * The safe order, which Terraform's dependency graph enforces (checked against a real engine in
 * __tests__/modules/dnssec-order.test.ts):
 *   enable:   sign the zone → delegate to it → publish the DS (after the name servers serve the
 *             DNSKEY). A DS at the parent for a zone that is not signed (yet) makes the domain fail
 *             to resolve for every validating resolver; a signed zone without a DS is just insecure.
 *   disable:  remove the DS → wait until the parent stops serving it → hold (resolvers' cached DS
 *             expire) → stop signing → delete the KSK and key.
 *   key roll: new key and KSK (both sign) → the new DS replaces the old → the parent stops serving
 *             the old DS → hold (resolvers' cached old DS expire) → old KSK deleted (see 1).
 *
 * Two Terraform objects:
 *
 *  1. `terraform_data` "ds-bridge" (publish): `triggers_replace` = { domain, registrar, dnskey,
 *     settings }; its create-time provisioner runs `nsbridge ds set --dnskey "<dnskey>"
 *     --wait-signed <signedWait> [--wait <parentWait>] --hold-replaced <removalHold>`.
 *     It depends on the KSK and `aws_route53_hosted_zone_dnssec` (signing is on before the DS goes
 *     up) and on the name-server bridge (the domain is delegated to the signed zone first).
 *     `create_before_destroy`: a key roll (new KSK, new dnskey) publishes the new DS (the CLI adds
 *     it before it removes the old one) while the old instance, and so the old KSK it depends on,
 *     still exists; the old KSK is deleted after that. It has NO destroy-time provisioner:
 *     Terraform does not run destroy-time provisioners of `create_before_destroy` resources (the
 *     engine check shows it), so the "hold before the old key goes" lives in the NEW instance's
 *     `ds set`: `--hold-replaced` (the release guard's removalHold, default parent-ttl) makes a
 *     run that removed a DS wait until the parent stops serving it (up to parentWait, else 1h;
 *     exit 1 otherwise, and the failed apply keeps the old KSK), then hold the DS TTL the parent
 *     served before the change, so no resolver still holding the old DS finds its key gone. A
 *     first publish or a re-run removes nothing and does not hold. The price: a roll's deploy
 *     takes as long as the hold (a day under .com). It is not in `triggers_replace`: changing the
 *     hold replaces nothing (a provisioner's command is not compared by the plan).
 *
 *  2. `terraform_data` "ds-release" (guard): its destroy-time provisioner runs
 *     `nsbridge ds clear --wait <parentWait or 1h> --hold <removalHold>`; its `input` holds what
 *     that needs (a destroy-time provisioner may read only `self`). It depends on the KSK and
 *     signing, so Terraform destroys it (removing the DS) BEFORE it stops signing, and on the
 *     name-server release guard, so the DS is gone before `nsbridge release` moves the domain
 *     back to its previous (unsigned) name servers.
 *
 * Turning DNSSEC off: the guard block stays in the configuration with `count = 0`
 * (`RetiredDnssecDelegation`, which `DelegatedDomain` and `RetiredDomain` always create when
 * DNSSEC is off or unpublished), so its recorded instance is destroyed with its destroy-time
 * provisioner, and the dependencies recorded in state order it before the signing resources that
 * were removed in the same apply. A `count = 0` block has no instances: for a domain that never had
 * DNSSEC it plans nothing.
 *
 * Credentials are never in here (see registrar-delegation.ts).
 */
import { DataResource, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { NsbridgeCliAsset } from './cli-asset';
import { dropPerInstanceVersionCheck } from './cdktf-internals/version-checks';
import { lazyDependsOn } from './depends-on';
import { checkDnssecOptions, DNSSEC_DEFAULTS, DnssecPublishingOptions } from './dnssec-options';
import * as E from './errors';
import { checkDomainProp, checkRegistrarProps } from './registrar-delegation';
import { RegistrarId, RegistrarSettings, settingSpecs, settingValueForEnv } from './registrar-settings';

export interface DnssecDelegationProps extends Omit<DnssecPublishingOptions, 'publish'> {
  /** The registered domain, e.g. `example.com`. */
  readonly domain: string;
  /** Who holds the domain; it must support DNSSEC (`capabilities.dnssec` in the catalog). */
  readonly registrar: RegistrarId;
  /** Non-secret registrar settings, as for `RegistrarDelegation`. */
  readonly registrarSettings?: RegistrarSettings;
  /**
   * The zone's DNSKEY for the parent, "257 3 13 <base64>": `ZoneSigning.dnskeyRecord` (the KSK's
   * `dnskey_record`), usually a token.
   */
  readonly dnskey: string;
  /**
   * The resources that sign the zone (`ZoneSigning.signingResources`: the KSK and
   * `aws_route53_hosted_zone_dnssec`): the DS is published after them and removed before them.
   */
  readonly signedBy: readonly ITerraformDependable[];
  /**
   * The name-server bridge (`RegistrarDelegation.resource`): the DS is published once the domain is
   * delegated to the signed zone.
   * @default - none
   */
  readonly delegatedBy?: readonly ITerraformDependable[];
  /**
   * The name-server release guard (`RegistrarDelegation.releaseResource`): on destroy the DS is
   * removed before the destroy policy moves the domain elsewhere.
   * @default - none
   */
  readonly releasedBy?: readonly ITerraformDependable[];
  /** @default - dist/nsbridge.js of this package */
  readonly cliBundlePath?: string;
}

/** Construct ids of the parts; part of the Terraform addresses: never rename them. */
export const DNSSEC_DELEGATION_IDS = { publish: 'ds-bridge', release: 'ds-release' } as const;

const self = (path: string): string => `\${self.${path}}`;

/** `ds clear`, everything from `self.input` (see registrar-delegation.ts's releaseProvisioner). */
function clearProvisioner(cli: NsbridgeCliAsset): { type: 'local-exec'; when: 'destroy'; command: string; environment: Record<string, string> } {
  return {
    type: 'local-exec',
    when: 'destroy',
    command:
      `${cli.command} ds clear --registrar ${self('input.registrar')} --domain ${self('input.domain')}` +
      ` --wait ${self('input.wait')} --hold ${self('input.hold')}`,
    environment: self('input.env') as unknown as Record<string, string>,
  };
}

/** The release guard "ds-release": `ds clear --wait --hold` when it is destroyed (see the header). */
function releaseGuard(
  scope: Construct,
  cli: NsbridgeCliAsset,
  domain: string,
  props: Pick<DnssecDelegationProps, 'registrar' | 'parentWait' | 'removalHold' | 'signedBy' | 'releasedBy'>,
  settings: Record<string, string>,
): DataResource {
  const guard = new DataResource(scope, DNSSEC_DELEGATION_IDS.release, {
    triggersReplace: { domain },
    input: {
      domain,
      registrar: props.registrar,
      wait: props.parentWait ?? DNSSEC_DEFAULTS.clearWait,
      hold: props.removalHold ?? DNSSEC_DEFAULTS.removalHold,
      env: settings,
    },
    provisioners: [clearProvisioner(cli)],
  });
  guard.dependsOn = lazyDependsOn(() => [...props.signedBy, ...(props.releasedBy ?? [])]);
  dropPerInstanceVersionCheck(guard);
  return guard;
}

/** The registrar's non-secret settings as the CLI's environment variables. */
export const settingsEnv = (props: Pick<DnssecDelegationProps, 'registrar' | 'registrarSettings'>): Record<string, string> =>
  Object.fromEntries(settingSpecs(props.registrar, props.registrarSettings ?? {}).map(({ spec, value }) => [spec.env, settingValueForEnv(value)]));

/** Problems with the props, all at once, as "path: message" lines. */
export function checkDnssecDelegationProps(props: DnssecDelegationProps): { problems: string[]; domain?: string } {
  const problems: string[] = [];
  const domain = checkDomainProp(props.domain, problems);
  // No destroy policy here: checkRegistrarProps checks the registrar id and its settings.
  const registrarProblems = checkRegistrarProps(props);
  problems.push(...registrarProblems);
  const registrarOk = !registrarProblems.some((p) => p.startsWith('registrar:'));
  for (const p of checkDnssecOptions(domain ?? String(props.domain), registrarOk ? props.registrar : undefined, props, Token.isUnresolved)) {
    problems.push(E.atPath(p.path, p.message));
  }
  return { problems, domain };
}

/**
 * Publishes a signed zone's DS at the registrar (`nsbridge ds set`), and removes it before the zone
 * stops being signed (`nsbridge ds clear` with a hold). Usually created by `DelegatedDomain`
 * (`dnssec: true`); use it directly for a zone signed elsewhere.
 */
export class DnssecDelegation extends Construct {
  /** The DS bridge: `terraform_data` whose create-time provisioner runs `nsbridge ds set`. */
  public readonly resource: DataResource;
  /** The guard whose destroy-time provisioner runs `nsbridge ds clear --wait --hold`. */
  public readonly releaseResource: DataResource;
  public readonly domain: string;
  public readonly cli: NsbridgeCliAsset;

  constructor(scope: Construct, id: string, props: DnssecDelegationProps) {
    super(scope, id);
    const checked = checkDnssecDelegationProps(props);
    if (checked.problems.length > 0 || checked.domain === undefined) {
      throw new E.NsbridgeValidationError(this.node.path, checked.problems);
    }
    this.domain = checked.domain;
    this.cli = NsbridgeCliAsset.of(this, props.cliBundlePath);

    const settings = settingsEnv(props);
    const hasSettings = Object.keys(settings).length > 0;

    // (1) the DS bridge.
    const triggersReplace: Record<string, unknown> = { domain: this.domain, registrar: props.registrar, dnskey: props.dnskey };
    if (hasSettings) triggersReplace.settings = settings;
    this.resource = new DataResource(this, DNSSEC_DELEGATION_IDS.publish, {
      triggersReplace,
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        {
          type: 'local-exec',
          command:
            `${this.cli.command} ds set --registrar ${self('triggers_replace.registrar')} --domain ${self('triggers_replace.domain')}` +
            ` --dnskey "${self('triggers_replace.dnskey')}" --wait-signed ${props.signedWait ?? DNSSEC_DEFAULTS.signedWait}` +
            (props.parentWait ? ` --wait ${props.parentWait}` : '') +
            // A key roll: the old KSK is deleted right after this returns, so it returns only when
            // no resolver can still hold the old DS. Not a trigger: changing it replaces nothing.
            ` --hold-replaced ${props.removalHold ?? DNSSEC_DEFAULTS.removalHold}`,
          environment: hasSettings ? (self('triggers_replace.settings') as unknown as Record<string, string>) : undefined,
        },
      ],
    });
    this.resource.dependsOn = lazyDependsOn(() => [...props.signedBy, ...(props.delegatedBy ?? [])]);
    dropPerInstanceVersionCheck(this.resource);

    // (2) the release guard.
    this.releaseResource = releaseGuard(this, this.cli, this.domain, props, settings);
  }
}

/**
 * The release guard alone, at the address DnssecDelegation puts it: for the stepwise roll-out
 * (modules/dnssec-rollout.ts), which publishes and removes the DS across deploys. It stays the
 * backstop of destroy and of removing `dnssec`: its `ds clear` is quick when the roll-out has
 * already removed the DS (nothing served, no hold), and refused up front (the hold longer than the
 * wait limit) when it has not, so nothing is deleted while a parent serves the DS.
 */
export class DnssecReleaseGuard extends Construct {
  public readonly releaseResource: DataResource;
  public readonly cli: NsbridgeCliAsset;

  constructor(scope: Construct, id: string, props: Omit<DnssecDelegationProps, 'dnskey' | 'delegatedBy' | 'signedWait'> & { readonly domain: string }) {
    super(scope, id);
    this.cli = NsbridgeCliAsset.of(this, props.cliBundlePath);
    this.releaseResource = releaseGuard(this, this.cli, props.domain, props, settingsEnv(props));
  }
}

export interface RetiredDnssecDelegationProps {
  /** @default - dist/nsbridge.js of this package */
  readonly cliBundlePath?: string;
}

/**
 * What is left of a `DnssecDelegation` when DNSSEC is turned off or unpublished, or the domain is
 * retired: its release guard with `count = 0`, at the same address. The next apply destroys a
 * recorded guard, running `nsbridge ds clear --wait --hold` with the values in state, before the
 * signing resources it depends on (see the header). For a domain that never published a DS it
 * plans nothing.
 */
export class RetiredDnssecDelegation extends Construct {
  public readonly releaseResource: DataResource;

  constructor(scope: Construct, id: string, props: RetiredDnssecDelegationProps = {}) {
    super(scope, id);
    const cli = NsbridgeCliAsset.of(this, props.cliBundlePath);
    this.releaseResource = new DataResource(this, DNSSEC_DELEGATION_IDS.release, { count: 0, provisioners: [clearProvisioner(cli)] });
    dropPerInstanceVersionCheck(this.releaseResource);
  }
}
