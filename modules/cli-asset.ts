/**
 * The nsbridge CLI, shipped inside the synthesized stack as ONE TerraformAsset per stack.
 *
 * Why an asset: the registrar step runs wherever Terraform runs (a CI job that applies a plan made
 * by another job, a laptop). Copying the self-contained bundle (dist/nsbridge.js, built by esbuild,
 * no node_modules) into cdktf.out/stacks/<stack>/assets/ and calling it as
 * `node "${path.module}/assets/..."` makes the synthesized directory all that is needed, next to
 * Node.js and the credentials in the environment.
 *
 * Why one per stack: 1,000 domains share one copy instead of 1,000 (and synth hashes one file).
 *
 * It also carries the stack's single Terraform version check: see cdktf-internals/version-checks.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetType, TerraformAsset, TerraformStack } from 'cdktf';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import type { IConstruct } from 'constructs';
import * as E from './errors';
import { TERRAFORM_REQUIRED_VERSION } from './terraform-version';

/** Construct id of the asset under the stack; also the folder name under assets/. */
export const CLI_ASSET_ID = 'nsbridge-cli';

/**
 * Context key: set to true to skip the per-stack `terraform version` check at synth. The nsbridge
 * app sets it (synth must work with no terraform/tofu installed) and puts the requirement into the
 * generated configuration instead (`terraform { required_version = ">= 1.5.0" }`).
 */
export const SKIP_TERRAFORM_VERSION_CHECK = 'nsbridge:skipTerraformVersionCheck';

/**
 * Where the CLI bundle is looked for when no path is given: next to the compiled modules
 * (dist/modules/ → dist/nsbridge.js, also inside an installed package) and from the sources
 * (modules/ → dist/nsbridge.js, for tests that run the TypeScript directly).
 */
export function defaultCliBundleCandidates(): string[] {
  return [path.resolve(__dirname, '..', 'nsbridge.js'), path.resolve(__dirname, '..', 'dist', 'nsbridge.js')];
}

function resolveBundle(bundlePath: string | undefined): string {
  const candidates = bundlePath ? [path.resolve(bundlePath)] : defaultCliBundleCandidates();
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) throw new E.NsbridgeValidationError('NsbridgeCliAsset', [E.cliBundleMissing(candidates)]);
  return found;
}

/**
 * The CLI bundle as a stack asset. Get it with `NsbridgeCliAsset.of(scope)`; constructs never
 * create it directly, so a stack holds at most one.
 */
export class NsbridgeCliAsset extends TerraformAsset {
  /** The stack's asset, created on first use. */
  static of(scope: IConstruct, bundlePath?: string): NsbridgeCliAsset {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(CLI_ASSET_ID);
    if (existing instanceof NsbridgeCliAsset) {
      if (bundlePath !== undefined && path.resolve(bundlePath) !== existing.bundlePath) {
        throw new E.NsbridgeValidationError(stack.node.path, [E.cliBundleConflict(stack.node.path, existing.bundlePath, bundlePath)]);
      }
      return existing;
    }
    return new NsbridgeCliAsset(stack, resolveBundle(bundlePath));
  }

  /** Absolute path of the bundle that is copied. */
  public readonly bundlePath: string;

  private constructor(stack: TerraformStack, bundlePath: string) {
    super(stack, CLI_ASSET_ID, { path: bundlePath, type: AssetType.FILE });
    this.bundlePath = bundlePath;
    if (!this.node.tryGetContext(SKIP_TERRAFORM_VERSION_CHECK)) {
      this.node.addValidation(
        new ValidateTerraformVersion(
          TERRAFORM_REQUIRED_VERSION,
          `nsbridge needs Terraform ${TERRAFORM_REQUIRED_VERSION} (terraform_data, check blocks); OpenTofu 1.6 or later`,
        ),
      );
    }
  }

  /**
   * The shell command prefix that runs the CLI: `node "${path.module}/assets/nsbridge-cli/<hash>/nsbridge.js"`.
   * `path.module` is "." in the root module (Terraform runs in the stack directory), and it is one
   * of the few references a destroy-time provisioner may use.
   */
  public get command(): string {
    // Computed once: `path` hashes the construct path for the logical id on every call.
    this.commandCache ??= `node "${this.scriptPath}"`;
    return this.commandCache;
  }

  /**
   * The bundle's path as Terraform sees it, `${path.module}/assets/nsbridge-cli/<hash>/nsbridge.js`,
   * for argument lists that are not run through a shell (the external data source's `program`).
   */
  public get scriptPath(): string {
    this.scriptPathCache ??= `\${path.module}/${this.path}`;
    return this.scriptPathCache;
  }

  private commandCache?: string;
  private scriptPathCache?: string;
}
