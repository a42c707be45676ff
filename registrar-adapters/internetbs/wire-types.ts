/**
 * Internet.bs JSON answers (ResponseFormat=JSON;
 * https://internetbs.net/ResellerRegistrarDomainNameAPI/api/01_domain_related/05_domain_info and
 * .../03_domain_update), as zod schemas checked before use.
 */
import { z } from 'zod';

export const PATHS = { info: '/Domain/Info', update: '/Domain/Update' } as const;

/** Every answer: transactid and status; FAILURE adds message and code. */
export const envelopeSchema = z.object({
  transactid: z.string().optional(),
  status: z.enum(['SUCCESS', 'PENDING', 'FAILURE']),
  message: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
});
export type InternetBsEnvelope = z.infer<typeof envelopeSchema>;

/** /Domain/Info with status SUCCESS: `nameserver` is the list of host names (DNSControl reads it). */
export const domainInfoSchema = z.object({
  status: z.literal('SUCCESS'),
  domain: z.string().optional(),
  punycode: z.string().optional(),
  nameserver: z.array(z.string().min(1)),
});

/** FAILURE codes seen in recorded answers (lego fixtures, DNSControl). */
export const FAILURE = {
  INVALID_CREDENTIALS: '107002',
  INVALID_PARAMETER: '100002',
  UNSUPPORTED_EXTENSION: '100004',
} as const;
