/**
 * easyname's request authentication and signature (as DNSControl's easyname provider implements
 * them, providers/easyname/{api.go,easynameProvider.go}): both are base64 of the MD5 digest
 * written as lower-case hex (base64 of the 32 hex characters, not of the 16 bytes).
 */
import { createHash } from 'node:crypto';

export const hashEncode = (text: string): string => Buffer.from(createHash('md5').update(text, 'utf8').digest('hex'), 'utf8').toString('base64');

/** X-User-Authentication: the salt is a printf format; user id and e-mail fill its two %s in order. */
export function authenticationHeader(authSalt: string, userId: string, email: string): string {
  const values = [userId, email];
  return hashEncode(authSalt.replace(/%s/g, () => values.shift() ?? ''));
}

/** Number of %s in an authentication salt (it must be two). */
export const placeholderCount = (authSalt: string): number => (authSalt.match(/%s/g) ?? []).length;

/**
 * The signature of a name-server change: the values in field order (nameserver1, nameserver2, ...)
 * then the timestamp, with the signing salt inserted after the first half (the longer half first
 * when the length is odd).
 */
export function changeSignature(values: readonly string[], timestamp: number, signSalt: string): string {
  const plain = `${values.join('')}${timestamp}`;
  const middle = Math.ceil(plain.length / 2);
  return hashEncode(plain.slice(0, middle) + signSalt + plain.slice(middle));
}
