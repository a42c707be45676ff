/**
 * The bridge between Terraform and the registrar: a `terraform_data` resource whose provisioners
 * run the nsbridge CLI to point the domain at a set of name servers (create) and to carry out the
 * destroy policy (destroy).
 *
 * How it maps onto Terraform semantics:
 *  - `triggers_replace` holds the desired delegation: domain, registrar id, the sorted name-server
 *    list and the non-secret registrar settings. Any change there replaces the resource, and a
 *    create-time provisioner runs exactly on create: so the registrar is written when, and only
 *    when, the desired delegation changes. The CLI itself reads first and writes only when the
 *    registrar differs, so a re-run is harmless.
 *  - `input` holds the destroy policy: changing it is an in-place update (visible in the plan, no
 *    registrar call), and the destroy step reads the value recorded in state.
 *  - Both provisioners read everything through `self` (and `path.module`): destroy-time
 *    provisioners may not reference other resources, and on a replacement `self` is the OLD
 *    instance, so `release` is told about the old name servers and settings, which is right.
 *  - Credentials are never in here: local-exec inherits the environment of the process running
 *    Terraform (GODADDY_API_KEY, AWS_PROFILE, ...); `environment` only adds the non-secret
 *    settings, under the variable names the registrar catalog gives.
 *
 * Deliberately NOT in `triggers_replace`: the CLI bundle's hash. A new nsbridge version changes
 * how the registrar is talked to, not what the delegation should be; hashing it in would show a
 * replacement of every domain in every plan after an upgrade and call every registrar again
 * (rate limits, manual registrars waiting for a person). The command line (which contains the
 * asset path, hence the hash) is not part of the resource's state, so an upgrade plans no change.
 * To force a re-run for one domain (e.g. someone changed it by hand at the registrar), use
 * `terraform apply -replace=<address of the bridge>`.
 */
import { DataResource, Fn, ITerraformDependable, TerraformSelf, Token } from 'cdktf';
import { Construct } from 'constructs';
import { normalizeNameServers, checkDomainName, InvalidNameError } from '../core/names';
import { dropPerInstanceVersionCheck, NsbridgeCliAsset } from './cli-asset';
import { DEFAULT_DESTROY_POLICY, DESTROY_POLICIES, DestroyPolicy, isDestroyPolicy } from './destroy-policy';
import * as E from './errors';
import {
  checkRegistrarId,
  checkRegistrarSettings,
  RegistrarId,
  RegistrarSettings,
  settingSpecs,
  settingValueForEnv,
} from './registrar-settings';

export interface RegistrarDelegationProps {
  /** The registered domain whose delegation is set, e.g. `example.com` (IDN and case are normalised). */
  readonly domain: string;

  /**
   * Who holds the domain: godaddy, namecheap, gandi, porkbun, namecom, dnsimple, route53domains or
   * manual (a person makes the change; the CLI prints the steps and waits for it in DNS).
   * @see registrar-adapters/catalog.ts
   */
  readonly registrar: RegistrarId;

  /**
   * The name servers to delegate to: usually `HostedZone.nameServers` (a token). Literal lists are
   * checked (2 to 13 host names) and sorted; token lists are sorted by Terraform (`sort()`), so the
   * order Route 53 returns them in never causes a replacement.
   */
  readonly nameServers: string[];

  /**
   * Non-secret registrar settings, by catalog key (e.g. `{ sandbox: true }` for GoDaddy's OTE).
   * They reach the CLI as environment variables (e.g. NSBRIDGE_GODADDY_SANDBOX=1). Credentials are
   * never accepted here: they come from the environment of the process running Terraform.
   * @default - none: the CLI uses its defaults and whatever the environment sets
   */
  readonly registrarSettings?: RegistrarSettings;

  /**
   * What happens at the registrar when this delegation is destroyed (`retain` warns that the
   * domain still points at the deleted zone; `refuse` fails the destroy).
   * @default "retain"
   */
  readonly destroyPolicy?: DestroyPolicy;

  /**
   * Resources that must exist before the registrar is pointed at the name servers (typically the
   * zone's records, so the domain never resolves to an empty zone). Destroy runs in reverse: the
   * delegation is released before they are deleted.
   * @default - only what `nameServers` references
   */
  readonly dependsOn?: ITerraformDependable[];

