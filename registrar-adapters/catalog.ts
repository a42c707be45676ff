/**
 * Every registrar nsbridge knows, as pure data (no HTTP code), for the config loader, the
 * constructs and the README generator. Adding a registrar: see registrar-adapters/README.md.
 */
import type { RegistrarId, RegistrarInfo } from './core/types';
import { info as godaddy } from './godaddy/info';
import { info as namecheap } from './namecheap/info';
import { info as gandi } from './gandi/info';
import { info as porkbun } from './porkbun/info';
import { info as namecom } from './namecom/info';
import { info as dnsimple } from './dnsimple/info';
import { info as route53domains } from './route53domains/info';
import { info as cloudflare } from './cloudflare/info';
import { info as manual } from './manual/info';
import { info as cnr } from './cnr/info';
import { info as dynadot } from './dynadot/info';
import { info as namesilo } from './namesilo/info';
import { info as ovh } from './ovh/info';
import { info as inwx } from './inwx/info';
import { info as joker } from './joker/info';
import { info as opensrs } from './opensrs/info';
import { info as internetbs } from './internetbs/info';
import { info as spaceship } from './spaceship/info';
import { info as cscglobal } from './cscglobal/info';
import { info as ionos } from './ionos/info';
import { info as easyname } from './easyname/info';
import { info as openprovider } from './openprovider/info';
import { info as realtimeregister } from './realtimeregister/info';
import { info as hostingde } from './hostingde/info';
import { info as autodns } from './autodns/info';

export const REGISTRARS: Readonly<Record<RegistrarId, RegistrarInfo>> = {
  godaddy,
  namecheap,
  gandi,
  porkbun,
  namecom,
  dnsimple,
  route53domains,
  cloudflare,
  manual,
  cnr,
  dynadot,
  namesilo,
  ovh,
  inwx,
  joker,
  opensrs,
  internetbs,
  spaceship,
  cscglobal,
  ionos,
  easyname,
  openprovider,
  realtimeregister,
  hostingde,
  autodns,
};

export const REGISTRAR_IDS = Object.keys(REGISTRARS) as RegistrarId[];

export function isRegistrarId(value: unknown): value is RegistrarId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REGISTRARS, value);
}

export function registrarInfo(id: RegistrarId): RegistrarInfo {
  return REGISTRARS[id];
}
