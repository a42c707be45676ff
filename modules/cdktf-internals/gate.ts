/**
 * The version gate of every reach into cdktf's internals (this folder): they run only on the cdktf
 * releases they were read and tested with; anything else gets cdktf's standard behaviour.
 */
/** The cdktf releases whose internals were read and tested here (major.minor; patches keep them). */
export const VERIFIED_CDKTF = ['0.21'];

/** The installed cdktf's version, or undefined when it cannot be read. */
export function cdktfVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('cdktf/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Whether the fast paths may run here, and why not when they may not. */
export function fastPathsVerified(version = cdktfVersion()): { readonly ok: boolean; readonly reason?: string } {
  if (version && VERIFIED_CDKTF.some((v) => version === v || version.startsWith(`${v}.`))) return { ok: true };
  return { ok: false, reason: `cdktf ${version || '(unknown version)'} is not one the fast synthesis was verified with (${VERIFIED_CDKTF.map((v) => `${v}.x`).join(', ')})` };
}
