import { z } from 'zod';

/**
 * Namecheap XML API wire shapes (https://www.namecheap.com/support/api/methods/), shared by the adapter and
 * the emulator. Parameter and element names are as Namecheap spells them.
 */

/** The Commands nsbridge sends (Namecheap matches the value case-insensitively). */
export const COMMANDS = {
  getInfo: 'namecheap.domains.getInfo',
  getList: 'namecheap.domains.dns.getList',
  setCustom: 'namecheap.domains.dns.setCustom',
} as const;

/** Global parameters, sent on every request (form body of a POST, or a GET query string). */
export interface NamecheapGlobalParams {
  ApiUser: string;
  ApiKey: string;
  UserName: string;
  ClientIp: string;
  Command: string;
}

/** namecheap.domains.getInfo: the whole domain name (not SLD/TLD). */
export interface GetInfoParams {
  DomainName: string;
  HostName?: string;
}

/** namecheap.domains.dns.setCustom: SLD + TLD split at the public suffix; ONE comma-separated string. */
export interface SetCustomParams {
  SLD: string;
  TLD: string;
  /** Max 1200 characters (the docs' example URL spells it `NameServers`; names are case-insensitive). */
  Nameservers: string;
}

export const MAX_NAMESERVERS_CHARS = 1200;

/**
 * The envelope every answer comes in (HTTP 200 for errors too):
 *   <ApiResponse Status="OK|ERROR" xmlns="http://api.namecheap.com/xml.response">
 *     <Errors/> <Warnings/> <RequestedCommand>lower-cased</RequestedCommand>
 *     <CommandResponse Type="namecheap.domains.getInfo">...</CommandResponse>
 *     <Server/> <GMTTimeDifference/> <ExecutionTime/>
 *   </ApiResponse>
 */
export interface NamecheapMessage {
  /** `Number` attribute, as sent (a string of digits; empty when absent). */
  readonly number: string;
  readonly text: string;
}

export interface NamecheapEnvelope {
  /** `OK` or `ERROR` as sent. */
  readonly status: string;
  readonly errors: readonly NamecheapMessage[];
  readonly warnings: readonly NamecheapMessage[];
  /** Echoed lower-cased; empty when the request failed before the command was read (e.g. 1011150). */
  readonly requestedCommand: string;
  /** The parsed `CommandResponse` element (attributes prefixed `@_`); may be present on errors too. */
  readonly commandResponse?: XmlNode;
}

/** fast-xml-parser output: attributes as `@_Name`, text as `#text` (or a bare string). */
export type XmlNode = { readonly [key: string]: XmlValue };
export type XmlValue = string | XmlNode | readonly XmlValue[];

/** `<DomainGetInfoResult Status="Ok" ID=".." DomainName=".." ...><DnsDetails ...><Nameserver>..` */
export interface DomainGetInfoResult {
  readonly domainName: string;
  readonly status: string;
  readonly dns?: {
    /** FREE, CUSTOM, PREMIUM, ... */
    readonly providerType: string;
    /** Namecheap's own DNS (BasicDNS/FreeDNS/PremiumDNS) is in use. */
    readonly isUsingOurDns: boolean;
    readonly nameServers: string[];
  };
}

/** Namecheap's error numbers that nsbridge acts on (global list + getInfo/setCustom docs). */
export const ERR = {
  // Global: credentials and access.
  API_USER_MISSING: '1010101',
  API_KEY_MISSING: '1010102',
  COMMAND_MISSING: '1010104',
  CLIENT_IP_MISSING: '1010105',
  API_KEY_INVALID: '1011102', // docs: APIKey missing; in practice: "API Key is invalid or API access has not been enabled"
  CLIENT_IP_INVALID: '1011105',
  REQUEST_IP_INVALID: '1011150', // "Invalid request IP: x": not on the whitelist
  UNSUPPORTED_AUTH: '1030408',
  API_USER_VALIDATION: '1050900',
  USER_NAME_UNAUTHORIZED: '1016103',
  API_USER_LOCKED: '1017101',
  USER_NAME_LOCKED: '1017103',
  CLIENT_IP_LOCKED: '1017105',
  REQUEST_IP_LOCKED: '1017150',
  DECLINED_PAYMENTS: '1017410',
  LOGIN_ATTEMPTS: '1017411',
  USER_NAME_NOT_AVAILABLE: '1019103',
  // Domain lookups.
  DOMAIN_NOT_ASSOCIATED: '2016166',
  DOMAIN_NOT_FOUND: '2019166',
  DOMAIN_INVALID: '2030166', // getInfo: "Domain is invalid"; setCustom: "Edit permission for domain is not supported"
  DOMAIN_NOT_WITH_ENOM: '3016166',
  ACCESS_DENIED: '4011103',
  // The registry behind Namecheap (Enom) refused the change.
  ENOM_ERROR: '3031510',
  ENOM_UNKNOWN: '3050900',
  NAMESERVER_LIST: '4022288',
  // Namecheap's own unknown exceptions: a server error in a 200.
  UNKNOWN_GETINFO: '5019169',
  UNKNOWN_5050169: '5050169',
  UNKNOWN_5050900: '5050900',
} as const;

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer), checked on what
// envelope.ts extracted from the XML: getInfo must have answered with its result and DnsDetails.

/** CommandResponse/DomainGetInfoResult of namecheap.domains.getInfo (envelope.ts readGetInfo). */
export const GetInfoAnswer = z.object({
  domainName: z.string(),
  status: z.string(),
  dns: z.object({ providerType: z.string(), isUsingOurDns: z.boolean(), nameServers: z.array(z.string()) }),
});

/** CommandResponse/DomainDNSSetCustomResult of namecheap.domains.dns.setCustom (envelope.ts readSetCustom). */
export const SetCustomAnswer = z.object({ domain: z.string(), updated: z.boolean() });
