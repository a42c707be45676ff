/**
 * Scenario 6: the S3 backend with state locking against moto's S3 (and DynamoDB). Two deploys of
 * the same stack at once, from two work directories (two CI jobs): one holds the lock, the other
 * fails on it (no -lock-timeout) or, with a lock timeout, waits and then finds nothing to do.
 * Never two zones for one domain, never a broken state.
 *
 * The lock is what the engine of this run supports: S3-native locking (`useLockfile`, the default)
 * from 1.10 on; below it (Terraform 1.5, OpenTofu 1.6: the README's floors) a DynamoDB table
 * (`dynamodbTable`), which moto serves too. Below 1.10 the engine must also refuse a stack that
 * asks for the lock file (its `required_version`), before touching anything.
 *
 * The backend reaches moto through the environment: AWS_ENDPOINT_URL (and its per-service forms)
 * from OpenTofu 1.6 and Terraform 1.6 on, AWS_S3_ENDPOINT / AWS_DYNAMODB_ENDPOINT / AWS_STS_ENDPOINT
 * for Terraform 1.5's older backend. moto needs path-style bucket addressing, which domains.yaml
 * cannot express (no `usePathStyle` key), so it is given to `init` by TF_CLI_ARGS_init
 * (`use_path_style`; Terraform 1.5 calls it `force_path_style`).
 */
import * as path from 'node:path';
import { E2eWorld, ENGINE, engineAtLeast, engineVersion, explain, describeE2e, MOTO_NS, REPO_ROOT, run, RunResult, sortedNs } from './harness';

const BUCKET = 'nsb-e2e-state';
const KEY = 'nsbridge/e2e.tfstate';
const LOCK_TABLE = 'nsb-e2e-locks';
/** S3-native locking came in 1.10 of both engines (modules/terraform-version.ts). */
const LOCK: 'lockfile' | 'dynamodb' = engineAtLeast(1, 10) ? 'lockfile' : 'dynamodb';
const LOCK_SETTING = { lockfile: 'useLockfile: true', dynamodb: `dynamodbTable: ${LOCK_TABLE}` };

const config = (lock: keyof typeof LOCK_SETTING) => `version: 1
stacks:
  e2e:
    backend:
      type: s3
      bucket: ${BUCKET}
      region: us-east-1
      key: ${KEY}
      ${LOCK_SETTING[lock]}
domains:
  - name: nsb-s3.com
    registrar: godaddy
    stack: e2e
`;
const CONFIG = config(LOCK);

/** What the S3 backend of this engine needs to reach moto. */
function backendEnv(motoUrl: string): Record<string, string> {
  if (ENGINE === 'terraform' && !engineAtLeast(1, 6)) {
    return { TF_CLI_ARGS_init: '-backend-config=force_path_style=true', AWS_S3_ENDPOINT: motoUrl, AWS_DYNAMODB_ENDPOINT: motoUrl, AWS_STS_ENDPOINT: motoUrl };
  }
  return { TF_CLI_ARGS_init: '-backend-config=use_path_style=true', AWS_ENDPOINT_URL_S3: motoUrl, AWS_ENDPOINT_URL_DYNAMODB: motoUrl, AWS_ENDPOINT_URL_STS: motoUrl };
}

if (LOCK === 'dynamodb') {
  describeE2e('e2e: S3 backend asking for the lock file under an engine below 1.10', () => {
    let w: E2eWorld;
    beforeAll(async () => {
      w = await E2eWorld.start('s3-old-engine');
      await w.addDomain('godaddy', 'nsb-s3.com');
      w.writeConfig(config('lockfile'));
    });
    afterAll(async () => {
      await w?.close();
    });

    test(`6. ${engineVersion()} refuses the stack at init (use_lockfile needs >= 1.10): nothing created, the registrar untouched`, async () => {
      const r = await w.deploy();
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/Unsupported (Terraform|OpenTofu) Core version/);
      expect(r.output).toMatch(/required_version"?\s*[=:]\s*">= 1\.10"/);
      expect(await w.moto.zones()).toEqual({});
      expect(w.godaddy.http.writes()).toBe(0);
    });
  });
}

