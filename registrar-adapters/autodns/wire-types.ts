/**
 * AutoDNS JSON shapes (InterNetX php-domainrobot-sdk src/Lib/specs.json: JsonResponseDataDomain,
 * JsonResponseDataObjectJob, JsonResponseDataJob, Domain, NameServer, DNSSec, Job). Parsed with zod
 * before use.
 */
import { z } from 'zod';

export const messageSchema = z.object({ code: z.string().optional(), text: z.string().optional(), status: z.string().optional() }).passthrough();

/** Every answer: {stid, status{code, text, type}, messages[], data[]}. */
export const envelopeSchema = z.object({
  stid: z.string().optional(),
  status: z.object({ code: z.string().optional(), text: z.string().optional(), type: z.string() }).passthrough(),
  messages: z.array(messageSchema).nullish(),
  data: z.array(z.unknown()).nullish(),
});
export type AutodnsEnvelope = z.infer<typeof envelopeSchema>;

export const dnssecKeySchema = z.object({ algorithm: z.number().int(), flags: z.number().int(), protocol: z.number().int(), publicKey: z.string() }).passthrough();
export type AutodnsDnssecKey = z.infer<typeof dnssecKeySchema>;

/** The Domain object: name and nameServers checked, every other field kept as it came (it is sent back). */
export const domainSchema = z
  .object({
    name: z.string(),
    nameServers: z.array(z.object({ name: z.string() }).passthrough()),
    dnssecData: z.array(dnssecKeySchema).nullish(),
  })
  .passthrough();
export type AutodnsDomain = z.infer<typeof domainSchema>;

export const JOB_STATUSES = ['RUNNING', 'SUCCESS', 'FAILED', 'CANCELED', 'SUPPORT', 'DEFERRED', 'NOT_SET', 'WAIT'] as const;
export const jobSchema = z.object({ id: z.union([z.number(), z.string()]), status: z.enum(JOB_STATUSES), subStatus: z.string().nullish() }).passthrough();
export type AutodnsJob = z.infer<typeof jobSchema>;

/** data[0] of an update answer: an ObjectJob {job, object} or the Job itself. */
export const objectJobSchema = z.union([z.object({ job: jobSchema }).passthrough(), jobSchema]);
