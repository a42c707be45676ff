/**
 * Realtime Register v2 shapes (https://dm.realtimeregister.com/docs/api/domains/get,
 * .../domains/update, .../processes/get; the official PHP SDK's DomainDetails, DsData, KeyData).
 * Parsed with zod before use.
 */
import { z } from 'zod';

export const dsDataSchema = z.object({ keyTag: z.number().int(), algorithm: z.number().int(), digestType: z.number().int(), digest: z.string() });
export const keyDataSchema = z.object({ protocol: z.number().int(), flags: z.number().int(), algorithm: z.number().int(), publicKey: z.string() });
export type RealtimeRegisterDsData = z.infer<typeof dsDataSchema>;
export type RealtimeRegisterKeyData = z.infer<typeof keyDataSchema>;

/** GET /v2/domains/{domainName} (the parts nsbridge uses); an answer without `ns` is not a domain. */
export const domainSchema = z.object({
  domainName: z.string(),
  ns: z.array(z.string()),
  status: z.array(z.string()).optional(),
  dsData: z.array(dsDataSchema).nullish(),
  keyData: z.array(keyDataSchema).nullish(),
});
export type RealtimeRegisterDomain = z.infer<typeof domainSchema>;

/** POST /v2/domains/{domainName}/update body (the fields nsbridge sends; left-out fields stay). */
export interface RealtimeRegisterDomainUpdate {
  ns?: string[];
  dsData?: RealtimeRegisterDsData[];
  keyData?: RealtimeRegisterKeyData[];
}

/** A 202 answer: the queued process. Field name UNCONFIRMED (`processId`, or `id`). */
export const queuedSchema = z.object({ processId: z.number().int().optional(), id: z.number().int().optional() });

export const PROCESS_STATUSES = ['NEW', 'VALIDATED', 'RUNNING', 'COMPLETED', 'INVALID', 'CANCELLED', 'FAILED', 'IN_DOUBT', 'SCHEDULED', 'SUSPENDED'] as const;

/** GET /v2/processes/{processId} (the parts nsbridge uses). */
export const processSchema = z.object({
  id: z.number().int(),
  status: z.enum(PROCESS_STATUSES),
  action: z.string().optional(),
  identifier: z.string().optional(),
  resultMessage: z.string().nullish(),
  message: z.string().nullish(),
});
export type RealtimeRegisterProcess = z.infer<typeof processSchema>;

/** Error body: `type` and `message` (field names UNCONFIRMED), plus `billables` for BillableAcknowledgmentNeededException. */
export const errorSchema = z.object({
  type: z.string(),
  message: z.string().optional(),
  billables: z.array(z.object({ product: z.string().optional(), action: z.string().optional(), quantity: z.number().optional() })).optional(),
});
