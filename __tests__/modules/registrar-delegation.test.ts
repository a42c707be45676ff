import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DataResource, TerraformStack, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { CLI_ASSET_ID, NsbridgeCliAsset, SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { RegistrarDelegation, RegistrarDelegationProps } from '../../modules/registrar-delegation';

Testing.setupJest();

const NS = ['ns-2.awsdns-02.net', 'NS-1.awsdns-01.com.', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk'];
const base: RegistrarDelegationProps = { domain: 'example.com', registrar: 'godaddy', nameServers: NS };

function bridgeOf(out: string): Record<string, any> {
  const json = JSON.parse(out);
  const bridges = Object.values<Record<string, any>>(json.resource.terraform_data);
  expect(bridges).toHaveLength(1);
  return bridges[0]!;
}

describe('RegistrarDelegation', () => {
  test('triggers_replace holds the domain, the registrar and the sorted, normalised name servers', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, domain: 'Example.COM.' }));
    expect(out).toHaveResourceWithProperties(DataResource, {
      triggers_replace: {
        domain: 'example.com',
        registrar: 'godaddy',
        name_servers: ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk'],
      },
      input: { destroy_policy: 'retain' },
    });
  });

  test('the create-time provisioner runs the shipped CLI with `set`, reading everything from self', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', base));
    const [create] = bridgeOf(out).provisioner;
    expect(create['local-exec'].when).toBeUndefined();
    expect(create['local-exec'].command).toMatch(
      /^node "\$\{path\.module\}\/assets\/nsbridge-cli\/[0-9A-F]{32}\/nsbridge\.js" set --registrar \$\{self\.triggers_replace\.registrar\} --domain \$\{self\.triggers_replace\.domain\} --ns \$\{join\(",", self\.triggers_replace\.name_servers\)\}$/,
    );
    // No settings → no environment block at all (credentials come from Terraform's environment).
    expect(create['local-exec'].environment).toBeUndefined();
  });

  test('the destroy-time provisioner runs `release` with the policy and references only self and path.module', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, destroyPolicy: 'refuse' }));
    const bridge = bridgeOf(out);
    const destroy = bridge.provisioner[1]['local-exec'];
    expect(destroy.when).toBe('destroy');
    expect(destroy.command).toContain(' release --registrar ${self.triggers_replace.registrar} --domain ${self.triggers_replace.domain} --ns ${join(",", self.triggers_replace.name_servers)} --policy ${self.input.destroy_policy}');
    expect(bridge.input).toEqual({ destroy_policy: 'refuse' });
    // Terraform rejects destroy provisioners that reference anything but self, count, each, path, terraform.
    const references = [...(destroy.command as string).matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
    expect(references).toHaveLength(5);
    for (const ref of references) expect(ref).toMatch(/^(self\.|path\.module$|join\(",", self\.)/);
  });

  test('non-secret settings go into triggers_replace (snake_case keys) and reach the CLI as their catalog variables', () => {
    const out = Testing.synthScope(
      (scope) => new RegistrarDelegation(scope, 'd', { ...base, registrarSettings: { sandbox: true, shopperId: '12345' } }),
    );
    const bridge = bridgeOf(out);
    expect(bridge.triggers_replace.settings).toEqual({ sandbox: '1', shopper_id: '12345' });
    for (const p of bridge.provisioner) {
      // TerraformSelf snake-cases the path, so the keys above must be snake_case to match.
      expect(p['local-exec'].environment).toEqual({
        NSBRIDGE_GODADDY_SANDBOX: '${self.triggers_replace.settings.sandbox}',
        NSBRIDGE_GODADDY_SHOPPER_ID: '${self.triggers_replace.settings.shopper_id}',
      });
    }
  });

  test('a token name-server list is sorted by Terraform', () => {
    const out = Testing.synthScope((scope) => {
      const ns = new DataResource(scope, 'ns', { input: { list: ['a', 'b'] } });
      new RegistrarDelegation(scope, 'd', { ...base, nameServers: ns.getListAttribute('output.list') });
    });
    expect(out).toHaveResourceWithProperties(DataResource, {
      triggers_replace: expect.objectContaining({ name_servers: expect.stringMatching(/^\$\{sort\(terraform_data\.ns\.output\.list\)\}$/) }),
    });
  });

  test('one CLI asset per stack, shared by every delegation', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const a = new RegistrarDelegation(stack, 'a', base);
    const b = new RegistrarDelegation(stack, 'b', { ...base, domain: 'example.org' });
    expect(a.cli).toBe(b.cli);
    expect(stack.node.children.filter((c) => c instanceof NsbridgeCliAsset)).toHaveLength(1);
    expect(stack.node.tryFindChild(CLI_ASSET_ID)).toBe(a.cli);
    // The asset hash is deliberately not a trigger: a CLI upgrade must not replace every delegation.
    expect(JSON.stringify(Testing.synth(stack))).not.toContain(a.cli.assetHash.slice(0, 8) + '"');
    const triggers = JSON.parse(Testing.synth(stack)).resource.terraform_data;
    for (const t of Object.values<any>(triggers)) expect(JSON.stringify(t.triggers_replace)).not.toContain(a.cli.assetHash);
  });

  test('asking for a different CLI bundle in the same stack is an error', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new RegistrarDelegation(stack, 'a', base);
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-cli-')), 'cli.js');
    fs.writeFileSync(other, '');
    expect(() => new RegistrarDelegation(stack, 'b', { ...base, cliBundlePath: other })).toThrow(
      `already ships the nsbridge CLI from`,
    );
  });

  test('a missing CLI bundle is reported with what to do', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(() => new RegistrarDelegation(stack, 'a', { ...base, cliBundlePath: '/nonexistent/nsbridge.js' })).toThrow(
      'NsbridgeCliAsset: the nsbridge CLI bundle was not found (looked at /nonexistent/nsbridge.js); run "npm run build" to create dist/nsbridge.js, or pass "cliBundlePath"',
    );
  });

  describe('synth spawns no terraform process per resource', () => {
    let execSync: jest.SpyInstance;
    beforeEach(() => {
      // The module object itself (an `import * as` namespace would be a copy the spy cannot reach).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      execSync = jest.spyOn(require('child_process') as typeof import('child_process'), 'execSync').mockImplementation(() => Buffer.from('Terraform v1.9.0\n'));
    });
    afterEach(() => execSync.mockRestore());

    const synthWithValidations = (context: Record<string, unknown>): void => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-synth-')), context });
      const stack = new TerraformStack(app, 'test');
      for (let i = 0; i < 20; i++) new RegistrarDelegation(stack, `d${i}`, { ...base, domain: `d${i}.example.com` });
      app.synth(); // validations run
    };

    test('library default: one `terraform version` check per stack, not per delegation', () => {
      synthWithValidations({});
      expect(execSync).toHaveBeenCalledTimes(1);
    });

    test(`with the ${SKIP_TERRAFORM_VERSION_CHECK} context (what the nsbridge app sets): none`, () => {
      synthWithValidations({ [SKIP_TERRAFORM_VERSION_CHECK]: true });
      expect(execSync).not.toHaveBeenCalled();
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<RegistrarDelegationProps>, string]>([
      ['bad domain', { domain: 'example..com' }, 'test/d: domain: domain name "example..com" has an empty label (two dots in a row, or a leading dot)'],
      ['unknown registrar', { registrar: 'namecheep' as 'namecheap' }, 'test/d: registrar: registrar "namecheep" is not known (did you mean "namecheap"?); use one of godaddy, namecheap, gandi, porkbun, namecom, dnsimple, route53domains, cloudflare, manual'],
      ['registrar that cannot delegate', { registrar: 'cloudflare' }, 'test/d: registrar: registrar "cloudflare" cannot point a domain at Route 53: Cloudflare Registrar only allows Cloudflare\'s own name servers; to delegate to Route 53 the domain must be transferred to another registrar'],
      ['unknown setting', { registrarSettings: { colour: 'blue' } }, 'test/d: registrarSettings.colour: registrar "godaddy" has no setting "colour"; its settings are sandbox, shopperId'],
      ['setting of the wrong type', { registrarSettings: { sandbox: 'yes' } }, 'test/d: registrarSettings.sandbox: registrar "godaddy" setting "sandbox" must be a boolean, got "yes"'],
      ['a credential as a setting', { registrarSettings: { apiSecret: 'abc' } }, 'test/d: registrarSettings.apiSecret: registrar "godaddy" setting "apiSecret" looks like a credential; credentials are never part of the configuration (they would end up in the plan and the state): set GODADDY_API_KEY, GODADDY_API_SECRET in the environment of the process that runs Terraform instead'],
      ['settings for a registrar without any', { registrar: 'porkbun', registrarSettings: { sandbox: true } }, 'test/d: registrarSettings.sandbox: registrar "porkbun" takes no settings, but "sandbox" was given'],
      ['destroy policy', { destroyPolicy: 'delete' as 'retain' }, 'test/d: destroyPolicy: destroy policy "delete" is not known; use one of retain, refuse'],
      ['one name server', { nameServers: ['ns1.example.net'] }, 'test/d: nameServers: name servers: 1 distinct name server(s) given (ns1.example.net); a delegation needs 2 to 13'],
      ['bad name server', { nameServers: ['ns1.example.net', 'ns 2'] }, 'test/d: nameServers: name servers: name server "ns 2" contains white space'],
    ])('%s', (_title, props, message) => {
      const stack = new TerraformStack(Testing.app(), 'test');
      expect(() => new RegistrarDelegation(stack, 'd', { ...base, ...props })).toThrow(message);
      expect(stack.node.tryFindChild(CLI_ASSET_ID)).toBeUndefined();
    });
  });
});