describeE2e(`e2e: S3 backend locked by ${LOCK === 'lockfile' ? 'the S3 lock file (useLockfile)' : 'a DynamoDB table (dynamodbTable)'} against moto`, () => {
  let w: E2eWorld;
  let failed = false;

  beforeAll(async () => {
    w = await E2eWorld.start('s3');
    await w.addDomain('godaddy', 'nsb-s3.com');
    await w.moto.boto(
      [
        'from botocore.config import Config',
        's3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **kw)',
        `s3.create_bucket(Bucket=${JSON.stringify(BUCKET)})`,
        `s3.put_bucket_versioning(Bucket=${JSON.stringify(BUCKET)}, VersioningConfiguration={"Status": "Enabled"})`,
        'print("{}")',
      ].join('\n'),
    );
    if (LOCK === 'dynamodb') {
      // the table the S3 backend documents: partition key LockID, a string
      await w.moto.boto(
        [
          'd = boto3.client("dynamodb", **kw)',
          `d.create_table(TableName=${JSON.stringify(LOCK_TABLE)}, KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")`,
          'print("{}")',
        ].join('\n'),
      );
    }
    w.writeConfig(CONFIG);
    w.extraEnv = backendEnv(w.moto.url);
  });

  afterAll(async () => {
    await w?.close(failed && process.env.NSBRIDGE_E2E_KEEP !== '0' ? true : undefined);
  });

  const stateObjects = () =>
    w.moto.boto<{ keys: string[]; state: { serial: number; lineage: string; resources: { type: string; name: string }[] } | null }>(
      [
        'from botocore.config import Config',
        's3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **kw)',
        `keys = [o["Key"] for o in s3.list_objects_v2(Bucket=${JSON.stringify(BUCKET)}).get("Contents", [])]`,
        'state = None',
        `if ${JSON.stringify(KEY)} in keys: state = json.loads(s3.get_object(Bucket=${JSON.stringify(BUCKET)}, Key=${JSON.stringify(KEY)})["Body"].read())`,
        'print(json.dumps({"keys": keys, "state": state}))',
      ].join('\n'),
    );

  /** LockID of every item in the DynamoDB lock table (none under the lock file). */
  const lockItems = async () =>
    LOCK === 'lockfile'
      ? []
      : (await w.moto.boto<string[]>([`items = boto3.client("dynamodb", **kw).scan(TableName=${JSON.stringify(LOCK_TABLE)})["Items"]`, 'print(json.dumps(sorted(i["LockID"]["S"] for i in items)))'].join('\n')));

  const check = async (runs: RunResult[]) => {
    // one zone for the domain, whatever the interleaving
    const zones = await w.moto.boto<string[]>(
      ['c = boto3.client("route53", **kw)', 'print(json.dumps([z["Name"] for z in c.list_hosted_zones()["HostedZones"]]))'].join('\n'),
    );
    expect(zones).toEqual(['nsb-s3.com.']);
    expect(sortedNs(w.godaddy.nameServersOf('nsb-s3.com'))).toEqual(sortedNs(MOTO_NS));
    const { keys, state } = await stateObjects();
    // the lock (object or table item) is gone, the state is whole; the table keeps only the
    // state's digest, which the DynamoDB lock writes next to it
    expect(keys).toEqual([KEY]);
    expect(await lockItems()).toEqual(LOCK === 'lockfile' ? [] : [`${BUCKET}/${KEY}-md5`]);
    expect(state).not.toBeNull();
    expect(state!.resources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws_route53_zone', 'terraform_data']));
    // and agrees with the world: nothing to do
    const d = await w.diff();
    expect({ code: d.code, out: d.code === 0 ? '' : explain(d) }).toEqual({ code: 0, out: '' });
    expect(d.output).toMatch(/No changes/);
    // nsbridge plan reads the zone's real name servers from the S3 state (`tofu show -json` in the
    // stack directory cdktf diff initialised) and finds nothing to do.
    const p = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'nsbridge.js'), 'plan', '--format', 'json', '--expect-no-changes'], { cwd: w.dir, env: w.env(), logFile: w.logFile });
    expect({ code: p.code, err: p.code === 0 ? '' : p.stderr }).toEqual({ code: 0, err: '' });
    const report = JSON.parse(p.stdout);
    expect(report.stateProblems).toEqual([]);
    expect(report.domains).toEqual([
      expect.objectContaining({ domain: 'nsb-s3.com', action: 'none', desired: sortedNs(MOTO_NS), desiredFrom: expect.stringMatching(/^zone nsb-s3\.com\.? \(/) }),
    ]);
    return runs;
  };

  test(`6a. two deploys at once (${LOCK} lock): one holds the lock, the other fails on it; the state is never corrupted`, async () => {
    try {
      const a = w.workDir('job-a');
      const b = w.workDir('job-b');
      const deploy = (cwd: string) => w.cdktf(['deploy', '*', '--auto-approve', '--skip-provider-lock'], 15 * 60_000, cwd);
      const runs = await Promise.all([deploy(a), deploy(b)]);
      const ok = runs.filter((r) => r.code === 0);
      const failedRuns = runs.filter((r) => r.code !== 0);
      expect({ ok: ok.length, out: ok.length >= 1 ? '' : runs.map(explain).join('\n-----\n') }).toEqual({ ok: ok.length, out: '' });
      for (const r of failedRuns) expect(r.output).toMatch(/Error acquiring the state lock|state lock/i);
      // one of them created the zone and delegated the domain; at most one godaddy write set
      await check(runs);
      process.stderr.write(`nsbridge e2e 6a: exits ${runs.map((r) => r.code).join(', ')}, ${runs.map((r) => r.ms).join(' / ')} ms\n`);
    } catch (e) {
      failed = true;
      throw e;
    }
  });

  test(`6b. two deploys at once with -lock-timeout (${LOCK} lock): the second waits for the lock, then finds nothing to do`, async () => {
    try {
      // a change both jobs will want to make: a record in the zone (does not touch the registrar)
      w.writeConfig(CONFIG + '    records:\n      - { name: www, type: A, values: [192.0.2.60] }\n');
      w.extraEnv = { ...w.extraEnv, TF_CLI_ARGS_apply: '-lock-timeout=10m', TF_CLI_ARGS_plan: '-lock-timeout=10m' };
      w.resetLogs();
      const a = w.workDir('job-c');
      const b = w.workDir('job-d');
      const deploy = (cwd: string) => w.cdktf(['deploy', '*', '--auto-approve', '--skip-provider-lock'], 15 * 60_000, cwd);
      const runs = await Promise.all([deploy(a), deploy(b)]);
      for (const r of runs) expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
      // exactly one of them created the record
      const created = runs.filter((r) => /aws_route53_record\.\S+ \([^)]*\): Creation complete/.test(r.output));
      expect(created.length).toBe(1);
      expect(w.godaddy.http.writes()).toBe(0);
      await check(runs);
      process.stderr.write(`nsbridge e2e 6b: ${runs.map((r) => r.ms).join(' / ')} ms\n`);
    } catch (e) {
      failed = true;
      throw e;
    }
  });
});
