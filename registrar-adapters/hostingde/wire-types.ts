/**
 * hosting.de JSON API shapes (https://www.hosting.de/api/#the-domain-object, #domainsfind,
 * #domainupdate, #dnssec): every answer is the envelope below, HTTP 200 even for errors.
 * Parsed with zod before use.
 */
import { z } from 'zod';

export const apiErrorSchema = z.object({
  code: z.number().int(),
  text: z.string().optional(),
  contextObject: z.string().nullish(),
  contextPath: z.string().nullish(),
  value: z.unknown().optional(),
});
export type HostingdeApiError = z.infer<typeof apiErrorSchema>;

export const envelopeSchema = z.object({
  status: z.enum(['success', 'pending', 'error']),
  errors: z.array(apiErrorSchema).nullish(),
  warnings: z.array(z.unknown()).nullish(),
  metadata: z.object({ serverTransactionId: z.string().optional(), clientTransactionId: z.string().nullish() }).passthrough().nullish(),
  response: z.unknown().optional(),
  responses: z.unknown().optional(),
});
export type HostingdeEnvelope = z.infer<typeof envelopeSchema>;

/**
 * The Domain object. Only `name` and `nameservers` are checked; every other field is kept as it
 * came (passthrough), because domainUpdate must get the whole object back.
 */
export const domainSchema = z
  .object({
    id: z.string().optional(),
    name: z.string(),
    nameservers: z.array(z.object({ name: z.string(), ips: z.array(z.string()).nullish() }).passthrough()),
  })
  .passthrough();
export type HostingdeDomain = z.infer<typeof domainSchema>;

/** domainsFind -> response. */
export const findResultSchema = z.object({ data: z.array(domainSchema), totalEntries: z.number().optional() }).passthrough();

/** DNSKEY data as hosting.de names it. */
export const keyDataSchema = z.object({ flags: z.number().int(), protocol: z.number().int(), algorithm: z.number().int(), publicKey: z.string() });
export type HostingdeKeyData = z.infer<typeof keyDataSchema>;

/** dnsSecKeysList -> responses[]. */
export const dnsSecKeyListSchema = z.array(z.object({ keyData: keyDataSchema }).passthrough());

/** jobsFind -> response.data[]: the job's state (successful when done). */
export const jobsFindSchema = z.object({ data: z.array(z.object({ id: z.string().optional(), state: z.string() }).passthrough()) }).passthrough();
