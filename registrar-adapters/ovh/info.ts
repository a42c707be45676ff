import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * OVHcloud API v1 (https://eu.api.ovh.com/console/ , guides https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api
 * and https://help.ovhcloud.com/csm/en-domain-names-api-dns). Origins only: every path, /1.0
 * included, is written in adapter.ts, so NSBRIDGE_OVH_ENDPOINT keeps the real paths.
 * The production origin depends on the account's region (OVH_ENDPOINT, as go-ovh and the ovh
 * CLI name it): eu (default), ca or us; `productionEndpoint` in info.json is the EU one.
 */
export const OVH_ORIGINS: Readonly<Record<string, string>> = {
  'ovh-eu': facts.productionEndpoint,
  'ovh-ca': 'https://ca.api.ovh.com',
  'ovh-us': 'https://api.us.ovhcloud.com',
};

export const info = loadRegistrarInfo(facts);
