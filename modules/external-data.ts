/**
 * The hashicorp/external `external` data source and its provider, written against cdktf's own
 * classes, so that the library needs no @cdktf/provider-external binding (one peer dependency
 * less for every user). It renders what that binding (11.x) renders: the same provider source,
 * version constraint and attributes. https://registry.terraform.io/providers/hashicorp/external/latest/docs/data-sources/external
 */
import { StringMap, TerraformDataSource, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/** The provider's version and constraint, as the @cdktf/provider-external 11.x binding declares them. */
const GENERATOR_METADATA = { providerName: 'external', providerVersion: '2.3.5', providerVersionConstraint: '~> 2.1' } as const;

/** An un-aliased hashicorp/external provider. */
class ExternalProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'external', terraformGeneratorMetadata: GENERATOR_METADATA, terraformProviderSource: 'external' });
  }
}

export interface ExternalProgramProps {
  /** The program and its arguments; it reads `query` as JSON on stdin, writes a string map on stdout. */
  readonly program: readonly string[];
  readonly query: Readonly<Record<string, string>>;
}

/** `data "external"`: runs a program at plan time; its answer is `result` (a map of strings). */
export class ExternalProgramData extends TerraformDataSource {
  /** The program's answer. */
  public readonly result: StringMap;
  private readonly props: ExternalProgramProps;

  constructor(scope: Construct, id: string, props: ExternalProgramProps) {
    super(scope, id, { terraformResourceType: 'external', terraformGeneratorMetadata: GENERATOR_METADATA, provider: externalProviderOf(scope) });
    this.props = props;
    this.result = new StringMap(this, 'result');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { program: [...this.props.program], query: { ...this.props.query } };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {
      program: { value: [...this.props.program], isBlock: false, type: 'list', storageClassType: 'stringList' },
      query: { value: { ...this.props.query }, isBlock: false, type: 'map', storageClassType: 'stringMap' },
    };
  }
}

/** Id of the hashicorp/external provider nsbridge adds to a stack that has none. */
export const EXTERNAL_PROVIDER_ID = 'nsbridge-external';

/**
 * The stack's default (un-aliased) hashicorp/external provider: the user's own if the stack has
 * one (e.g. an ExternalProvider of @cdktf/provider-external), else one created once per stack.
 * cdktf requires a provider construct for every data source.
 */
function externalProviderOf(scope: IConstruct): TerraformProvider {
  const stack = TerraformStack.of(scope);
  let provider = externalProviders.get(stack);
  if (!provider) {
    // Looked up once per stack: scanning the stack's children for every delegation is quadratic
    // (a measurable part of the synth at 1,000 domains).
    provider =
      stack.node.children.find(
        (c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'external' && c.alias === undefined,
      ) ?? new ExternalProvider(stack, EXTERNAL_PROVIDER_ID);
    externalProviders.set(stack, provider);
  }
  return provider;
}
const externalProviders = new WeakMap<TerraformStack, TerraformProvider>();
