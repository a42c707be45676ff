/** The registrar kit's answer check and backoff formula (issue #11), in-process. */
import { z } from 'zod';
import { jsonBody, parseAnswer, QUOTED_BODY_CHARS } from '../../registrar-adapters/core/answer';
import { backoffMs, MAX_BACKOFF_MS } from '../../registrar-adapters/core/http';
import { mayHaveWritten } from '../../registrar-adapters/core/respond';
import { RegistrarApiError } from '../../core/errors';

const call = { registrar: 'example', operation: 'get name servers', domain: 'example.com' };
const Domain = z.looseObject({ domain: z.string(), nameServers: z.array(z.string()).optional() });

describe('parseAnswer', () => {
  test('a body of the expected shape comes back typed (JSON text parsed whatever the Content-Type)', () => {
    expect(parseAnswer(Domain, '{"domain":"example.com","nameServers":["a.example.net"]}', { ...call, what: 'a domain' })).toEqual({
      domain: 'example.com',
      nameServers: ['a.example.net'],
    });
  });

  test('an error envelope is a RegistrarApiError naming what was expected, what did not fit, and quoting the body', () => {
    let err: unknown;
    try {
      parseAnswer(Domain, { code: 'UNKNOWN_ERROR', message: 'An unexpected error occurred' }, { ...call, status: 200, what: 'a DomainDetail' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegistrarApiError);
    expect((err as Error).message).toBe(
      'example: get name servers example.com: unexpected answer (HTTP 200): expected a DomainDetail; domain: Invalid input: expected string, received undefined; ' +
        'got {"code":"UNKNOWN_ERROR","message":"An unexpected error occurred"}: the registrar answered in a shape nsbridge does not know; nothing was changed; try again, and report it if it persists',
    );
  });

  test('the quoted body is shortened; an answer to a write says the write may have landed', () => {
    const big = { items: 'x'.repeat(10_000) };
    expect(() => parseAnswer(Domain, big, { ...call, operation: 'set name servers', write: true, what: 'a domain' })).toThrow(/got .{190,210}\.\.\.: the write may have landed/);
    try {
      parseAnswer(Domain, big, { ...call, what: 'a domain' });
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(QUOTED_BODY_CHARS + 400);
    }
  });

  test('jsonBody: JSON text parsed, other text kept, empty text is no body', () => {
    expect(jsonBody('[1]')).toEqual([1]);
    expect(jsonBody('<html>')).toBe('<html>');
    expect(jsonBody('  ')).toBeUndefined();
    expect(jsonBody({ a: 1 })).toEqual({ a: 1 });
  });
});

describe('backoffMs (the one formula for the HTTP client and the AWS SDK)', () => {
  test('doubles from the base, is capped, and jitters by +-25%', () => {
    expect(backoffMs(1, 500, MAX_BACKOFF_MS, () => 0.5)).toBe(500);
    expect(backoffMs(2, 500, MAX_BACKOFF_MS, () => 0.5)).toBe(1000);
    expect(backoffMs(3, 500, MAX_BACKOFF_MS, () => 0)).toBe(1500);
    expect(backoffMs(3, 500, MAX_BACKOFF_MS, () => 1)).toBe(2500);
    expect(backoffMs(20, 500, MAX_BACKOFF_MS, () => 0.5)).toBe(MAX_BACKOFF_MS);
  });
});

describe('mayHaveWritten', () => {
  test('any method but GET/HEAD, unless the operation is a read sent as POST', () => {
    expect(mayHaveWritten({ method: 'PATCH' }, { ...call, operation: 'set name servers' })).toBe(true);
    expect(mayHaveWritten({ method: 'POST' }, { ...call, operation: 'get name servers' })).toBe(false);
    expect(mayHaveWritten({ method: 'GET' }, { ...call, operation: 'add DNSSEC record' })).toBe(false);
    expect(mayHaveWritten({ method: 'DELETE' }, { ...call, operation: 'remove DNSSEC record' })).toBe(true);
  });
});
