import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExternalProvider } from '@cdktf/provider-external/lib/provider';
import { App, DataResource, TerraformStack, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { CLI_ASSET_ID, NsbridgeCliAsset, SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { RegistrarDelegation, RegistrarDelegationProps, RetiredDelegation } from '../../modules/registrar-delegation';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import type { RegistrarInfo } from '../../registrar-adapters/core/types';
import { REGISTRAR_IDS } from '../../registrar-adapters/catalog';

Testing.setupJest();

const NS = ['ns-2.awsdns-02.net', 'NS-1.awsdns-01.com.', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk'];
const base: RegistrarDelegationProps = { domain: 'example.com', registrar: 'godaddy', nameServers: NS };

/** The delegation's parts by construct id (the middle of the logical id). */
function partsOf(out: string): Record<'bridge' | 'release' | 'previous', Record<string, any>> & { read?: Record<string, any> } {
  const json = JSON.parse(out);
  const byPart = (entries: Record<string, any>, part: string) =>
    Object.entries(entries ?? {}).find(([id]) => new RegExp(`_${part}_[0-9A-F]{8}$`).test(id))?.[1];
  return {
    bridge: byPart(json.resource.terraform_data, 'bridge'),
    release: byPart(json.resource.terraform_data, 'release'),
    previous: byPart(json.resource.terraform_data, 'previous'),
    read: byPart(json.data?.external, 'registrar-read'),
  };
}

/** Every ${...} reference in a string: a destroy-time provisioner may only use self and path. */
const references = (s: string): string[] => [...s.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);

describe('RegistrarDelegation', () => {
  test('the bridge: triggers_replace holds the domain, the registrar and the sorted, normalised name servers; create before destroy', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, domain: 'Example.COM.' }));
    const { bridge } = partsOf(out);
    const readId = Object.keys(JSON.parse(out).data.external).find((id) => id.includes('_registrar-read_'))!;
    // Every domain reads the shared answer through one local (evaluated once per plan).
    const [localId, value] = Object.entries(JSON.parse(out).locals as Record<string, string>)[0];
    expect(value).toBe(`\${data.external.${readId}.result}`);
    const result = `local.${localId}`;
    expect(bridge.triggers_replace).toEqual({
      domain: 'example.com',
      registrar: 'godaddy',
      name_servers: ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk'],
      // Drift repair: "none" as in state unless the read answered and no view of it is this set;
      // then unknown until apply (timestamp), where it is "none" again.
      repair:
        `\${try(${result}["example.com:available"], "false") == "true" && ` +
        `!contains(split(";", try(${result}["example.com:views"], "")), ` +
        `"ns-1.awsdns-01.com,ns-2.awsdns-02.net,ns-3.awsdns-03.org,ns-4.awsdns-04.co.uk") ? join("", ["none", substr(timestamp(), 0, 0)]) : "none"}`,
    });
    // A replacement (new name servers) sets the new delegation first and never runs a destroy step.
    expect(bridge.lifecycle).toEqual({ create_before_destroy: true });
    // The plan shows the registrar change in words next to the trigger values.
    expect(bridge.input).toEqual({ change: 'point example.com at GoDaddy to the name servers given' });
  });

  test('the bridge runs the shipped CLI with `set`, reading everything from self, and has no destroy-time step', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', base));
    const { bridge } = partsOf(out);
    expect(bridge.provisioner).toHaveLength(1);
    const create = bridge.provisioner[0]['local-exec'];
    expect(create.when).toBeUndefined();
    expect(create.command).toMatch(
      /^node "\$\{path\.module\}\/assets\/nsbridge-cli\/[0-9A-F]{32}\/nsbridge\.js" set --registrar \$\{self\.triggers_replace\.registrar\} --domain \$\{self\.triggers_replace\.domain\} --ns \$\{join\(",", self\.triggers_replace\.name_servers\)\}$/,
    );
    // No settings → no environment block at all (credentials come from Terraform's environment).
    expect(create.environment).toBeUndefined();
  });

  test('the release guard: its input holds what the destroy step needs; its destroy-time provisioner references only self and path.module', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, destroyPolicy: 'refuse' }));
    const { release, previous } = partsOf(out);
    const previousId = Object.keys(JSON.parse(out).resource.terraform_data).find((id) => /_previous_/.test(id));
    expect(release.input).toEqual({
      domain: 'example.com',
      registrar: 'godaddy',
      name_servers: ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk'],
      previous: `\${terraform_data.${previousId}.output.name_servers}`,
      policy: 'refuse',
      env: {},
    });
    // Only a new domain replaces it (releasing the old domain); name servers, policy and settings update it in place.
    expect(release.triggers_replace).toEqual({ domain: 'example.com' });
    expect(release.lifecycle).toBeUndefined();
    expect(release.provisioner).toHaveLength(1);
    const destroy = release.provisioner[0]['local-exec'];
    expect(destroy.when).toBe('destroy');
    expect(destroy.command).toContain(
      ' release --registrar ${self.input.registrar} --domain ${self.input.domain} --ns ${join(",", self.input.name_servers)} --policy ${self.input.policy} --previous "${self.input.previous}"',
    );
    expect(destroy.environment).toBe('${self.input.env}');
    for (const ref of [...references(destroy.command), ...references(destroy.environment)]) expect(ref).toMatch(/^(self\.|path\.module$|join\(",", self\.)/);
    expect(previous).toBeDefined();
  });

  test('the previous name servers: read at plan time by the shipped CLI (the parent zone by default), held from the first apply on', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, registrarSettings: { sandbox: true } }));
    const json = JSON.parse(out);
    const { read, previous } = partsOf(out);
    const readId = Object.keys(json.data.external).find((id) => id.includes('_registrar-read_'))!;
    const result = `local.${Object.keys(json.locals)[0]}`;
    expect(json.locals[Object.keys(json.locals)[0]]).toBe(`\${data.external.${readId}.result}`);
    expect(read).toEqual({
      provider: 'external',
      program: ['node', expect.stringMatching(/^\$\{path\.module\}\/assets\/nsbridge-cli\/[0-9A-F]{32}\/nsbridge\.js$/), 'terraform-external'],
      // One read per stack for every domain read from DNS (the registrar and its settings do not
      // change a DNS answer); it also decides the drift repair. The set to compare with stays out
      // of the query (unknown while a zone is replaced, it would defer the read).
      query: { source: 'dns', domains: 'example.com' },
    });
    expect(read!.depends_on).toBeUndefined(); // a dependency on a changing resource would defer the read to apply time
    expect(previous).toEqual({
      // With a default: a key missing from the read's answer leaves the holder empty, not the plan failed.
      input: { name_servers: `\${try(${result}["example.com:name_servers"], "")}` },
      lifecycle: { ignore_changes: ['input'] },
      // "false" while the registrar was down at plan time; the first answer replaces the holder.
      triggers_replace: { domain: 'example.com', recorded: `\${try(${result}["example.com:available"], "false")}` },
    });
    // The registrar is written only once the previous name servers are in state.
    const previousId = Object.keys(json.resource.terraform_data).find((id) => /_previous_/.test(id));
    expect(partsOf(out).bridge.depends_on).toEqual([`terraform_data.${previousId}`]);
    expect(json.provider.external).toEqual([{}]);
  });

  test('restore is the default; retain and refuse are kept when given', () => {
    const policyOf = (props: Partial<RegistrarDelegationProps>) =>
      partsOf(Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, ...props }))).release.input.policy;
    expect(policyOf({})).toBe('restore');
    expect(policyOf({ registrar: 'manual' })).toBe('restore'); // manual reads the delegation from DNS
    expect(policyOf({ destroyPolicy: 'retain' })).toBe('retain');
    expect(policyOf({ destroyPolicy: 'refuse' })).toBe('refuse');
  });

  test('the stack\'s own external provider is reused; an aliased one is not', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new ExternalProvider(stack, 'mine');
    new ExternalProvider(stack, 'other', { alias: 'other' });
    new RegistrarDelegation(stack, 'a', base);
    new RegistrarDelegation(stack, 'b', { ...base, domain: 'example.org' });
    expect(stack.node.children.filter((c) => c instanceof ExternalProvider).map((c) => c.node.id)).toEqual(['mine', 'other']);
    expect(JSON.parse(Testing.synth(stack)).provider.external).toEqual([{}, { alias: 'other' }]);
  });

  test('non-secret settings reach the CLI as their catalog variables, from self (the bridge) and from state (the release guard)', () => {
    const out = Testing.synthScope(
      (scope) => new RegistrarDelegation(scope, 'd', { ...base, registrarSettings: { sandbox: true, shopperId: '12345' } }),
    );
    const { bridge, release } = partsOf(out);
    const env = { NSBRIDGE_GODADDY_SANDBOX: '1', NSBRIDGE_GODADDY_SHOPPER_ID: '12345' };
    expect(bridge.triggers_replace.settings).toEqual(env);
    expect(bridge.provisioner[0]['local-exec'].environment).toBe('${self.triggers_replace.settings}');
    // As one map from state: a setting added after the last apply cannot break a destroy.
    expect(release.input.env).toEqual(env);
    expect(release.provisioner[0]['local-exec'].environment).toBe('${self.input.env}');
  });

  describe('a registrar whose name servers nsbridge cannot read', () => {
    // No registrar of today's catalog is like that (Cloudflare, the one that cannot read, cannot
    // delegate either and is rejected first), so one is made so for the duration of the test.
    let saved: RegistrarInfo['capabilities'];
    beforeEach(() => {
      const info = REGISTRARS.godaddy as { capabilities: RegistrarInfo['capabilities'] };
      saved = info.capabilities;
      info.capabilities = { ...saved, readNameServers: { supported: false, reason: 'its API has no read call' } };
    });
    afterEach(() => {
      (REGISTRARS.godaddy as { capabilities: RegistrarInfo['capabilities'] }).capabilities = saved;
    });

    test('defaults to retain, records nothing and reads nothing', () => {
      const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', base));
      const { release, previous, read, bridge } = partsOf(out);
      expect(release.input.policy).toBe('retain');
      expect(release.input.previous).toBe('');
      expect(previous).toBeUndefined();
      expect(read).toBeUndefined();
      expect(bridge.depends_on).toBeUndefined();
      expect(JSON.parse(out).provider).toBeUndefined();
    });

    test('an explicit restore is an error that says why and what to use', () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      expect(() => new RegistrarDelegation(stack, 'd', { ...base, destroyPolicy: 'restore' })).toThrow(
          'test/d: destroyPolicy: destroy policy "restore" needs the name servers the domain had before nsbridge, but registrar "godaddy" cannot read them (its API has no read call); use "retain" or "refuse"',
      );
    });
  });

  test('RetiredDelegation keeps only the release block, with count 0, at the address and with the command of the live one', () => {
    const liveOut = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'delegation', base));
    const liveId = Object.keys(JSON.parse(liveOut).resource.terraform_data).find((id) => /_release_/.test(id))!;
    const json = JSON.parse(Testing.synthScope((scope) => new RetiredDelegation(scope, 'delegation')));
    expect(json.data).toBeUndefined();
    expect(Object.keys(json.resource)).toEqual(['terraform_data']);
    expect(Object.keys(json.resource.terraform_data)).toEqual([liveId]);
    const retired = json.resource.terraform_data[liveId];
    expect(retired.count).toBe(0);
    expect(retired.provisioner).toEqual(partsOf(liveOut).release.provisioner);
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
      ['unknown registrar', { registrar: 'namecheep' as 'namecheap' }, `test/d: registrar: registrar "namecheep" is not known (did you mean "namecheap"?); use one of ${REGISTRAR_IDS.join(', ')}`],
      ['registrar that cannot delegate', { registrar: 'cloudflare' }, 'test/d: registrar: registrar "cloudflare" cannot point a domain at Route 53: Cloudflare Registrar only allows Cloudflare\'s own name servers; to delegate to Route 53 the domain must be transferred to another registrar'],
      ['unknown setting', { registrarSettings: { colour: 'blue' } }, 'test/d: registrarSettings.colour: registrar "godaddy" has no setting "colour"; its settings are sandbox, shopperId'],
      ['setting of the wrong type', { registrarSettings: { sandbox: 'yes' } }, 'test/d: registrarSettings.sandbox: registrar "godaddy" setting "sandbox" must be a boolean, got "yes"'],
      ['a credential as a setting', { registrarSettings: { apiSecret: 'abc' } }, 'test/d: registrarSettings.apiSecret: registrar "godaddy" setting "apiSecret" looks like a credential; credentials are never part of the configuration (they would end up in the plan and the state): set GODADDY_API_KEY, GODADDY_API_SECRET in the environment of the process that runs Terraform instead'],
      ['settings for a registrar without any', { registrar: 'porkbun', registrarSettings: { sandbox: true } }, 'test/d: registrarSettings.sandbox: registrar "porkbun" takes no settings, but "sandbox" was given'],
      ['destroy policy', { destroyPolicy: 'delete' as 'retain' }, 'test/d: destroyPolicy: destroy policy "delete" is not known; use one of restore, retain, refuse'],
      ['one name server', { nameServers: ['ns1.example.net'] }, 'test/d: nameServers: name servers: 1 distinct name server(s) given (ns1.example.net); a delegation needs 2 to 13'],
      ['bad name server', { nameServers: ['ns1.example.net', 'ns 2'] }, 'test/d: nameServers: name servers: name server "ns 2" contains white space'],
    ])('%s', (_title, props, message) => {
      const stack = new TerraformStack(Testing.app(), 'test');
      expect(() => new RegistrarDelegation(stack, 'd', { ...base, ...props })).toThrow(message);
      expect(stack.node.tryFindChild(CLI_ASSET_ID)).toBeUndefined();
    });
  });
});

