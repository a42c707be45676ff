/** The environment section of `nsbridge --help`. */
import { REGISTRARS } from '../registrar-adapters/catalog';

const lines: string[] = ['', 'Credentials (environment only; never in domains.yaml, state, plans or logs):'];
for (const info of Object.values(REGISTRARS)) {
  if (info.credentials.length === 0) continue;
  lines.push(`  ${info.id.padEnd(15)} ${info.credentials.map((c) => c.env + (c.optional ? '?' : '')).join(' ')}`);
}
lines.push(
  '',
  'Settings and overrides:',
  '  NSBRIDGE_<ID>_ENDPOINT         replace the registrar\'s base URL (sandbox, proxy, tests), e.g.',
  '                                 NSBRIDGE_GODADDY_ENDPOINT=http://127.0.0.1:8101',
  '  NSBRIDGE_<ID>_SANDBOX=1        use the registrar\'s sandbox where it has one',
  '  AWS_ENDPOINT_URL_ROUTE_53_DOMAINS  endpoint for route53domains (AWS SDK variable)',
  '  NSBRIDGE_RATE_LIMIT_<ID>       requests per window shared by all nsbridge processes, e.g. 60/min, or off',
  '  NSBRIDGE_RATE_LIMIT_DIR        where the shared limiter keeps its lock files (default: the temp dir)',
  '  NSBRIDGE_HTTP_TIMEOUT          wall-clock limit of one try of a request, body included (default 30s)',
  '  NSBRIDGE_DEADLINE              limit of the whole command, every try and backoff (default 30m;',
  '                                 --wait, --timeout and DS holds add to it)',
  '  NSBRIDGE_HTTP_RETRIES          retries on network errors, 408, 429, 5xx (default 4)',
  '  NSBRIDGE_HTTP_RETRY_BASE       first backoff delay, doubled each retry (default 500ms)',
  '  NSBRIDGE_HTTP_MAX_RETRY_AFTER  longest registrar retry hint to wait for (default 120s)',
  '  NSBRIDGE_DNS_POLL_INTERVAL     how often ds --wait-signed/--wait ask DNS again (default 5s)',
  '',
  'Exit codes: 0 done; 1 registrar, network or DNS failure; 2 bad usage or input (nothing sent).',
);

export const ENVIRONMENT_HELP = lines.join('\n');
