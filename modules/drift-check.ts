/**
 * A Terraform `check` block (Terraform >= 1.5, OpenTofu >= 1.6): an assertion evaluated at the
 * end of every plan and apply that reports a warning when it fails and never changes the plan.
 * cdktf 0.21 has no construct for it, so this element renders the block itself.
 *
 * Why a check over a plain data source with a precondition: a failed precondition is an error and
 * would stop the deploy of every other domain; drift is something to see and decide on, not a
 * reason to block unrelated changes.
 */
import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';

export interface DriftCheckProps {
  /** A Terraform expression, without `${}`, that is true when all is well. */
  readonly condition: string;
  /** A template string (may hold `${...}` references) shown as the warning when it is false. */
  readonly errorMessage: string;
}

export class DriftCheck extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: DriftCheckProps,
  ) {
    super(scope, id);
  }

  public override toTerraform(): Record<string, unknown> {
    return {
      check: {
        [this.friendlyUniqueId]: {
          assert: [{ condition: `\${${this.props.condition}}`, error_message: this.props.errorMessage }],
        },
      },
    };
  }

  public override toHclTerraform(): Record<string, unknown> {
    return this.toTerraform();
  }
}
