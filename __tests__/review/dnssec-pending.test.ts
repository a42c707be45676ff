import { changesBeyondRollout, dnssecPendingSteps, formatDnssecPending } from '../../review/dnssec-pending';

const rollout = (domain: string, output: Record<string, unknown>) => ({ triggers_replace: { domain, registrar: 'godaddy' }, output });

describe('DNSSEC steps pending, from state', () => {
  test('the recorded step, its time, a failure and drift; steady domains and other resources are left out', () => {
    const values = new Map<string, Record<string, any>>([
      ['terraform_data.examplecom_dnssec-rollout_ds-rollout_0A1B2C3D', rollout('example.com', { step: 'remove old KSK 12345 after 2026-12-08T10:00:00Z', not_before: '2026-12-08T10:00:00Z', failed: '', drift: '' })],
      ['terraform_data.examplenet_dnssec-rollout_ds-rollout_11111111', rollout('example.net', { step: '', not_before: '', failed: '', drift: '' })],
      [
        'terraform_data.exampleorg_dnssec-rollout_ds-rollout_22222222',
        rollout('example.org', { step: 'await every parent server serving DS 222', not_before: '', failed: 'still pending after 72h', drift: 'godaddy lacks DS 222: this deploy puts it back' }),
      ],
      ['terraform_data.examplecom_dnssec-rollout_anchor-new-ds-served_33333333', { triggers_replace: { event: 'x' }, output: { seen: '2026-12-07T10:00:00Z' } }],
    ]);
    const steps = dnssecPendingSteps('domains', values);
    expect(steps).toEqual([
      { stack: 'domains', domain: 'example.com', step: 'remove old KSK 12345 after 2026-12-08T10:00:00Z', notBefore: '2026-12-08T10:00:00Z' },
      { stack: 'domains', domain: 'example.org', step: 'await every parent server serving DS 222', failed: 'still pending after 72h', drift: 'godaddy lacks DS 222: this deploy puts it back' },
    ]);
    expect(formatDnssecPending(steps)).toBe(
      '\nDNSSEC steps pending (a later deploy does them; the scheduled pipeline job advances them):\n' +
        '  example.com (domains): remove old KSK 12345 after 2026-12-08T10:00:00Z\n' +
        '  example.org (domains): FAILED: still pending after 72h [drift: godaddy lacks DS 222: this deploy puts it back]\n',
    );
  });

  test('nothing pending prints nothing', () => {
    expect(formatDnssecPending(dnssecPendingSteps('s', new Map()))).toBe('');
  });
});

describe('what a scheduled job may apply without a person', () => {
  const change = (address: string, type: string, actions: string[]) => ({ address, type, change: { actions } });
  test('roll-out steps and status updates only: yes', () => {
    expect(
      changesBeyondRollout({
        resource_changes: [
          change('terraform_data.examplecom_dnssec-rollout_ds-rollout_0A1B2C3D', 'terraform_data', ['create', 'delete']),
          change('terraform_data.examplecom_dnssec-rollout_anchor-new-ds-served_0A1B2C3D', 'terraform_data', ['delete', 'create']),
          change('aws_route53_key_signing_key.examplecom_zone_signing_key-signing-key-2026-06_0A1B2C3D', 'aws_route53_key_signing_key', ['update']),
          change('aws_route53_hosted_zone_dnssec.examplecom_zone_signing_dnssec_0A1B2C3D', 'aws_route53_hosted_zone_dnssec', ['update']),
          change('aws_route53_record.examplecom_www_0A1B2C3D', 'aws_route53_record', ['no-op']),
          change('data.external.examplecom_dnssec-rollout_dnssec-read_0A1B2C3D', 'external', ['read']),
        ],
      }),
    ).toEqual([]);
    expect(changesBeyondRollout({})).toEqual([]);
  });

  test('anything else (a record, a new key, a KSK deleted, a delegation bridge): listed', () => {
    expect(
      changesBeyondRollout({
        resource_changes: [
          change('aws_route53_record.examplecom_www_0A1B2C3D', 'aws_route53_record', ['update']),
          change('aws_route53_key_signing_key.examplecom_zone_signing_key-signing-key-2027-01_0A1B2C3D', 'aws_route53_key_signing_key', ['create']),
          change('aws_route53_key_signing_key.examplecom_zone_signing_key-signing-key-2026-06_0A1B2C3D', 'aws_route53_key_signing_key', ['delete']),
          change('terraform_data.examplecom_delegation_bridge_0A1B2C3D', 'terraform_data', ['create', 'delete']),
        ],
      }),
    ).toEqual([
      'aws_route53_record.examplecom_www_0A1B2C3D: update',
      'aws_route53_key_signing_key.examplecom_zone_signing_key-signing-key-2027-01_0A1B2C3D: create',
      'aws_route53_key_signing_key.examplecom_zone_signing_key-signing-key-2026-06_0A1B2C3D: delete',
      'terraform_data.examplecom_delegation_bridge_0A1B2C3D: create, delete',
    ]);
  });
});
