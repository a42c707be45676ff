/** Reading DMAPI replies: header lines, an empty line, the body (LF or CRLF). */
import type { DmapiReply } from './wire-types';

/** The reply, or undefined when the text has no header block (not a DMAPI reply at all). */
export function parseReply(text: unknown): DmapiReply | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const normal = text.replace(/\r\n/g, '\n');
  const cut = normal.indexOf('\n\n');
  const head = cut === -1 ? normal : normal.slice(0, cut);
  const body = cut === -1 ? '' : normal.slice(cut + 2);
  const headers = new Map<string, string[]>();
  for (const line of head.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (!m) return undefined;
    const name = m[1]!.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), m[2]!.trim()]);
  }
  return headers.size === 0 ? undefined : { headers, body };
}

/** The first value of each header (for schema checks). */
export function firstValues(reply: DmapiReply): Record<string, string> {
  return Object.fromEntries([...reply.headers.entries()].map(([k, v]) => [k, v[0] ?? '']));
}

/** Every value of `key: value` lines in the body (and, for replies that put them there, the header block). */
export function bodyValues(reply: DmapiReply, key: string): string[] {
  const out: string[] = [];
  for (const line of reply.body.replace(/\r\n/g, '\n').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === key.toLowerCase()) out.push(line.slice(i + 1).trim());
  }
  return out.length > 0 ? out : [...(reply.headers.get(key.toLowerCase()) ?? [])];
}
