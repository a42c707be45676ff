/** GoDaddy wire shapes (swagger: DomainDetail, DomainUpdate, Error, ErrorLimit). */
export interface GoDaddyDomainDetail {
  domain: string;
  domainId: number;
  status: string;
  locked?: boolean;
  nameServers?: string[];
  [key: string]: unknown;
}

export interface GoDaddyDomainUpdate {
  nameServers?: string[];
  locked?: boolean;
  renewAuto?: boolean;
  subaccountId?: string;
  exposeWhois?: boolean;
  exposeRegistrantOrganization?: boolean;
  consent?: unknown;
}

export interface GoDaddyErrorField {
  code: string;
  message?: string;
  path: string;
  pathRelated?: string;
}

export interface GoDaddyError {
  code: string;
  message?: string;
  fields?: GoDaddyErrorField[];
  /** Only on 429 (ErrorLimit). */
  retryAfterSec?: number;
}
