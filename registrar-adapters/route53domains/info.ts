import { can, cannot, RegistrarInfo } from '../core/types';

/** Amazon Route 53 Domains (AWS SDK v3, us-east-1 only). Facts: shared/reference/registrar-apis.md §9. */
export const info: RegistrarInfo = {
  id: 'route53domains',
  name: 'Amazon Route 53 Domains',
  productionEndpoint: 'https://route53domains.us-east-1.amazonaws.com',
  credentials: [
    { env: 'AWS_ACCESS_KEY_ID', description: 'Any source of the standard AWS credential chain (env, profile, SSO, OIDC role)', optional: true },
  ],
  settings: [],
  capabilities: {
    readNameServers: can('GetDomainDetail'),
    setNameServers: can('UpdateDomainNameservers'),
    sandbox: cannot('AWS offers no sandbox for Route 53 Domains'),
    dnssec: cannot('not implemented yet'),
    asyncOperations: can('UpdateDomainNameservers returns an operation id; nsbridge polls GetOperationDetail'),
  },
  quirks: [
    'The API exists only in us-east-1, whatever region the rest of the stack uses.',
    'The endpoint can be overridden with AWS_ENDPOINT_URL_ROUTE_53_DOMAINS (the AWS SDK variable).',
  ],
  docs: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_UpdateDomainNameservers.html',
};
