/**
 * OpenSRS XCP shapes (https://domains.opensrs.guide/docs/get-nameserver,
 * https://domains.opensrs.guide/docs/advanced_update_nameservers, https://domains.opensrs.guide/docs/codes),
 * as zod schemas: every reply is checked before use. XCP carries every scalar as text.
 */
import { z } from 'zod';

/** The commands nsbridge sends (action, object). */
export const COMMANDS = {
  getDomain: { action: 'GET', object: 'DOMAIN' },
  updateNameServers: { action: 'ADVANCED_UPDATE_NAMESERVERS', object: 'DOMAIN' },
  getDnssec: { action: 'GET_DNSSEC_INFO', object: 'DOMAIN' },
  setDnssec: { action: 'SET_DNSSEC_INFO', object: 'DOMAIN' },
} as const;

/** The reply envelope's data block (action REPLY). */
export const replySchema = z.object({
  protocol: z.string().optional(),
  action: z.string(),
  object: z.string().optional(),
  is_success: z.enum(['0', '1']),
  response_code: z.string().regex(/^\d+$/),
  response_text: z.string(),
  attributes: z.unknown().optional(),
});
export type OpenSrsReply = z.infer<typeof replySchema>;

/** GET DOMAIN type=nameservers: attributes.nameserver_list = [{name, ipaddress, ipv6, sortorder}]. */
export const nameServersAttributesSchema = z.object({
  nameserver_list: z.array(
    z.object({
      name: z.string().min(1),
      ipaddress: z.string().optional(),
      ipv6: z.string().optional(),
      sortorder: z.string().optional(),
    }),
  ),
});

/** One DS as OpenSRS holds it (osrs-toolkit-php DnsSecSet: key_tag, algorithm, digest_type, digest). */
export const dnssecEntrySchema = z.object({
  key_tag: z.string().regex(/^\d+$/),
  algorithm: z.string().regex(/^\d+$/),
  digest_type: z.string().regex(/^\d+$/),
  digest: z.string().min(1),
});
export type OpenSrsDnssecEntry = z.infer<typeof dnssecEntrySchema>;

/** GET_DNSSEC_INFO (or GET type=dnssec): attributes.dnssec = [...]; an empty list may come as "". */
export const dnssecAttributesSchema = z.object({
  dnssec: z.union([z.array(dnssecEntrySchema), z.literal('').transform(() => [] as OpenSrsDnssecEntry[])]),
});

/** Response codes used for decisions (docs "Response Codes"). */
export const CODE = {
  OK: '200',
  ASYNC_SUBMITTED: '250',
  RATE_EXCEEDED: '300',
  TOO_MANY_CONNECTIONS: '310',
  TOO_MANY_COMMANDS_PER_CONNECTION: '350',
  INTERNAL_OR_ACCESS_DENIED: '400',
  INTERNAL: '404',
  REGISTRY_ERROR: '405',
  RESELLER_AUTH: '410',
  REGISTRANT_AUTH: '415',
  INVALID_COMMAND: '430',
  PERMISSION_DENIED: '435',
  FAILED_VALIDATION: '436',
  REQUEST_WAITING: '437',
  MISSING_FIELD: '460',
  INVALID_DATA: '465',
  NOT_FOUND: '480',
} as const;
