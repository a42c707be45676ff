import { dnssecObservation, UNREADABLE } from '../../core/dnssec-observation';
import { parseDs } from '../../core/dnssec';

const A = parseDs(`11111 13 2 ${'ab'.repeat(32)}`);
const B = parseDs(`22222 13 2 ${'CD'.repeat(32)}`);
const a = `11111 13 2 ${'AB'.repeat(32)}`;
const b = `22222 13 2 ${'CD'.repeat(32)}`;

describe('the plan-time DNSSEC read', () => {
  test('every / any parent server, the registrar set, the TTLs; digests upper-case', () => {
    const o = dnssecObservation(
      [{ ds: B }, { ds: A }],
      [
        { server: 'a.gtld', ok: true, ds: [A, B], ttl: 86400 },
        { server: 'b.gtld', ok: true, ds: [A], ttl: 3600 },
      ],
      300,
    );
    expect(o).toEqual({
      registrar_ds: `${a},${b}`,
      parent_ds_all: a,
      parent_ds_any: `${a},${b}`,
      parent_ds_ttl: '86400',
      dnskey_ttl: '300',
      unreadable: '',
    });
  });

  test('a server that did not answer confirms nothing and may still serve anything', () => {
    const o = dnssecObservation([], [{ server: 'a.gtld', ok: true, ds: [] }, { server: 'b.gtld', ok: false, problem: 'timeout' }], undefined);
    expect(o).toMatchObject({ parent_ds_all: '', parent_ds_any: UNREADABLE, parent_ds_ttl: '', dnskey_ttl: '', unreadable: 'b.gtld: timeout' });
  });

  test('no parent server at all is unreadable, never "no DS anywhere"', () => {
    expect(dnssecObservation([], [], undefined)).toMatchObject({ parent_ds_any: UNREADABLE, unreadable: 'no parent-zone server found' });
  });
});
