/**
 * Echoing user input (or a registrar's answer) inside a one-line message. A raw carriage return,
 * escape sequence or bidi override in a crafted domain could forge or hide the error line in a
 * CI log, and a 100 KB argument would drown it: every echoed value goes through `quoteInput`,
 * and every line the CLI prints through `escapeControl` as a last line of defence.
 */

/** Echoed values longer than this are cut, saying how much was left out. */
export const MAX_ECHO_CHARS = 200;

/**
 * C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text on a
 * terminal (bidi embeddings, overrides and isolates, zero-width characters, line and paragraph
 * separators, the BOM).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character written as an escape (`\r`, `\x1b`, `\u202e`). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** True when `text` holds a character `escapeControl` would rewrite. */
export function hasControl(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * `value` in double quotes, fit for a one-line message: quotes and backslashes escaped, unsafe
 * characters escaped, cut to `max` characters of the input with "…(N more)".
 */
export function quoteInput(value: unknown, max = MAX_ECHO_CHARS): string {
  const text = typeof value === 'string' ? value : String(value);
  const chars = [...text];
  const shown = chars.length > max ? chars.slice(0, max).join('') : text;
  const rest = chars.length > max ? `…(${chars.length - max} more)` : '';
  return `"${escapeControl(shown.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"${rest}`;
}
