/**
 * The SHAPE of domains.yaml as a zod schema: which keys exist, their types, enums. Strict objects
 * everywhere, so a typo ("registar:") is an error instead of a silently ignored key.
 *
 * What needs knowledge beyond one value (domain-name rules, duplicates across domains, registrar
 * settings per registrar, record contents, references to stacks) lives in ./semantics.ts, which
 * runs on the same input whatever zod found, so one run reports every problem in the file.
 * The reference for every key is docs/configuration.md; keep the two in step.
 */
import { z } from 'zod';
import { DESTROY_POLICIES, E } from '../modules/internal';

const tags = z.record(z.string(), z.string());

const aws = z.strictObject({
  region: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  assumeRole: z
    .strictObject({
      roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: (iss) => `${E.show(iss.input)} is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)` }),
      sessionName: z.string().min(2).max(64).optional(),
      externalId: z.string().min(2).max(1224).optional(),
    })
    .optional(),
  allowedAccountIds: z.array(z.string().regex(/^\d{12}$/, { error: (iss) => `${E.show(iss.input)} is not a 12-digit AWS account id (quote it in YAML so leading zeros survive)` })).optional(),
});

const localBackend = z.strictObject({
  type: z.literal('local'),
  /** Relative to the configuration file's directory. */
  path: z.string().min(1).optional(),
});

const s3Backend = z.strictObject({
  type: z.literal('s3'),
  bucket: z.string().min(3).max(63),
  key: z.string().min(1).optional(),
  region: z.string().min(1),
  useLockfile: z.boolean().optional(),
  dynamodbTable: z.string().min(3).optional(),
  encrypt: z.boolean().optional(),
  kmsKeyId: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  roleArn: z.string().min(1).optional(),
  workspaceKeyPrefix: z.string().min(1).optional(),
});

const backend = z.discriminatedUnion('type', [localBackend, s3Backend]);

const stack = z.strictObject({
  aws: aws.optional(),
  backend: backend.optional(),
  tags: tags.optional(),
  /** "create" or an existing reusable delegation set id (checked in semantics). */
  delegationSet: z.string().optional(),
  /** Where plans read the current delegation of this stack's domains (a domain's own setting wins). */
  delegationSource: z.enum(['dns', 'registrar']).optional(),
});

const alias = z.strictObject({
  dnsName: z.string(),
  zoneId: z.string().optional(),
  evaluateTargetHealth: z.boolean().optional(),
});

/**
 * A record's keys. Its contents (type, ttl, values per type) are checked by the same code as the
 * HostedZone construct (modules/record-values.ts), in semantics.ts.
 */
const record = z.strictObject({
  name: z.string().optional(),
  type: z.string(),
  ttl: z.unknown().optional(),
  value: z.unknown().optional(),
  values: z.array(z.unknown()).optional(),
  alias: alias.optional(),
});

/**
 * DNSSEC: `true`, or the options (durations and removalHold checked in semantics, with the
 * registrar's support). The keys are DnssecPublishingOptions (modules/dnssec-options.ts).
 */
const dnssec = z.union([
  z.boolean(),
  z.strictObject({
    publish: z.boolean().optional(),
    signedWait: z.string().optional(),
    parentWait: z.string().optional(),
    removalHold: z.string().optional(),
    keyGeneration: z.string().optional(),
    previousKeyGeneration: z.string().optional(),
    disable: z.boolean().optional(),
    rolloutDeadline: z.string().optional(),
  }),
]);

const domain = z.strictObject({
  name: z.string(),
  /** Required unless `retired` (checked in semantics, so the message can say why). */
  registrar: z.string().optional(),
  /** Being removed: the next deploy runs the destroy policy and deletes the zone (see docs). */
  retired: z.boolean().optional(),
  stack: z.string().optional(),
  registrarSettings: z.record(z.string(), z.unknown()).optional(),
  destroyPolicy: z.enum(DESTROY_POLICIES as [string, ...string[]]).optional(),
  /** e.g. 10m: wait for the parent zone to publish the change (checked in semantics). */
  waitForDelegation: z.string().optional(),
  driftCheck: z.boolean().optional(),
  delegationSource: z.enum(['dns', 'registrar']).optional(),
  repairDrift: z.boolean().optional(),
  comment: z.string().max(256).optional(),
  tags: tags.optional(),
  forceDestroy: z.boolean().optional(),
  /** none | own | stack | an existing delegation set id (checked in semantics). */
  delegationSet: z.string().optional(),
  records: z.array(record).optional(),
  dnssec: dnssec.optional(),
});

const defaults = z.strictObject({
  destroyPolicy: z.enum(DESTROY_POLICIES as [string, ...string[]]).optional(),
  waitForDelegation: z.string().optional(),
  driftCheck: z.boolean().optional(),
  delegationSource: z.enum(['dns', 'registrar']).optional(),
  repairDrift: z.boolean().optional(),
  ttl: z.unknown().optional(),
  tags: tags.optional(),
  forceDestroy: z.boolean().optional(),
  comment: z.string().max(256).optional(),
});

export const configSchema = z.strictObject({
  /** Format version, for future migrations. */
  version: z.literal(1).optional(),
  defaults: defaults.optional(),
  stacks: z.record(z.string(), stack).optional(),
  domains: z.array(domain),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawDomain = z.infer<typeof domain>;
export type RawRecord = z.infer<typeof record>;
export type RawStack = z.infer<typeof stack>;

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${E.show(v)}`;

const expectedName: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * zod's messages rewritten for people editing YAML: say what was expected, echo what was found,
 * and for unknown keys list the keys that are allowed there.
 */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `expected ${expectedName[iss.expected] ?? iss.expected}, got ${typeName(iss.input)}`;
    case 'invalid_value':
      return `${E.show(iss.input)} is not allowed; use ${iss.values.map((v) => E.show(v)).join(' or ')}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const allowed = shape ? Object.keys(shape).join(', ') : '';
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => E.show(k)).join(', ')}${allowed ? `; allowed here: ${allowed}` : ''}`;
    }
    case 'invalid_union': {
      // A discriminated union (backend.type) names its discriminator and the allowed values.
      const { discriminator, options } = iss as { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        const value = (iss.input as Record<string, unknown> | undefined)?.[discriminator];
        return value === undefined
          ? `is required; use ${options.map((o) => E.show(o)).join(' or ')}`
          : `${E.show(value)} is not allowed; use ${options.map((o) => E.show(o)).join(' or ')}`;
      }
      return `${typeName(iss.input)} does not match any allowed form`;
    }
    case 'too_small':
      return iss.origin === 'string' ? `${E.show(iss.input)} is too short (at least ${iss.minimum} characters)` : `needs at least ${iss.minimum} entries`;
    case 'too_big':
      return iss.origin === 'string' ? `is too long (${String(iss.input).length} characters, at most ${iss.maximum})` : `has too many entries (at most ${iss.maximum})`;
    default:
      return undefined;
  }
};
