/**
 * Name.com API v4 wire shapes (www.name.com/api-docs, namedotcom/go namecom.go). Fields whose
 * value is the default (false, "", 0, empty list) are OMITTED from responses, so every field is
 * optional here.
 */

export interface NamecomContact {
  firstName?: string;
  lastName?: string;
  companyName?: string;
  address1?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
  email?: string;
}

/** GET /v4/domains/{domainName}; also the answer to :setNameservers. */
export interface NamecomDomain {
  /** Punycode. */
  domainName?: string;
  nameservers?: string[];
  contacts?: { registrant?: NamecomContact; admin?: NamecomContact; tech?: NamecomContact; billing?: NamecomContact };
  privacyEnabled?: boolean;
  locked?: boolean;
  autorenewEnabled?: boolean;
  expireDate?: string;
  createDate?: string;
  renewalPrice?: number;
}

/** POST /v4/domains/{domainName}:setNameservers body. */
export interface NamecomSetNameserversRequest {
  nameservers: string[];
}

/** "Any non-200 response will return an ErrorMessage JSON response." */
export interface NamecomErrorMessage {
  message: string;
  details?: string;
}
