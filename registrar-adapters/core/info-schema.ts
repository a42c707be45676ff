/**
 * The shape of a registrar's facts file, registrar-adapters/<id>/info.json, as a zod schema. The
 * tests check every file against it (__tests__/registrar-adapters/info-files.test.ts); the run time
 * does not, because the library ships with no dependencies (zod lives only in the CLI bundle):
 * `loadRegistrarInfo` (info-file.ts) trusts a file that passed.
 */
import { z } from 'zod';
import type { RegistrarId } from './types';

/** A capability, with the reason (and where to read more) when it is missing. */
const capability = z.discriminatedUnion('supported', [
  z.strictObject({ supported: z.literal(true), note: z.string().min(1).optional() }),
  z.strictObject({ supported: z.literal(false), reason: z.string().min(1), link: z.url().optional() }),
]);

const setting = z.strictObject({
  key: z.string().regex(/^[a-z][A-Za-z]*$/, 'a camelCase key'),
  env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name'),
  type: z.enum(['boolean', 'string']),
  description: z.string().min(1),
});

const rateLimit = z.strictObject({
  requests: z.number().int().positive(),
  perMs: z.number().int().positive(),
  source: z.string().min(1),
});

export const registrarFactsSchema = z.strictObject({
  id: z.custom<RegistrarId>((v) => typeof v === 'string' && /^[a-z0-9]+$/.test(v), 'a registrar id: lower-case letters and digits'),
  name: z.string().min(1),
  productionEndpoint: z.url().optional(),
  sandboxEndpoint: z.url().optional(),
  credentials: z.array(
    z.strictObject({
      env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name'),
      description: z.string().min(1),
      optional: z.boolean().optional(),
      defaultFrom: z.string().optional(),
      public: z.boolean().optional(),
    }),
  ),
  /**
   * In this order: `sandbox` (the description of NSBRIDGE_<ID>_SANDBOX), the registrar's `own`
   * settings, then `operation` (the descriptions of the two settings of a registrar whose changes
   * finish after the answer: NSBRIDGE_<ID>_OPERATION_TIMEOUT and NSBRIDGE_<ID>_POLL_INTERVAL).
   */
  settings: z.strictObject({
    sandbox: z.string().min(1).optional(),
    own: z.array(setting).optional(),
    operation: z.strictObject({ timeout: z.string().min(1), pollInterval: z.string().min(1) }).optional(),
  }),
  capabilities: z.strictObject({
    readNameServers: capability,
    setNameServers: capability,
    sandbox: capability,
    dnssec: capability,
    asyncOperations: capability,
  }),
  rateLimit: rateLimit.optional(),
  extraRateLimits: z.array(rateLimit).optional(),
  quirks: z.array(z.string().min(1)),
  docs: z.url().optional(),
  dnssecInput: z.enum(['ds', 'dnskey']).optional(),
});

export type RegistrarFacts = z.infer<typeof registrarFactsSchema>;

/** The problems of one facts file, each naming the file and the field: empty when it fits. */
export function registrarFactsProblems(file: string, data: unknown): string[] {
  const result = registrarFactsSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(the whole file)'}: ${issue.message}`);
}
