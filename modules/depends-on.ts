/**
 * `depends_on` lists produced at synth, shared by the delegation constructs. Internal: not
 * exported from modules/index.ts.
 */
import { dependable, ITerraformDependable, Lazy, TerraformResource } from 'cdktf';

/**
 * A `depends_on` entry: `<type>.<logical id>` written out for resources, which is what cdktf's
 * `dependable()` token resolves to, without a token per entry; anything else (a module, a data
 * source) through `dependable()`.
 */
export function dependsOnEntry(d: ITerraformDependable): string {
  return TerraformResource.isTerraformResource(d) ? `${d.terraformResourceType}.${d.friendlyUniqueId}` : dependable(d);
}

/** A `depends_on` list produced at synth, so it may name resources created after this call; none: no `depends_on`. */
export function lazyDependsOn(produce: () => readonly ITerraformDependable[]): string[] {
  return Lazy.listValue({
    produce: () => {
      const all = produce();
      return all.length > 0 ? all.map(dependsOnEntry) : undefined;
    },
  });
}
