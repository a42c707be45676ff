/**
 * Dynadot Advanced Domain API ("api3", JSON flavour) wire shapes, shared by the adapter and the
 * emulator. https://www.dynadot.com/domain/api-commands
 *   GET /api3.json?key=KEY&command=get_ns&domain=example.com
 *     -> {"GetNsResponse":{"ResponseCode":0,"Status":"success","NsContent":{"Host0":"ns1..","Host1":".."}}}
 *   GET /api3.json?key=KEY&command=add_ns&host=ns1.example.net
 *     -> {"AddNsResponse":{"ResponseCode":0,"Status":"success","AddNsContent":{"Server":{"Host":"..","ServerId":0}}}}
 *   GET /api3.json?key=KEY&command=set_ns&domain=example.com&ns0=..&ns1=..   (ns0..ns12)
 *     -> {"SetNsResponse":{"ResponseCode":0,"Status":"success"}}
 * Errors are HTTP 200 too: {"<Command>Response":{"ResponseCode":-1,"Status":"error","Error":".."}};
 * a key the API does not accept gets the bare {"Response":{"ResponseCode":"-1","Error":"invalid key"}}.
 * ResponseCode comes as a number in some examples and as a string in others: both are read.
 */
import { z } from 'zod';

export const API_PATH = '/api3.json';
export const MAX_NAMESERVERS = 13;

/** `0` / `"0"` success, `-1` / `"-1"` failure. */
const responseCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** The envelope every command answer has, under `<Command>Response`. */
export const commandEnvelopeSchema = z.object({
  ResponseCode: responseCode,
  Status: z.string().optional(),
  Error: z.string().optional(),
});

/** The bare answer to a request the API refused before reading the command (e.g. a wrong key). */
export const keyRefusalSchema = z.object({
  Response: z.object({ ResponseCode: responseCode, Error: z.string().optional() }),
});

/** get_ns success: name servers under numbered keys Host0..Host12, not a list. */
export const getNsSchema = z.object({
  GetNsResponse: commandEnvelopeSchema.extend({
    NsContent: z.record(z.string().regex(/^Host\d+$/, 'is not a HostN key'), z.string().min(1)),
  }),
});

export type CommandName = 'get_ns' | 'set_ns' | 'add_ns';

/** The answer's top-level key for a command: get_ns -> GetNsResponse. */
export function envelopeKey(command: CommandName): string {
  return `${command.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Response`;
}

/** NsContent's HostN entries in N order. */
export function hostsOf(content: Readonly<Record<string, string>>): string[] {
  return Object.entries(content)
    .map(([k, v]) => [Number(k.slice(4)), v] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}
