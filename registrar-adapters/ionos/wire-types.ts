/**
 * IONOS Domains API shapes (https://developer.hosting.ionos.com/docs/domains, spec "domains.yaml"),
 * as zod schemas: every answer is checked before it is used. Unknown fields are kept (passthrough):
 * IONOS adds fields, nsbridge reads only these.
 */
import { z } from 'zod';

/** domainSmall, one entry of GET /domains/v1/domainitems. */
export const DomainItem = z.looseObject({ id: z.string().min(1), name: z.string().min(1), tld: z.string().optional() });

/** GET /domains/v1/domainitems?name=&limit=&offset= */
export const DomainList = z.looseObject({ count: z.number().int().nonnegative().optional(), domains: z.array(DomainItem) });
export type DomainList = z.infer<typeof DomainList>;

export const NameServer = z.looseObject({
  name: z.string().min(1),
  ipV4Addresses: z.array(z.string()).optional(),
  ipV6Addresses: z.array(z.string()).optional(),
});

/** GET /domains/v1/domainitems/{id}/nameservers */
export const NameServersAnswer = z.looseObject({ type: z.string().optional(), nameservers: z.array(NameServer) });
export type NameServersAnswer = z.infer<typeof NameServersAnswer>;

/** PUT /domains/v1/domainitems/{id}/nameservers body. */
export interface NameServersUpdate {
  type: 'CUSTOM';
  nameservers: { name: string; ipV4Addresses?: string[]; ipV6Addresses?: string[] }[];
}

/** The 202 answer to the PUT: the id of the request IONOS queued (may be absent). */
export const Accepted = z.looseObject({ id: z.string().optional() });

/** The gateway's error (bad key, throttling): {"message"}. */
export const GatewayError = z.looseObject({ message: z.string() });
/** The Domains service's error: a list of {code, message}. */
export const ServiceErrors = z.array(z.looseObject({ code: z.string(), message: z.string().optional() }));
export type ServiceErrors = z.infer<typeof ServiceErrors>;
