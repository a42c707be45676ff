import type { TerraformElement } from 'cdktf';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import type { Construct } from 'constructs';
import { fastPathsVerified } from './gate';

const VERIFIED = fastPathsVerified().ok;

/**
 * cdktf's DataResource constructor registers a ValidateTerraformVersion on EVERY instance, and each
 * one runs `terraform version` through execSync at synth: ~45 ms per resource, 45 s for 1,000
 * domains, and a hard failure on machines without terraform. The requirement is per stack, not
 * per resource, so the per-instance copy is removed and the stack keeps one (the CLI asset's, see
 * modules/cli-asset.ts).
 *
 * This reads the private validation list of constructs 10.x (`Node._validations`). On a cdktf that
 * was not verified, or if that internal changes, nothing is removed: the checks stay (slow but
 * correct), and the test "synth spawns no terraform process" fails to tell us.
 */
export function dropPerInstanceVersionCheck(element: TerraformElement | Construct): void {
  if (!VERIFIED) return;
  const validations = (element.node as unknown as { _validations?: unknown[] })._validations;
  if (!Array.isArray(validations)) return;
  for (let i = validations.length - 1; i >= 0; i--) {
    if (validations[i] instanceof ValidateTerraformVersion) validations.splice(i, 1);
  }
}
