/**
 * OpenSRS request signature (https://domains.opensrs.guide/docs/writing-your-own-client):
 *   X-Signature = md5_hex( md5_hex(body + private_key) + private_key ), lower-case hex,
 * over the exact bytes of the XML body. The docs' self-test: md5("ConnecttoOpenSRSviaSSL") is
 * e787cc1d1951dfec4827cede7b1a0933.
 */
import { createHash } from 'node:crypto';

const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

export function opensrsSignature(body: string, privateKey: string): string {
  return md5Hex(md5Hex(body + privateKey) + privateKey);
}
