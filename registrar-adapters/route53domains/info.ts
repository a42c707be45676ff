import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Amazon Route 53 Domains (API 2014-05-15, AWS SDK v3, us-east-1 only).
 * Docs: https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53_Domains.html.
 *
 * Credentials are the standard AWS credential chain, so no single variable is required: the
 * adapter resolves the chain before sending anything and reports "no credentials" as a usage
 * error (exit 2) naming AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and AWS_PROFILE. Hence every
 * credential in info.json is optional.
 *
 * `productionEndpoint` is the SDK's own endpoint; AWS_ENDPOINT_URL_ROUTE_53_DOMAINS (the SDK
 * variable) replaces it.
 */
export const info = loadRegistrarInfo(facts);
