/**
 * What the YAML app (config/) uses beyond the public API (modules/index.ts): the same validators
 * and message builders the constructs use, so that domains.yaml reports a problem in the
 * constructs' words, with its YAML path, before anything is built. Internal: not part of the
 * package's exports; may change in any release.
 */
export { DESTROY_POLICIES, defaultDestroyPolicy, restoreUnsupportedReason } from './destroy-policy';
export { checkDnssecOptions } from './dnssec-options';
export type { DnssecPublishingOptions } from './dnssec-options';
export * as E from './errors';
export { checkRecords, MAX_TTL, MIN_TTL, RECORD_TYPES } from './record-values';
export type { RecordSpec } from './record-values';
export { checkRegistrarId, checkRegistrarSettings, isRegistrarId } from './registrar-settings';
