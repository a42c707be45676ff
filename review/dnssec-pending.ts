/**
 * The DNSSEC roll-out steps a later deploy still has to do, from Terraform state: the `output`
 * of each "ds-rollout" `terraform_data` (modules/dnssec-rollout.ts), which the last apply recorded:
 * the step ("remove old KSK 12345 after 2026-12-08T10:00:00Z"), its earliest time, and whether it
 * is past its deadline. For `nsbridge plan`; `cdktf diff` shows the same values as the next
 * apply would record them.
 */
import type { SynthesizedApp } from './synthesized';
import { readState, StateValues } from './state';

export interface DnssecPendingStep {
  readonly stack: string;
  readonly domain: string;
  readonly step: string;
  /** The earliest moment the step is safe (ISO), when it waits for time rather than for DNS. */
  readonly notBefore?: string;
  /** Past the roll-out's deadline: why. */
  readonly failed?: string;
  /** What the registrar had lost, as the last deploy saw it (it put it back). */
  readonly drift?: string;
}

const ROLLOUT = /(^|\.)terraform_data\.[A-Za-z0-9_-]*_ds-rollout_[0-9A-F]{8}$/;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The pending steps recorded in one stack's state (pure). */
export function dnssecPendingSteps(stack: string, values: StateValues): DnssecPendingStep[] {
  const steps: DnssecPendingStep[] = [];
  for (const [address, attributes] of values) {
    if (!ROLLOUT.test(address)) continue;
    const output = (attributes.output ?? {}) as Record<string, unknown>;
    const step = text(output.step);
    const failed = text(output.failed);
    if (!step && !failed) continue;
    const notBefore = text(output.not_before);
    const drift = text(output.drift);
    steps.push({
      stack,
      domain: String((attributes.triggers_replace as Record<string, unknown> | undefined)?.domain ?? address),
      step: step ?? '',
      ...(notBefore ? { notBefore } : {}),
      ...(failed ? { failed } : {}),
      ...(drift ? { drift } : {}),
    });
  }
  return steps.sort((a, b) => a.domain.localeCompare(b.domain));
}

/** Every stack's pending steps; a state that cannot be read is already reported by the plan. */
export function dnssecPendingOfApp(app: SynthesizedApp, env: NodeJS.ProcessEnv): DnssecPendingStep[] {
  const dirs = new Map(app.delegations.map((d) => [d.stack, d.stackDir]));
  return [...dirs].flatMap(([stack, dir]) => {
    const state = readState(dir, app.backends[stack], env);
    return state.ok ? dnssecPendingSteps(stack, state.values) : [];
  });
}

/** Lines for the report ("" when nothing is pending). */
export function formatDnssecPending(steps: readonly DnssecPendingStep[]): string {
  if (steps.length === 0) return '';
  const lines = steps.map((s) => `  ${s.domain} (${s.stack}): ${s.failed ? `FAILED: ${s.failed}` : s.step}${s.drift ? ` [drift: ${s.drift}]` : ''}`);
  return `\nDNSSEC steps pending (a later deploy does them; the scheduled pipeline job advances them):\n${lines.join('\n')}\n`;
}

/** A resource change of `<engine> show -json <plan>`. */
interface PlannedChange {
  readonly address: string;
  readonly type?: string;
  readonly change: { readonly actions: readonly string[] };
}

/** What a scheduled roll-out job may apply without a person: the roll-out's own objects, and the keys' status. */
const ROLLOUT_PART = /_(ds-rollout|anchor-[a-z-]+)_[0-9A-F]{8}$/;
const STATUS_ONLY = new Set(['aws_route53_key_signing_key', 'aws_route53_hosted_zone_dnssec']);

/**
 * The planned changes that are NOT a DNSSEC roll-out step (pure): a scheduled job applies a plan
 * only when this is empty, so that it never deploys a change nobody approved (a merged change
 * waiting for the deploy job's approval, a new key generation). Allowed: any change of the
 * roll-out's `terraform_data` (ds-rollout, anchor-*), an in-place update of a KSK or of signing
 * (their status follows the roll-out), reads and no-ops.
 */
export function changesBeyondRollout(plan: { resource_changes?: readonly PlannedChange[] }): string[] {
  return (plan.resource_changes ?? []).flatMap((c) => {
    const actions = c.change.actions;
    if (actions.every((a) => a === 'no-op' || a === 'read')) return [];
    if (c.address.startsWith('terraform_data.') && ROLLOUT_PART.test(c.address)) return [];
    if (c.type !== undefined && STATUS_ONLY.has(c.type) && actions.length === 1 && actions[0] === 'update') return [];
    return [`${c.address}: ${actions.join(', ')}`];
  });
}
