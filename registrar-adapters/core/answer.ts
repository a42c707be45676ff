/**
 * Checking the shape of a registrar's answer before anything reads it. A 200 whose body is an
 * error envelope, an HTML page or some other object must never pass for the object asked for:
 * read leniently, a missing `nameServers` becomes "no name servers", `set` then writes, and the
 * construct records an empty "previous" delegation for ever. Every adapter passes every body it
 * reads through `parseAnswer` with a zod schema of what it expects (the fields it uses, and a
 * field that tells the object apart from an error envelope: the domain's name, a status).
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import { RegistrarApiError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import type { CallContext } from './respond';
import { WRITE_UNKNOWN_HINT } from './respond';

/** How much of an unexpected body the error quotes (the CLI redacts secrets from every line). */
export const QUOTED_BODY_CHARS = 200;

export interface AnswerContext extends CallContext {
  /** What was expected, for the message: "a Domain object", "a JSON array of host names". */
  readonly what: string;
  /** The HTTP status the body came with. */
  readonly status?: number;
  /** The body answers a write: the change may have been made even though the answer is unreadable. */
  readonly write?: boolean;
  /** What to do, when the default (try again; report it) is not the best advice. */
  readonly hint?: string;
  /** What to quote instead of `body`: the raw answer, when `body` was extracted from it (XML). */
  readonly raw?: unknown;
}

/** The body as JSON when it is JSON text (some registrars send JSON as text/html); else as it is. */
export function jsonBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  const text = data.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return data;
  }
}

/** At most three zod issues, one phrase each: `nameServers: expected array, received undefined`. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(the body)'}: ${i.message}`);
  const more = error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : '';
  return shown.join('; ') + more;
}

/**
 * `body` (or an axios response's data, JSON text parsed) checked against `schema`. Throws a
 * RegistrarApiError that names what was expected, what did not fit, and quotes what came back,
 * shortened; the value returned is the schema's output (typed).
 */
export function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, answer: AnswerContext): z.output<S> {
  const data = jsonBody(body);
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const { what, status, write, hint, raw, ...call } = answer;
  throw new RegistrarApiError({
    ...call,
    status,
    cause: `unexpected answer${status !== undefined ? ` (HTTP ${status})` : ''}: expected ${what}; ${describeIssues(result.error)}; got ${summarizeBody(raw ?? data ?? body, QUOTED_BODY_CHARS)}`,
    hint: hint ?? (write ? WRITE_UNKNOWN_HINT : 'the registrar answered in a shape nsbridge does not know; nothing was changed; try again, and report it if it persists'),
  });
}

/** parseAnswer on a response's body and status. */
export function parseResponse<S extends z.ZodType>(schema: S, res: AxiosResponse, answer: Omit<AnswerContext, 'status'>): z.output<S> {
  return parseAnswer(schema, res.data, { ...answer, status: res.status });
}

/**
 * `parseAnswer` for a registrar whose every answer is an HTTP 200 with the outcome in the body
 * (Internet.bs, OpenSRS): one `hint` for all its unreadable answers.
 */
export function bodyAnswerParser(hint: string) {
  return <S extends z.ZodType>(schema: S, body: unknown, call: CallContext, what: string): z.output<S> => parseAnswer(schema, body, { ...call, status: 200, what, hint });
}
