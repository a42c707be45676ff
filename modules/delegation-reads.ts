/**
 * The plan-time reads of a stack's delegations: one `data "external"` (`nsbridge terraform-external`
 * in batch mode) per stack for every domain read from DNS, and one per registrar account (registrar
 * and settings) for the domains read from their registrar. A plan of 1,000 domains so starts a
 * handful of node processes instead of 1,000, and in registrar mode a whole account can be read
 * with one batched listing where the registrar's API has one.
 *
 * The answer stays per domain: each domain's values are under "<domain>:<field>" keys of the one
 * result, and a domain that could not be read is "<domain>:available" = "false" with the reason,
 * so it blocks nothing but its own repair.
 */
import { createHash } from 'node:crypto';
import { Lazy, TerraformLocal, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ExternalProgramData } from './external-data';
import { hclString, interpolation } from './hcl';
import type { NsbridgeCliAsset } from './cli-asset';

/** A domain's fields in the batched read's result. */
export type ReadField = 'name_servers' | 'views' | 'available' | 'unavailable';

/** One domain's view of its stack's batched read. */
export interface DomainRead {
  /** The shared read (every domain of its group). */
  readonly data: ExternalProgramData;
  /**
   * The Terraform expression `try(local.<read>["<domain>:<field>"], "<otherwise>")`, without `${}`,
   * for use inside a larger expression.
   */
  expression(name: ReadField, otherwise: string): string;
  /** The same value as a string attribute value (`${...}`). */
  field(name: ReadField, otherwise: string): string;
}

export interface DomainReadProps {
  readonly cli: NsbridgeCliAsset;
  readonly domain: string;
  readonly source: 'dns' | 'registrar';
  readonly registrar: string;
  /** Non-secret registrar settings by variable name (part of the account's key in registrar mode). */
  readonly settings: Readonly<Record<string, string>>;
}

interface Group {
  readonly data: ExternalProgramData;
  /** `local.<id>`: the read's result, referenced by every domain's expressions. */
  readonly result: string;
  readonly domains: Set<string>;
}

/** Id of the construct under each stack that holds its reads. */
export const DELEGATION_READS_ID = 'nsbridge-delegation-reads';

const groupsByStack = new WeakMap<TerraformStack, Map<string, Group>>();

/** Adds the domain to its group's read (created on first use) and returns the domain's view of it. */
export function delegationReadOf(scope: Construct, props: DomainReadProps): DomainRead {
  const stack = TerraformStack.of(scope);
  let groups = groupsByStack.get(stack);
  if (!groups) groupsByStack.set(stack, (groups = new Map()));
  // DNS answers do not depend on the registrar or its settings: one read for the whole stack.
  const query: Record<string, string> = props.source === 'dns' ? { source: 'dns' } : { source: 'registrar', registrar: props.registrar, ...props.settings };
  const key = JSON.stringify(query);
  let group = groups.get(key);
  if (!group) {
    const domains = new Set<string>();
    const holder = (stack.node.tryFindChild(DELEGATION_READS_ID) as Construct | undefined) ?? new Construct(stack, DELEGATION_READS_ID);
    const data = new ExternalProgramData(new Construct(holder, groupId(props, key)), 'registrar-read', {
      program: ['node', props.cli.scriptPath, 'terraform-external'],
      // Filled in as delegations are added; rendered at synth. Sorted: the query does not change
      // with the order domains are declared in.
      query: { ...query, domains: Lazy.stringValue({ produce: () => [...domains].sort().join(',') }) },
    });
    // The domains' expressions read the result through a local, not `data.external.<id>.result`:
    // Terraform decodes a data source's whole value from state at every reference, so 2,000
    // references to one 2,000-key answer cost O(N^2) (a 1,000-domain plan took minutes). A local is
    // evaluated once and held as a value.
    const local = new TerraformLocal(holder, `${groupId(props, key)}-result`, `\${data.external.${data.friendlyUniqueId}.result}`);
    group = { data, result: `local.${local.friendlyUniqueId}`, domains };
    groups.set(key, group);
  }
  group.domains.add(props.domain);
  // Literal expressions, not cdktf tokens (Fn.lookup; see hcl.ts). An index inside try(), not lookup():
  // lookup() converts the whole map at every call. The default covers a key missing from the answer.
  const result = group.result;
  const expression = (name: ReadField, otherwise: string): string => `try(${result}[${hclString(`${props.domain}:${name}`)}], ${hclString(otherwise)})`;
  return { data: group.data, expression, field: (name, otherwise) => interpolation(expression(name, otherwise)) };
}

/** "dns", or the registrar's id, with a short hash of the settings when there are any. */
function groupId(props: DomainReadProps, key: string): string {
  if (props.source === 'dns') return 'dns';
  if (Object.keys(props.settings).length === 0) return props.registrar;
  return `${props.registrar}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}
