/**
 * Adapter registry, keyed by registrar id (DNSControl's providers/_all). Adapters are loaded on
 * first use so that `nsbridge --help` and a GoDaddy run never pay for the AWS SDK.
 */
import type { RegistrarAdapter, RegistrarId } from './core/types';

const loaders: Record<RegistrarId, () => RegistrarAdapter> = {
  godaddy: () => require('./godaddy/adapter').adapter,
  namecheap: () => require('./namecheap/adapter').adapter,
  gandi: () => require('./gandi/adapter').adapter,
  porkbun: () => require('./porkbun/adapter').adapter,
  namecom: () => require('./namecom/adapter').adapter,
  dnsimple: () => require('./dnsimple/adapter').adapter,
  route53domains: () => require('./route53domains/adapter').adapter,
  cloudflare: () => require('./cloudflare/adapter').adapter,
  manual: () => require('./manual/adapter').adapter,
  cnr: () => require('./cnr/adapter').adapter,
  dynadot: () => require('./dynadot/adapter').adapter,
  namesilo: () => require('./namesilo/adapter').adapter,
  ovh: () => require('./ovh/adapter').adapter,
  inwx: () => require('./inwx/adapter').adapter,
  joker: () => require('./joker/adapter').adapter,
  opensrs: () => require('./opensrs/adapter').adapter,
  internetbs: () => require('./internetbs/adapter').adapter,
  spaceship: () => require('./spaceship/adapter').adapter,
  cscglobal: () => require('./cscglobal/adapter').adapter,
  ionos: () => require('./ionos/adapter').adapter,
  easyname: () => require('./easyname/adapter').adapter,
  openprovider: () => require('./openprovider/adapter').adapter,
  realtimeregister: () => require('./realtimeregister/adapter').adapter,
  hostingde: () => require('./hostingde/adapter').adapter,
  autodns: () => require('./autodns/adapter').adapter,
};

export function loadAdapter(id: RegistrarId): RegistrarAdapter {
  const adapter = loaders[id]();
  if (!adapter || adapter.info.id !== id) throw new Error(`registrar-adapters/${id}/adapter.ts does not export an adapter with id ${id}`);
  return adapter;
}
