/**
 * Reading Namecheap's XML answers with fast-xml-parser (never regexes). Every answer, errors
 * included, is an `ApiResponse` envelope in an HTTP 200; a body that is not well-formed XML or
 * not an ApiResponse is reported as such, never half-read: a truncated envelope can still say
 * Status="OK" before it breaks off.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DomainGetInfoResult, NamecheapEnvelope, NamecheapMessage, XmlNode, XmlValue } from './wire-types';

const LISTS = new Set(['Error', 'Warning', 'Nameserver']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: error numbers, "true"/"True", IDs.
  parseTagValue: false,
  parseAttributeValue: false,
  // The default namespace is http://api.namecheap.com/xml.response; element names are what matter.
  removeNSPrefix: true,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
  // XML's own entities (&amp; &lt; ...) only within fast-xml-parser's default expansion limits.
  processEntities: { enabled: true, maxEntitySize: 1000, maxTotalExpansions: 1000 },
});

export type EnvelopeOutcome = { readonly ok: true; readonly envelope: NamecheapEnvelope } | { readonly ok: false; readonly reason: string };

const isNode = (v: XmlValue | undefined): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text content of an element that may carry attributes. */
export function textOf(v: XmlValue | undefined): string {
  if (typeof v === 'string') return v.trim();
  if (isNode(v)) {
    const t = v['#text'];
    return typeof t === 'string' ? t.trim() : '';
  }
  return '';
}

export function attr(v: XmlValue | undefined, name: string): string | undefined {
  if (!isNode(v)) return undefined;
  const a = v[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

export function child(v: XmlValue | undefined, name: string): XmlValue | undefined {
  return isNode(v) ? v[name] : undefined;
}

function list(v: XmlValue | undefined): readonly XmlValue[] {
  if (v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v as XmlValue];
}

function messages(container: XmlValue | undefined, name: string): NamecheapMessage[] {
  return list(child(container, name)).map((m) => ({ number: attr(m, 'Number') ?? '', text: textOf(m) }));
}

export function parseEnvelope(body: unknown): EnvelopeOutcome {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined) return { ok: false, reason: 'the answer is not text' };
  if (text.trim() === '') return { ok: false, reason: 'the answer is empty' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return { ok: false, reason: `the answer is not well-formed XML (${valid.err.msg.replace(/\s+/g, ' ')} at line ${valid.err.line})` };
  }
  let doc: XmlNode;
  try {
    doc = parser.parse(text) as XmlNode;
  } catch (e) {
    return { ok: false, reason: `the answer is not readable XML (${(e as Error).message})` };
  }
  const root = doc.ApiResponse;
  if (!isNode(root)) return { ok: false, reason: 'the answer is XML but not a Namecheap ApiResponse' };
  const status = attr(root, 'Status');
  if (!status) return { ok: false, reason: 'the ApiResponse has no Status' };
  const cr = root.CommandResponse;
  return {
    ok: true,
    envelope: {
      status,
      errors: messages(root.Errors, 'Error'),
      warnings: messages(root.Warnings, 'Warning'),
      requestedCommand: textOf(root.RequestedCommand),
      commandResponse: isNode(cr) ? cr : undefined,
    },
  };
}

const truthy = (v: string | undefined) => (v ?? '').trim().toLowerCase() === 'true';

/** `CommandResponse/DomainGetInfoResult`, or undefined when the answer has none. */
export function readGetInfo(envelope: NamecheapEnvelope): DomainGetInfoResult | undefined {
  const result = child(envelope.commandResponse, 'DomainGetInfoResult');
  if (!isNode(result)) return undefined;
  const dns = child(result, 'DnsDetails');
  return {
    domainName: attr(result, 'DomainName') ?? '',
    status: attr(result, 'Status') ?? '',
    dns:
      dns === undefined
        ? undefined
        : {
            providerType: attr(dns, 'ProviderType') ?? '',
            isUsingOurDns: truthy(attr(dns, 'IsUsingOurDNS')),
            nameServers: list(child(dns, 'Nameserver')).map(textOf).filter((n) => n !== ''),
          },
  };
}

/** `CommandResponse/DomainDNSSetCustomResult`: Domain and Updated. */
export function readSetCustom(envelope: NamecheapEnvelope): { domain: string; updated: boolean } | undefined {
  const result = child(envelope.commandResponse, 'DomainDNSSetCustomResult');
  if (result === undefined) return undefined;
  return { domain: attr(result, 'Domain') ?? '', updated: truthy(attr(result, 'Updated')) };
}
