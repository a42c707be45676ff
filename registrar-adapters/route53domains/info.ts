import { can, cannot, operationSettings, RegistrarInfo } from '../core/types';

/**
 * Amazon Route 53 Domains (API 2014-05-15, AWS SDK v3, us-east-1 only).
 * Docs: https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53_Domains.html.
 *
 * Credentials are the standard AWS credential chain, so no single variable is required: the
 * adapter resolves the chain before sending anything and reports "no credentials" as a usage
 * error (exit 2) naming AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and AWS_PROFILE. Hence every entry
 * below is optional.
 */
export const info: RegistrarInfo = {
  id: 'route53domains',
  name: 'Amazon Route 53 Domains',
  // The SDK's own endpoint; AWS_ENDPOINT_URL_ROUTE_53_DOMAINS (the SDK variable) replaces it.
  productionEndpoint: 'https://route53domains.us-east-1.amazonaws.com',
  credentials: [
    {
      env: 'AWS_ACCESS_KEY_ID',
      description:
        'Access key id, with AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys); or leave unset and use any other source of the standard AWS credential chain (AWS_PROFILE incl. SSO, AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE for CI OIDC, container or instance role)',
      optional: true,
    },
    { env: 'AWS_SECRET_ACCESS_KEY', description: 'Secret access key paired with AWS_ACCESS_KEY_ID', optional: true },
    { env: 'AWS_SESSION_TOKEN', description: 'Session token of temporary credentials', optional: true },
    {
      env: 'AWS_PROFILE',
      description: 'Named profile from ~/.aws/config or ~/.aws/credentials (static keys, SSO after `aws sso login`, or an assumed role)',
      optional: true,
      public: true,
    },
  ],
  settings: [
    ...operationSettings('route53domains', {
      timeout: 'How long to wait for an UpdateDomainNameservers or DNSSEC operation to end, e.g. 10m (default) or 30m',
      pollInterval: 'First wait before checking the operation again, growing 1.5x per check up to 30s (default 2s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GetDomainDetail -> Nameservers[].Name'),
    setNameServers: can('UpdateDomainNameservers (no glue IPs), then GetOperationDetail until SUCCESSFUL'),
    sandbox: cannot('AWS offers no sandbox for Route 53 Domains; tests use a loopback emulator or moto'),
    dnssec: can(
      'AssociateDelegationSignerToDomain {SigningAttributes: {Algorithm, Flags, PublicKey}} (the DNSKEY; AWS computes the DS) and DisassociateDelegationSignerFromDomain {Id}, each polled with GetOperationDetail until SUCCESSFUL; read from GetDomainDetail.DnssecKeys',
    ),
    asyncOperations: can(
      'UpdateDomainNameservers and the DNSSEC calls return an OperationId; nsbridge polls GetOperationDetail with backoff until it ends (NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT)',
    ),
  },
  rateLimit: {
    requests: 5,
    perMs: 5_000,
    source:
      'UNCONFIRMED: AWS publishes no Route 53 Domains request quota; conservative default of 5 per 5 s per account (the Route 53 DNS API allows 5 per second)',
  },
  quirks: [
    'The API exists only in us-east-1; nsbridge pins the client there whatever AWS_REGION says.',
    'Credentials come from the standard AWS chain (keys, AWS_PROFILE with SSO, web identity, container or instance role); none at all is exit 2.',
    'A name-server change is an asynchronous operation; nsbridge waits until GetOperationDetail says SUCCESSFUL (NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT, default 10m).',
    'An operation flagged PENDING_* needs a person to act (e.g. answer the registrant email); nsbridge says which.',
    'A domain that is not in the account is answered with InvalidInput, not 404.',
    'One name-server change per domain at a time (DuplicateRequest); nsbridge waits for the one in progress and checks its result.',
    'IAM needs route53domains:GetDomainDetail, UpdateDomainNameservers, GetOperationDetail and ListOperations; nsbridge ds also needs AssociateDelegationSignerToDomain and DisassociateDelegationSignerFromDomain.',
    'DNSSEC needs the DNSKEY (flags 257, algorithm 13 and the public key of a Route 53 key-signing key), not a DS: AWS computes the DS itself.',
    'Each DS record added or removed is its own asynchronous operation, waited for like a name-server change; a change in progress for the domain blocks the next (DuplicateRequest), and nsbridge waits for it.',
    'Name servers inside the domain itself need glue IPs, which nsbridge does not send; use the hosted zone\'s awsdns name servers.',
    'The endpoint can be overridden with AWS_ENDPOINT_URL_ROUTE_53_DOMAINS (the AWS SDK variable).',
  ],
  docs: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_UpdateDomainNameservers.html',
  dnssecInput: 'dnskey',
};
