/**
 * Everything the CLI prints goes through here, redacted: stdout for results (JSON with --json),
 * stderr for progress, warnings and the one-line error.
 */
import { REGISTRARS } from '../registrar-adapters/catalog';
import { Redactor } from '../core/redact';
import { escapeControl } from '../core/quote';
import type { CommandDeadline } from './deadline';

/** AWS secrets are masked too: the route53domains adapter runs with them in the environment. */
const AWS_SECRETS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

export class Output {
  exitCode = 0;
  verbose = false;
  /** The command's overall deadline (set by run()); its signal goes to every registrar client. */
  deadline?: CommandDeadline;
  readonly redactor: Redactor;
  private readonly writeOut: (s: string) => void;
  private readonly writeErr: (s: string) => void;

  constructor(
    env: NodeJS.ProcessEnv,
    writeOut: (s: string) => void = (s) => process.stdout.write(s),
    writeErr: (s: string) => void = (s) => process.stderr.write(s),
  ) {
    const secrets: (string | undefined)[] = AWS_SECRETS.map((n) => env[n]);
    for (const info of Object.values(REGISTRARS)) {
      for (const c of info.credentials) if (!c.public) secrets.push(env[c.env]);
    }
    this.redactor = new Redactor(secrets);
    this.writeOut = writeOut;
    this.writeErr = writeErr;
  }

  /** Text as it goes out: secrets masked, and no raw control character but the line break. */
  private clean(text: string): string {
    return this.redactor.redact(text).split('\n').map(escapeControl).join('\n');
  }

  stdout(text: string): void {
    this.writeOut(this.clean(text));
  }

  stderr(text: string): void {
    this.writeErr(this.clean(text));
  }

  json(value: unknown): void {
    this.stdout(`${JSON.stringify(value)}\n`);
  }

  /**
   * A progress line or warning for humans. Like every line below, one line whatever it echoes:
   * control characters (a crafted domain's carriage return or escape sequence) are written as
   * escapes, so no input can forge or hide a line of the log.
   */
  log(message: string): void {
    this.stderr(`nsbridge: ${message.replace(/\n/g, '\\n')}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.stderr(`nsbridge: debug: ${message.replace(/\n/g, '\\n')}\n`);
  }

  /** The one-line error of the CLI contract. */
  error(message: string): void {
    this.stderr(`nsbridge: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  }
}
