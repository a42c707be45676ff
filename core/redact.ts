/**
 * Secret redaction. Every string that leaves the CLI (stderr, stdout, thrown messages) goes
 * through a Redactor that knows the secret values of the current run, so even a registrar that
 * echoes a key back in an error body cannot leak it into a CI log.
 */
/** The part of a registrar's credential spec redaction needs (structural: core/ imports no registrar code). */
interface SecretSource {
  readonly env: string;
  readonly public?: boolean;
}

const MASK = '***';

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first, so a secret containing another is masked whole. Very short values are not
    // secrets worth masking (and masking them would shred ordinary text).
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** Secret values of a registrar's non-public credentials, read from env. */
  static forCredentials(specs: readonly SecretSource[], env: NodeJS.ProcessEnv, extra: string[] = []): Redactor {
    const values = specs.filter((c) => !c.public).map((c) => env[c.env]);
    return new Redactor([...values, ...extra]);
  }

  add(...values: (string | undefined)[]): void {
    for (const v of values) if (v && v.length >= 4 && !this.secrets.includes(v)) this.secrets.push(v);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /**
   * Every secret masked, as it is and in two encoded forms: URL-encoded (keys in query strings)
   * and base64 of the value alone (a key sent as `Basic base64(key)`). The base64 of a longer
   * string that contains the secret (`user:token`) is not recognisable; no header is ever
   * printed, so it does not reach any output.
   */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      out = out.split(s).join(MASK);
      const enc = encodeURIComponent(s);
      if (enc !== s) out = out.split(enc).join(MASK);
      const b64 = Buffer.from(s, 'utf8').toString('base64').replace(/=+$/, '');
      if (b64.length >= 4) out = out.split(b64).join(MASK);
    }
    return out;
  }
}

/** Cut a registrar's body down to something fit for a one-line error message. */
export function summarizeBody(body: unknown, max = 300): string {
  let text: string;
  if (body === undefined || body === null || body === '') return '(empty body)';
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else {
    try {
      text = JSON.stringify(body);
    } catch {
      text = String(body);
    }
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (/^<!doctype html|^<html/i.test(text)) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
    text = `HTML page${title ? ` "${title.trim()}"` : ''}`;
  }
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
