/**
 * The nsbridge construct library (the package's entry point): Route 53 zones as code, with the
 * registrar's delegation wired to them. See docs/constructs.md.
 *
 * The public API is the constructs, their props, enums and one error type. Everything else
 * (validators, message builders, defaults) is internal and may change in any release.
 */

// Constructs and their props.
export { DelegatedDomain, RetiredDomain } from './delegated-domain';
export type { DelegatedDomainProps, DelegatedDomainDnssecOptions, RetiredDomainProps } from './delegated-domain';
export { HostedZone } from './hosted-zone';
export type { HostedZoneProps, HostedZoneDnssecOptions, IHostedZone, RecordOptions } from './hosted-zone';
export { RegistrarDelegation, RetiredDelegation } from './registrar-delegation';
export type { RegistrarDelegationProps, RetiredDelegationProps } from './registrar-delegation';
export { SubdomainDelegation } from './subdomain-delegation';
export type { SubdomainDelegationProps } from './subdomain-delegation';
export { DnssecDelegation, RetiredDnssecDelegation } from './dnssec-delegation';
export type { DnssecDelegationProps, RetiredDnssecDelegationProps } from './dnssec-delegation';
export type { DnssecPublishingOptions } from './dnssec-options';
export { ZoneSigning } from './zone-signing';
export type { ZoneSigningProps } from './zone-signing';
export { ReusableDelegationSet } from './delegation-set';
export type { ReusableDelegationSetProps } from './delegation-set';
export { DomainsStack } from './domains-stack';
export type { DomainsStackProps, AwsSettings, BackendSettings, DomainEntry, LiveDomainEntry, RetiredDomainEntry } from './domains-stack';

// Record specifications (props of HostedZone and DelegatedDomain).
export type {
  RecordSpec,
  ValueRecordSpec,
  MxRecordSpec,
  CaaRecordSpec,
  SrvRecordSpec,
  AliasRecordSpec,
  MxValue,
  CaaValue,
  SrvValue,
  AliasTarget,
  RecordType,
  CaaTag,
} from './record-values';

// Enums.
export { DestroyPolicy } from './destroy-policy';
export { REGISTRAR_IDS } from './registrar-settings';
export type { RegistrarId, RegistrarSettings } from './registrar-settings';
export { LOCKFILE_REQUIRED_VERSION, TERRAFORM_REQUIRED_VERSION } from './terraform-version';
export { SKIP_TERRAFORM_VERSION_CHECK } from './cli-asset';

// The one error type: invalid props, thrown by a construct's constructor.
export { NsbridgeValidationError } from './errors';
