/**
 * A login session shared by the operations in flight and logged out when the last one ends, for
 * registrars whose API works in sessions (INWX's domrobot cookie, Joker.com's Auth-Sid). A session
 * that ends under an operation is logged in again once; a second loss is the adapter's error.
 */
import type { CallContext } from './respond';

/** Thrown by an adapter's call when the registrar says the session is gone and `mayRelogin` was true. */
export class SessionLost extends Error {}

export interface SharedSessionOptions<Token> {
  readonly login: (where: CallContext) => Promise<Token>;
  /** Must not throw: a failed logout is worth a trace, never a failure. */
  readonly logout: (token: Token) => Promise<void>;
  /** Called before logging in again after a SessionLost. */
  readonly onLost: () => void;
}

export class SharedSession<Token> {
  private session: Promise<Token> | undefined;
  private users = 0;

  constructor(private readonly opts: SharedSessionOptions<Token>) {}

  /** Run `fn` with a session token; `mayRelogin` is false once the session was lost and renewed. */
  async use<T>(where: CallContext, fn: (token: Token, mayRelogin: boolean) => Promise<T>): Promise<T> {
    this.users += 1;
    try {
      let relogged = false;
      for (;;) {
        const current = (this.session ??= this.opts.login(where));
        let token: Token;
        try {
          token = await current;
        } catch (e) {
          if (this.session === current) this.session = undefined;
          throw e;
        }
        try {
          return await fn(token, !relogged);
        } catch (e) {
          if (!(e instanceof SessionLost)) throw e;
          this.opts.onLost();
          relogged = true;
          if (this.session === current) this.session = undefined;
        }
      }
    } finally {
      this.users -= 1;
      if (this.users === 0 && this.session) {
        const ending = this.session;
        this.session = undefined;
        const token = await ending.catch(() => undefined);
        if (token !== undefined) await this.opts.logout(token);
      }
    }
  }
}
