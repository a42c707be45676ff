/**
 * OpenSRS XCP envelopes (https://domains.opensrs.guide/docs/writing-your-own-client): an
 * OPS_envelope whose data_block is a tree of <dt_assoc> (maps) and <dt_array> (lists, items keyed
 * 0, 1, ...) with <item key="..."> leaves. Written by hand (escaped), read with fast-xml-parser
 * (never regexes); a body that is not well-formed XML or not an OPS_envelope is reported as such.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XCP value: text, a map (dt_assoc) or a list (dt_array). */
export type XcpValue = string | XcpValue[] | { [key: string]: XcpValue };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function encodeValue(v: XcpValue | number): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return esc(v);
  if (Array.isArray(v)) return `<dt_array>${v.map((x, i) => `<item key="${i}">${encodeValue(x)}</item>`).join('')}</dt_array>`;
  return `<dt_assoc>${Object.entries(v).map(([k, x]) => `<item key="${esc(k)}">${encodeValue(x)}</item>`).join('')}</dt_assoc>`;
}

/** The request envelope; `attributes` as the command's documentation lists them. */
export function requestEnvelope(action: string, object: string, attributes: { [key: string]: XcpValue }): string {
  return (
    "<?xml version='1.0' encoding='UTF-8' standalone='no' ?>\n" +
    "<!DOCTYPE OPS_envelope SYSTEM 'ops.dtd'>\n" +
    '<OPS_envelope><header><version>0.9</version></header><body><data_block>' +
    encodeValue({ protocol: 'XCP', action, object, attributes }) +
    '</data_block></body></OPS_envelope>'
  );
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'item',
  processEntities: { enabled: true, maxEntitySize: 1000, maxTotalExpansions: 1000 },
});

type Node = { [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function items(container: unknown): Node[] {
  if (!isNode(container)) return [];
  const list = container.item;
  return Array.isArray(list) ? list.filter(isNode) : [];
}

/** One parsed element (the content of an <item>, or a <dt_assoc>/<dt_array> holder) as an XcpValue. */
function decodeContent(node: unknown): XcpValue {
  if (typeof node === 'string') return node;
  if (!isNode(node)) return '';
  if ('dt_assoc' in node) return decodeAssoc(node.dt_assoc);
  if ('dt_array' in node) return items(node.dt_array).map((i) => decodeContent(i));
  const text = node['#text'];
  return typeof text === 'string' ? text : '';
}

function decodeAssoc(assoc: unknown): { [key: string]: XcpValue } {
  const out: { [key: string]: XcpValue } = {};
  for (const i of items(assoc)) {
    const key = i['@_key'];
    if (typeof key === 'string') out[key] = decodeContent(i);
  }
  return out;
}

export type DecodeOutcome = { readonly ok: true; readonly value: { [key: string]: XcpValue } } | { readonly ok: false; readonly reason: string };

/** The data_block of an OPS_envelope, as a map. */
export function decodeEnvelope(body: unknown): DecodeOutcome {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined) return { ok: false, reason: 'the answer is not text' };
  if (text.trim() === '') return { ok: false, reason: 'the answer is empty' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: `the answer is not well-formed XML (${valid.err.msg.replace(/\s+/g, ' ')} at line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (e) {
    return { ok: false, reason: `the answer is not readable XML (${(e as Error).message})` };
  }
  const block = (((doc.OPS_envelope as Node | undefined)?.body as Node | undefined)?.data_block as Node | undefined);
  if (!isNode(block) || !('dt_assoc' in block)) return { ok: false, reason: 'the answer is XML but not an OPS_envelope with a data_block' };
  return { ok: true, value: decodeAssoc(block.dt_assoc) };
}
