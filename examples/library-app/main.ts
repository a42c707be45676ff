/**
 * An app of your own with the nsbridge constructs (docs/constructs.md). Two stacks:
 *  - `dns`: example.com as a DelegatedDomain (zone + records + registrar), example.org wired by
 *    hand (HostedZone + RegistrarDelegation), dev.example.com delegated from example.com, and the
 *    stack outputs a team reads with `cdktf output dns`;
 *  - `registrar`: points example.net at a zone of the `dns` stack (a cross-stack reference).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DelegatedDomain, HostedZone, RegistrarDelegation, SubdomainDelegation, TERRAFORM_REQUIRED_VERSION } from 'nsbridge';

class DnsStack extends TerraformStack {
  public readonly netZone: HostedZone;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State the engine floor the constructs need (check blocks, terraform_data) in your stack.
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });

    // The common case: zone, records, and the registrar pointed at the zone on deploy.
    const site = new DelegatedDomain(this, 'example.com', {
      zoneName: 'example.com',
      registrar: 'manual', // prints the steps for a person and waits for the change in DNS
      records: [{ type: 'A', name: '@', values: ['192.0.2.10'] }],
    });
    site.zone.addCnameRecord('www', 'example.com');
    new TerraformOutput(this, 'example_com_name_servers', { value: site.nameServers, description: 'Enter these at the registrar of example.com' });
    new TerraformOutput(this, 'example_com_zone_id', { value: site.zoneId });

    // The same wiring by hand: the registrar step waits for the zone's records.
    const org = new HostedZone(this, 'example.org-zone', {
      zoneName: 'example.org',
      records: [{ type: 'TXT', name: '@', values: ['v=spf1 -all'] }],
    });
    new RegistrarDelegation(this, 'example.org-delegation', {
      domain: org.zoneName,
      registrar: 'godaddy',
      nameServers: org.nameServers,
      dependsOn: org.records, // a readonly array: the zone's records, added before the registrar is pointed at them
    });

    // A subdomain served by its own zone, delegated from the parent zone above.
    new SubdomainDelegation(this, 'dev.example.com', { zoneName: 'dev.example.com', parentZone: site.zone });

    // A zone whose delegation another stack owns.
    this.netZone = new HostedZone(this, 'example.net-zone', { zoneName: 'example.net' });
  }
}

class RegistrarStack extends TerraformStack {
  constructor(scope: Construct, id: string, zone: HostedZone) {
    super(scope, id);
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
    // The zone's name servers come from the other stack's state (cdktf adds the remote-state read).
    new RegistrarDelegation(this, 'example.net', { domain: zone.zoneName, registrar: 'namecheap', nameServers: zone.nameServers });
  }
}

const app = new App();
const dns = new DnsStack(app, 'dns');
new RegistrarStack(app, 'registrar', dns.netZone);
app.synth();
