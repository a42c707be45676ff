/**
 * The one Terraform/OpenTofu version floor of everything nsbridge synthesizes. What sets it:
 * the drift `check` blocks (Terraform 1.5, OpenTofu 1.6: https://developer.hashicorp.com/terraform/language/checks)
 * and `terraform_data` (1.4: https://developer.hashicorp.com/terraform/language/resources/terraform-data).
 * OpenTofu compares `required_version` with its own version, and every OpenTofu release that has
 * check blocks (1.6+) satisfies it.
 *
 * @example
 * // In a stack of your own that uses the nsbridge constructs:
 * stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.5.0';

/**
 * The `required_version` of a stack whose S3 state locks with a lock file: S3-native locking came
 * in Terraform 1.10 (https://developer.hashicorp.com/terraform/language/backend/s3#state-locking)
 * and OpenTofu 1.10 (https://opentofu.org/docs/language/settings/backends/s3/#state-locking).
 */
export const LOCKFILE_REQUIRED_VERSION = '>= 1.10';
