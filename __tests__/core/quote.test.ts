import { escapeControl, hasControl, quoteInput } from '../../core/quote';
import { Redactor } from '../../core/redact';

describe('quoteInput and escapeControl', () => {
  test('control, bidi and zero-width characters are escaped; quotes and backslashes too', () => {
    expect(quoteInput('ok.com\r\u001b[2Kfake\u202e"\\')).toBe('"ok.com\\r\\x1b[2Kfake\\u202e\\"\\\\"');
    expect(escapeControl('a\tb\u0000c\u007f\u0085\u200b\u2028')).toBe('a\\tb\\x00c\\x7f\\x85\\u200b\\u2028');
    expect(hasControl('plain text, ünïcödé')).toBe(false);
    expect(hasControl('x\ry')).toBe(true);
  });

  test('a long value is cut, saying how much was left out (in characters, not UTF-16 units)', () => {
    const q = quoteInput('💩'.repeat(250));
    expect(q).toBe(`"${'💩'.repeat(200)}"…(50 more)`);
    expect(quoteInput('a'.repeat(100_000)).length).toBeLessThan(250);
  });
});

describe('Redactor', () => {
  test('masks a secret as it is, URL-encoded and base64-encoded', () => {
    const secret = 'sk1_s3cr3t/+=key';
    const r = new Redactor([secret]);
    const b64 = Buffer.from(secret).toString('base64');
    const out = r.redact(`raw ${secret} url ${encodeURIComponent(secret)} basic ${b64}`);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(b64.replace(/=+$/, ''));
    expect(out).toMatch(/^raw \*\*\* url \*\*\* basic \*\*\*=*$/);
  });
});
