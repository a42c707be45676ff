/**
 * The nsbridge construct library: Route 53 zones as code, with the registrar's delegation wired
 * to them. See docs/constructs.md.
 */
export * from './errors';
export * from './record-values';
export * from './destroy-policy';
export * from './registrar-settings';
export * from './delegation-set';
export * from './hosted-zone';
export * from './cli-asset';
export * from './registrar-delegation';
export * from './dnssec-options';
export * from './zone-signing';
export * from './dnssec-delegation';
export * from './delegated-domain';
export * from './subdomain-delegation';
export * from './domains-stack';
