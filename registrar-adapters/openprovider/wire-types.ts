/**
 * Openprovider v1beta shapes (swagger: auth.swagger.json, domain.swagger.json at
 * https://github.com/openprovider/api-documentation): every answer is the envelope
 * {code, desc, data}, code 0 meaning success. Parsed with zod before use.
 */
import { z } from 'zod';

/** The envelope of every answer; `code` non-zero is an error (errorError in the swagger). */
export const envelopeSchema = z.object({
  code: z.number().int(),
  desc: z.string().optional(),
  data: z.unknown().optional(),
});
export type OpenproviderEnvelope = z.infer<typeof envelopeSchema>;

/** POST /v1beta/auth/login -> data. */
export const loginDataSchema = z.object({ token: z.string().min(1), reseller_id: z.number().optional() });

/**
 * GET /v1beta/domains -> data. `domain.name` is the label without the extension. The API is
 * grpc-gateway generated, which may leave an empty list out altogether: a missing `results` is
 * read as none (the not-in-account answer's exact shape is UNCONFIRMED); a wrong type is an error.
 */
export const domainListDataSchema = z.object({
  results: z.array(z.object({ id: z.number().int(), domain: z.object({ name: z.string(), extension: z.string() }) })).optional().default([]),
  total: z.number().optional(),
});

/** domainNameserver. */
export const nameServerSchema = z.object({
  name: z.string(),
  ip: z.string().optional(),
  ip6: z.string().optional(),
  seq_nr: z.number().optional(),
});
export type OpenproviderNameServer = z.infer<typeof nameServerSchema>;

/** domainDnssecKey: a DNSKEY (alg, flags, protocol, pub_key); `readonly` marks keys the API may not change. */
export const dnssecKeySchema = z.object({
  alg: z.number().int(),
  flags: z.number().int(),
  protocol: z.number().int(),
  pub_key: z.string(),
  readonly: z.union([z.number(), z.boolean()]).optional(),
});
export type OpenproviderDnssecKey = z.infer<typeof dnssecKeySchema>;

/** GET /v1beta/domains/{id} -> data (the parts nsbridge uses; `name_servers` is required here). */
export const domainDataSchema = z.object({
  id: z.number().int(),
  name_servers: z.array(nameServerSchema),
  dnssec_keys: z.array(dnssecKeySchema).nullish(),
  is_dnssec_enabled: z.boolean().optional(),
  status: z.string().optional(),
});
export type OpenproviderDomain = z.infer<typeof domainDataSchema>;

/** PUT /v1beta/domains/{id} body (domainUpdateDomainRequest, the fields nsbridge sends). */
export interface OpenproviderDomainUpdate {
  name_servers?: { name: string; seq_nr: number }[];
  dnssec_keys?: { alg: number; flags: number; protocol: number; pub_key: string }[];
  is_dnssec_enabled?: boolean;
}

/** PUT /v1beta/domains/{id} -> data. */
export const updateDataSchema = z.object({ id: z.number().int().optional(), status: z.string().optional() }).passthrough();
