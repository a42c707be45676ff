/**
 * A word of the plan-time DNSSEC read's answer shared by the CLI (core/dnssec-observation.ts) and
 * the construct that reads it (modules/dnssec-rollout.ts); no imports, so the package ships it
 * alone.
 */

/** In `parent_ds_any` when some parent server could not be read: it may still serve anything. */
export const UNREADABLE = 'UNREADABLE';
