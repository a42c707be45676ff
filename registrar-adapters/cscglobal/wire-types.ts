/**
 * CSCDomainManager API v2 shapes (https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/;
 * DNSControl providers/cscglobal), as zod schemas checked before use.
 */
import { z } from 'zod';

export const API_PREFIX = '/dbs/api/v2';

/**
 * GET /domains/{qualifiedDomainName}. The casing of the list is UNCONFIRMED (DNSControl's struct
 * tag is `nameservers`, a third-party script reads `nameServers`): either is accepted, one required.
 */
export const domainSchema = z
  .object({
    qualifiedDomainName: z.string().optional(),
    nameServers: z.array(z.string().min(1)).optional(),
    nameservers: z.array(z.string().min(1)).optional(),
  })
  .refine((d) => d.nameServers !== undefined || d.nameservers !== undefined, { message: 'no nameServers list', path: ['nameServers'] });

/** PUT /domains/nsmodification body. */
export interface CscNsModification {
  qualifiedDomainName: string;
  nameServers: string[];
  dnsType: 'OTHER_DNS';
  notifications: { enabled: boolean; additionalNotificationEmails: string[] };
  showPrice: boolean;
  customFields: unknown[];
}

/** The order answer: anything but SUBMITTED is a failure (DNSControl). */
export const orderSchema = z.object({
  result: z.object({
    qualifiedDomainName: z.string().optional(),
    status: z.object({
      code: z.string(),
      message: z.string().optional(),
      additionalInformation: z.string().nullable().optional(),
      uuid: z.string().optional(),
    }),
  }),
});

/** Non-2xx bodies: {code, description, value} (or plain text). */
export const errorSchema = z.object({ code: z.string(), description: z.string().optional(), value: z.unknown().optional() });
