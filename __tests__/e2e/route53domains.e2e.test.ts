/**
 * Scenarios 1, 2 and 5 for a `route53domains` domain: the registrar is moto's Route 53 Domains
 * (the CLI reaches it through AWS_ENDPOINT_URL_ROUTE_53_DOMAINS, the provider's Route 53 through
 * AWS_ENDPOINT_URL: the same moto). moto wants the domain registered first (RegisterDomain, 2..9
 * years); registering also creates a hosted zone and gives the domain its own name servers
 * (ns-204x.awscdn-6x.net): those are the "previous" ones that `restore` must put back. The
 * auto-created zone is deleted before the deploy, so that moto's zones are the stack's alone.
 * Destroy policy `retain` here, see CONFIG.
 */
import { E2eWorld, explain, describeE2e, MOTO_NS, scenarioChain, sortedNs } from './harness';

const DOMAIN = 'nsb-r53.com';
const CONFIG = `version: 1
stacks:
  e2e: {}
domains:
  - name: ${DOMAIN}
    registrar: route53domains
    stack: e2e
    # The registrar's API as the delegation source: moto cannot tell the loopback DNS world when
    # it accepts a change (the emulators do), so the parent would keep showing the old delegation
    # and the default (dns) would see drift in every plan. dns mode: plan-review.e2e.test.ts.
    delegationSource: registrar
    # not restore: moto 5.2.5 accepts UpdateDomainNameservers only ONCE per domain (its duplicate-
    # request check ignores the status of earlier operations, all SUCCESSFUL at once), so putting
    # the previous name servers back fails with DuplicateRequest. restore is covered for GoDaddy
    # and Namecheap in lifecycle.e2e.test.ts.
    destroyPolicy: retain
`;
const CONTACT = '{"FirstName":"E","LastName":"Tester","ContactType":"PERSON","AddressLine1":"1 Test St","City":"Testville","CountryCode":"US","ZipCode":"12345","PhoneNumber":"+1.5555555555","Email":"e2e@example.com"}';

describeE2e('e2e: a route53domains domain against moto', () => {
  let w: E2eWorld;
  let previous: string[] = [];
  const { step, keepWorld } = scenarioChain();

  const domainNs = () =>
    w.moto.boto<string[]>(
      ['c = boto3.client("route53domains", **kw)', `print(json.dumps([n["Name"] for n in c.get_domain_detail(DomainName=${JSON.stringify(DOMAIN)})["Nameservers"]]))`].join('\n'),
    );
  const nsUpdates = () =>
    w.moto.boto<number>(
      ['c = boto3.client("route53domains", **kw)', 'print(len([o for o in c.list_operations()["Operations"] if o["Type"] == "UPDATE_NAMESERVER"]))'].join('\n'),
    );

  beforeAll(async () => {
    w = await E2eWorld.start('r53d');
    // moto has no hook to tell the DNS world when it accepts a change (the emulators do), so the
    // parent (TLD) check after the change is off here; the pre-flight still runs.
    w.extraEnv = { AWS_ENDPOINT_URL_ROUTE_53_DOMAINS: w.moto.url, NSBRIDGE_PARENT_CHECK: '0' };
    previous = await w.moto.boto<string[]>(
      [
        `contact = json.loads(${JSON.stringify(CONTACT)})`,
        'd = boto3.client("route53domains", **kw)',
        `d.register_domain(DomainName=${JSON.stringify(DOMAIN)}, DurationInYears=2, AdminContact=contact, RegistrantContact=contact, TechContact=contact)`,
        'r = boto3.client("route53", **kw)',
        'for z in r.list_hosted_zones()["HostedZones"]:',
        '    r.delete_hosted_zone(Id=z["Id"])',
        `print(json.dumps([n["Name"] for n in d.get_domain_detail(DomainName=${JSON.stringify(DOMAIN)})["Nameservers"]]))`,
      ].join('\n'),
    );
    // the domain as it is before nsbridge: delegated to (and served by) its registration's NS
    await w.dns.serveZone(DOMAIN, previous);
    await w.dns.serveZone(DOMAIN, MOTO_NS);
    w.dns.delegate(DOMAIN, previous);
    w.writeConfig(CONFIG);
  });

  afterAll(async () => {
    await w?.close(keepWorld());
  });

  step('1. deploy: the zone exists in moto and Route 53 Domains holds exactly its name servers', async () => {
    expect(previous.length).toBeGreaterThan(0);
    expect(sortedNs(previous)).not.toEqual(sortedNs(MOTO_NS));
    const r = await w.deploy();
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(Object.keys(await w.moto.zones())).toEqual([DOMAIN]);
    expect(sortedNs(await domainNs())).toEqual(sortedNs(MOTO_NS));
  });

  step('2. deploy again: no changes, no name-server update at Route 53 Domains', async () => {
    const before = await nsUpdates();
    const d = await w.diff();
    expect({ code: d.code, out: d.code === 0 ? '' : explain(d) }).toEqual({ code: 0, out: '' });
    expect(d.output).toMatch(/No changes/);
    const r = await w.deploy();
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(await nsUpdates()).toBe(before);
  });

  step('5. destroy: retain leaves Route 53 Domains as it is, with its warning; the zone is gone', async () => {
    const before = await nsUpdates();
    const r = await w.destroy();
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(r.output).toMatch(/WARNING: route53domains: nsb-r53\.com is left delegated to/);
    expect(sortedNs(await domainNs())).toEqual(sortedNs(MOTO_NS));
    expect(await nsUpdates()).toBe(before);
    expect(await w.moto.zones()).toEqual({});
  });
});
