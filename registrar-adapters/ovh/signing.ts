/**
 * OVHcloud request signing (https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api ,
 * "Signing requests"; go-ovh ovh.go): every authenticated call carries
 *   X-Ovh-Application: <application key>
 *   X-Ovh-Consumer:    <consumer key>
 *   X-Ovh-Timestamp:   <the OVH server's unix time>   (local clock + the offset from GET /1.0/auth/time)
 *   X-Ovh-Signature:   "$1$" + hex SHA1(AS + "+" + CK + "+" + METHOD + "+" + FULL_URL + "+" + BODY + "+" + TIMESTAMP)
 * FULL_URL is the exact URL sent (origin + path + query), BODY the exact text sent ("" when none).
 */
import { createHash } from 'node:crypto';

export interface SigningInput {
  readonly applicationSecret: string;
  readonly consumerKey: string;
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly timestamp: number;
}

export function ovhSignature(i: SigningInput): string {
  const text = [i.applicationSecret, i.consumerKey, i.method.toUpperCase(), i.url, i.body, String(i.timestamp)].join('+');
  return `$1$${createHash('sha1').update(text, 'utf8').digest('hex')}`;
}