  /**
   * Path of the nsbridge CLI bundle to ship with the stack. All delegations of a stack share one.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

/** cdktf's TerraformSelf snake-cases every segment; map keys must be written the same way. */
const snakeKey = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Problems with the registrar half of the props (registrar id, settings, destroy policy). */
export function checkRegistrarProps(
  props: Pick<RegistrarDelegationProps, 'registrar' | 'registrarSettings' | 'destroyPolicy'>,
): string[] {
  const problems: string[] = [];
  const registrarProblems = checkRegistrarId(props.registrar);
  problems.push(...registrarProblems.map((m) => E.atPath(['registrar'], m)));
  if (registrarProblems.length === 0 && props.registrarSettings) {
    for (const p of checkRegistrarSettings(props.registrar, props.registrarSettings)) {
      problems.push(E.atPath(['registrarSettings', ...p.path], p.message));
    }
  }
  if (props.destroyPolicy !== undefined && !isDestroyPolicy(props.destroyPolicy)) {
    problems.push(E.atPath(['destroyPolicy'], E.unknownDestroyPolicy(props.destroyPolicy, DESTROY_POLICIES)));
  }
  return problems;
}

/** Problems with the props, all at once, as "path: message" lines. */
export function checkDelegationProps(props: RegistrarDelegationProps): { problems: string[]; domain?: string; nameServers?: string[] } {
  const problems: string[] = [];
  let domain: string | undefined;
  if (Token.isUnresolved(props.domain)) domain = props.domain;
  else {
    const r = checkDomainName(props.domain);
    if (r.ok) domain = r.value;
    else problems.push(E.atPath(['domain'], E.invalidDomainName(props.domain, r.reason)));
  }

  problems.push(...checkRegistrarProps(props));

  let nameServers: string[] | undefined;
  if (Token.isUnresolved(props.nameServers) || props.nameServers.some((ns) => Token.isUnresolved(ns))) {
    nameServers = undefined; // sorted by Terraform instead
  } else {
    try {
      nameServers = normalizeNameServers(props.nameServers);
    } catch (err) {
      if (!(err instanceof InvalidNameError)) throw err;
      problems.push(E.atPath(['nameServers'], E.nameServersInvalid(err.message)));
    }
  }
  return { problems, domain, nameServers };
}

/**
 * Points a domain at a set of name servers at its registrar, through the nsbridge CLI, as part of
 * `terraform apply`; carries out the destroy policy on `terraform destroy`.
 *
 * Usually created by `DelegatedDomain`. Use it directly for name servers that are not a
 * `HostedZone` of this app (e.g. a zone in another stack, or a DNS provider outside AWS).
 */
export class RegistrarDelegation extends Construct {
  /** The `terraform_data` resource. */
  public readonly resource: DataResource;
  /** The domain in canonical form. */
  public readonly domain: string;
  public readonly registrar: RegistrarId;
  public readonly destroyPolicy: DestroyPolicy;
  /** The stack's CLI asset the provisioners run. */
  public readonly cli: NsbridgeCliAsset;

  constructor(scope: Construct, id: string, props: RegistrarDelegationProps) {
    super(scope, id);
    const checked = checkDelegationProps(props);
    if (checked.problems.length > 0 || checked.domain === undefined) {
      throw new E.NsbridgeValidationError(this.node.path, checked.problems);
    }
    this.domain = checked.domain;
    this.registrar = props.registrar;
    this.destroyPolicy = props.destroyPolicy ?? DEFAULT_DESTROY_POLICY;
    this.cli = NsbridgeCliAsset.of(this, props.cliBundlePath);

    const settings = settingSpecs(props.registrar, props.registrarSettings ?? {});
    const triggersReplace: Record<string, unknown> = {
      domain: this.domain,
      registrar: this.registrar,
      name_servers: checked.nameServers ?? Fn.sort(props.nameServers),
    };
    if (settings.length > 0) {
      triggersReplace.settings = Object.fromEntries(settings.map(({ spec, value }) => [snakeKey(spec.key), settingValueForEnv(value)]));
    }
    // Each setting's variable is filled from self, so a destroy (or the destroy half of a
    // replacement) uses the settings the delegation was created with.
    const environment: Record<string, string> = Object.fromEntries(
      settings.map(({ spec }) => [spec.env, TerraformSelf.getString(`triggers_replace.settings.${snakeKey(spec.key)}`)]),
    );

    const args =
      `--registrar ${TerraformSelf.getString('triggers_replace.registrar')}` +
      ` --domain ${TerraformSelf.getString('triggers_replace.domain')}` +
      ` --ns ${Fn.join(',', TerraformSelf.getAny('triggers_replace.name_servers'))}`;

    this.resource = new DataResource(this, 'bridge', {
      triggersReplace,
      input: { destroy_policy: this.destroyPolicy },
      dependsOn: props.dependsOn,
      provisioners: [
        {
          type: 'local-exec',
          command: `${this.cli.command} set ${args}`,
          environment: settings.length > 0 ? environment : undefined,
        },
        {
          type: 'local-exec',
          when: 'destroy',
          command: `${this.cli.command} release ${args} --policy ${TerraformSelf.getString('input.destroy_policy')}`,
          environment: settings.length > 0 ? environment : undefined,
        },
      ],
    });
    dropPerInstanceVersionCheck(this.resource);
  }
}
