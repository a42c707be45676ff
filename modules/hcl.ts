/**
 * Terraform expressions written as literal text rather than built from cdktf tokens (`Fn`, `Op`,
 * `conditional`): cdktf resolves every token at synth through its slow resolver: a few per domain
 * made a 1,000-domain synth 1.4x slower (docs/performance.md). cdktf leaves literal `${...}` text as
 * it is, and renders a token placed inside one as a bare expression.
 */

/** `${expression}`: an attribute value Terraform evaluates. */
export const interpolation = (expression: string): string => `\${${expression}}`;

/**
 * A quoted Terraform string (JSON's escapes are HCL's). Callers pass checked names, keys and
 * durations; a cdktf token in it becomes a template inside the quotes, which Terraform evaluates.
 */
export const hclString = (text: string): string => JSON.stringify(text);