describe('RegistrarDelegation waitForDelegation', () => {
  test('GIVEN a wait WHEN synthesized THEN `set` waits for the parent zone (--wait), outside triggers_replace', () => {
    const out = Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, waitForDelegation: '10m' }));
    const { bridge } = partsOf(out);
    expect(bridge.provisioner[0]['local-exec'].command).toMatch(/ set --registrar .* --wait 10m$/);
    expect(JSON.stringify(bridge.triggers_replace)).not.toContain('10m');
  });

  test('an invalid wait is rejected before anything is created, naming the field and value', () => {
    expect(() => Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, waitForDelegation: 'soon' }))).toThrow(
      /waitForDelegation: duration "soon" is not valid; use e\.g\. 500ms, 30s, 10m, 1h or 1m30s/,
    );
  });
});

describe('RegistrarDelegation delegation source and drift repair', () => {
  const synth = (props: Partial<RegistrarDelegationProps> = {}) => JSON.parse(Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, ...props })));
  const reads = (json: any) => Object.keys(json.data.external);

  test('GIVEN the defaults WHEN synthesized THEN one read (the parent zone) serves the restore record and the repair, and no check block', () => {
    const json = synth();
    expect(reads(json)).toEqual([expect.stringMatching(/_registrar-read_[0-9A-F]{8}$/)]);
    expect(json.data.external[reads(json)[0]!].query.source).toBe('dns');
    expect(json.check).toBeUndefined();
  });

  test('GIVEN delegationSource registrar WHEN synthesized THEN the one read asks the registrar', () => {
    const json = synth({ delegationSource: 'registrar' });
    expect(reads(json)).toHaveLength(1);
    expect(json.data.external[reads(json)[0]!].query).toEqual({ source: 'registrar', registrar: 'godaddy', domains: 'example.com' });
  });

  test('GIVEN many domains in a stack WHEN synthesized THEN one read per source and registrar account answers for all of them, each domain looking up its own keys', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new RegistrarDelegation(scope, 'c', { ...base, domain: 'c.com' });
        new RegistrarDelegation(scope, 'a', { ...base, domain: 'a.com', registrar: 'namecheap' });
        new RegistrarDelegation(scope, 'b', { ...base, domain: 'b.com', delegationSource: 'registrar' });
        new RegistrarDelegation(scope, 'd', { ...base, domain: 'd.com', delegationSource: 'registrar' });
        new RegistrarDelegation(scope, 'e', { ...base, domain: 'e.com', delegationSource: 'registrar', registrarSettings: { sandbox: true } });
      }),
    );
    const queries = Object.values<any>(json.data.external).map((r) => r.query);
    expect(queries).toEqual(
      expect.arrayContaining([
        { source: 'dns', domains: 'a.com,c.com' }, // sorted, whatever the registrar
        { source: 'registrar', registrar: 'godaddy', domains: 'b.com,d.com' },
        { source: 'registrar', registrar: 'godaddy', NSBRIDGE_GODADDY_SANDBOX: '1', domains: 'e.com' }, // another account's settings: its own read
      ]),
    );
    expect(queries).toHaveLength(3);
    const bridgeOf = (domain: string) => Object.values<any>(json.resource.terraform_data).find((r) => r.triggers_replace?.domain === domain && r.triggers_replace.registrar);
    expect(bridgeOf('d.com').triggers_replace.repair).toContain('"d.com:available"');
    expect(bridgeOf('d.com').triggers_replace.repair).not.toContain('b.com');
  });

  test('GIVEN a delegation source that does not exist WHEN constructed THEN it is refused with the choices', () => {
    expect(() => synth({ delegationSource: 'whois' as any })).toThrow(/delegationSource: "whois" is not a delegation source: use "dns" or "registrar"/);
  });

  test('GIVEN repairDrift false WHEN synthesized THEN the bridge has no repair trigger', () => {
    const json = synth({ repairDrift: false });
    const bridge = Object.entries<any>(json.resource.terraform_data).find(([id]) => /_bridge_/.test(id))![1];
    expect(Object.keys(bridge.triggers_replace).sort()).toEqual(['domain', 'name_servers', 'registrar']);
    const read = Object.entries<any>(json.data.external).find(([id]) => /_registrar-read_/.test(id))![1];
    expect(read.query.expected_name_servers).toBeUndefined();
  });
});

