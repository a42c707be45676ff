import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { expectedSignature, OvhEmulator, rfc4034KeyTag, startEmulator } from '../../testing/registrars/ovh/emulator';
import { useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { runCli } from '../../testing/registrars/run-cli';
import { ovhSignature } from '../../registrar-adapters/ovh/signing';
import { regionOrigin } from '../../registrar-adapters/ovh/adapter';
import { formatDnskey, keyTagOf, recordFromDnskey } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'ovh',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  // /auth/time, the name-server id list, then one GET per name server (two here).
  requestsPerRead: 4,
  authErrorPattern: /INVALID_SIGNATURE.*OVH_APPLICATION_SECRET/,
});

describe('ovh signing', () => {
  test('the signature is "$1$" + SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP (vector computed with sha1sum)', () => {
    const input = {
      applicationSecret: 'EgWIz07P0HYwtQDs',
      consumerKey: 'MtSwSrPpTE5EXFEbM5qmhOZ8lk2zKc',
      method: 'get',
      url: 'https://eu.api.ovh.com/1.0/domain/example.com/nameServer',
      body: '',
      timestamp: 1528723172,
    };
    expect(ovhSignature(input)).toBe('$1$68eae4b3579fb75eaeb283ccc2be22e97c029290');
    expect(expectedSignature(input.applicationSecret, input.consumerKey, 'GET', input.url, '', '1528723172')).toBe(ovhSignature(input));
    expect(ovhSignature({ ...input, body: '{"a":1}' })).not.toBe(ovhSignature(input));
  });

  test('OVH_ENDPOINT picks the region origin; anything else is a usage error', () => {
    expect(regionOrigin({})).toBe('https://eu.api.ovh.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'ovh-ca' })).toBe('https://ca.api.ovh.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'OVH-US' })).toBe('https://api.us.ovhcloud.com');
    expect(regionOrigin({ OVH_ENDPOINT: 'eu' })).toBe('https://eu.api.ovh.com');
    expect(() => regionOrigin({ OVH_ENDPOINT: 'ovh-mars' })).toThrow(/OVH_ENDPOINT="ovh-mars" is not an OVHcloud API region; use ovh-eu, ovh-ca or ovh-us/);
  });

  test('the emulator\'s key tag agrees with nsbridge\'s (two implementations of RFC 4034 appendix B)', () => {
    for (let i = 0; i < 5; i++) {
      const k = testDnskey();
      expect(rfc4034KeyTag(k.flags, k.algorithm, k.publicKey)).toBe(keyTagOf(k));
    }
  });
});