describe('RegistrarDelegation drift check (repairDrift: false)', () => {
  const synth = (props: Partial<RegistrarDelegationProps> = {}) =>
    JSON.parse(Testing.synthScope((scope) => new RegistrarDelegation(scope, 'd', { ...base, repairDrift: false, ...props })));
  const byPart = (entries: Record<string, any> | undefined, part: string) =>
    Object.entries(entries ?? {}).find(([id]) => new RegExp(`_${part}_[0-9A-F]{8}$`).test(id));

  test('GIVEN a delegation WHEN synthesized THEN a second read, ordered after the bridge by its id, carries what the stack set', () => {
    const json = synth({ registrarSettings: { sandbox: true } });
    const [bridgeId] = byPart(json.resource.terraform_data, 'bridge')!;
    const [, drift] = byPart(json.data.external, 'drift-read')!;
    expect(drift.query).toEqual({
      registrar: 'godaddy',
      domain: 'example.com',
      NSBRIDGE_GODADDY_SANDBOX: '1',
      source: 'dns',
      // Literal lists are normalised at synth (sorted, lower case, no trailing dot).
      expected_name_servers: 'ns-1.awsdns-01.com,ns-2.awsdns-02.net,ns-3.awsdns-03.org,ns-4.awsdns-04.co.uk',
      // Unknown while the bridge is being (re)created: the read then happens during apply, after `set`.
      after_change: `\${terraform_data.${bridgeId}.id}`,
    });
    expect(drift.program.slice(-1)).toEqual(['terraform-external']);
    expect(drift.depends_on).toBeUndefined();
  });

  test('GIVEN a delegation WHEN synthesized THEN a check block asserts on the drift read and shows its message', () => {
    const json = synth();
    const [driftId] = byPart(json.data.external, 'drift-read')!;
    const checks = Object.values<any>(json.check);
    expect(checks).toEqual([
      {
        assert: [
          {
            condition: `\${data.external.${driftId}.result.in_sync == "true"}`,
            error_message: `\${data.external.${driftId}.result.drift}`,
          },
        ],
      },
    ]);
  });

  test('GIVEN a token name-server list WHEN synthesized THEN the expected set is joined from the sorted list by Terraform', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const zone = new DataResource(stack, 'zone', { input: ['b', 'a'] });
    new RegistrarDelegation(stack, 'd', { ...base, repairDrift: false, nameServers: zone.getListAttribute('output') });
    const json = JSON.parse(Testing.synth(stack));
    const [, drift] = byPart(json.data.external, 'drift-read')!;
    expect(drift.query.expected_name_servers).toBe('${join(",", sort(terraform_data.zone.output))}');
  });

  test('GIVEN a token name-server list WHEN synthesized THEN the repair trigger compares the views with the set joined by Terraform', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const zone = new DataResource(stack, 'zone', { input: ['b', 'a'] });
    new RegistrarDelegation(stack, 'd', { ...base, nameServers: zone.getListAttribute('output') });
    const json = JSON.parse(Testing.synth(stack));
    const [readId] = byPart(json.data.external, 'registrar-read')!;
    const result = `local.${Object.keys(json.locals)[0]}`;
    expect(json.locals[Object.keys(json.locals)[0]]).toBe(`\${data.external.${readId}.result}`);
    const [, bridge] = byPart(json.resource.terraform_data, 'bridge')!;
    // The zone's list enters the literal expression as a bare expression (no nested "${}" or quotes).
    expect(bridge.triggers_replace.repair).toBe(
      `\${try(${result}["example.com:available"], "false") == "true" && ` +
        `!contains(split(";", try(${result}["example.com:views"], "")), join(",", sort(terraform_data.zone.output))) ` +
        '? join("", ["none", substr(timestamp(), 0, 0)]) : "none"}',
    );
  });

  test('GIVEN driftCheck false WHEN synthesized THEN there is neither a drift read nor a check block', () => {
    const json = synth({ driftCheck: false });
    expect(byPart(json.data.external, 'drift-read')).toBeUndefined();
    expect(json.check).toBeUndefined();
    expect(byPart(json.data.external, 'registrar-read')).toBeDefined();
  });

});
