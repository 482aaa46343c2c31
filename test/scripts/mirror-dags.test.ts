/**
 * scripts/mirror-dags.ts against real local servers: s3rver (S3) and Azurite (Azure Blob). Added, changed and
 * removed DAG files end up mirrored; objects outside the DAG prefix are never touched.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { AzureBlobStore, sharedKeySignature } from "../../scripts/dag-store/azure-blob-store";
import { DagStore } from "../../scripts/dag-store/dag-store";
import { S3Store, signV4 } from "../../scripts/dag-store/s3-store";
import { cachedToken, cliMirrorCommand, dagStoreFromOutputs, localDag, mirror, parseDagStore, readDagFolder, run } from "../../scripts/mirror-dags";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

const ROOT = path.join(__dirname, "../..");
// Azurite's published development account (docs: "Azurite well-known storage account and key"), not a secret.
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-dags-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeTree(dir: string, files: Record<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), c);
  }
}

async function allKeys(store: DagStore): Promise<Record<string, string | undefined>> {
  return Object.fromEntries((await store.list("")).map((o) => [o.key, o.md5]).sort());
}

const md5 = (s: string) => localDag(Buffer.from(s)).md5;

/** The scenario both stores go through: first mirror, then add, change, remove; outside objects stay. */
async function scenario(store: DagStore, prefix: string, seedOutside: (key: string, body: string) => Promise<void>, concurrency?: number): Promise<void> {
  const src = path.join(tmp, `src-${Math.random().toString(36).slice(2)}`);
  // GIVEN objects outside the DAG prefix, one of them with a name that merely starts like the prefix
  const outside = ["requirements.txt", `${prefix.slice(0, -1)}-archive/old.py`, "plugins/plugin.py"];
  for (const k of outside) await seedOutside(k, `outside ${k}`);
  // AND a DAG in the store the folder never had
  await seedOutside(`${prefix}stale.py`, "stale");

  // WHEN the first mirror runs
  writeTree(src, { "transform.py": "t1", "model_check.py": "m1", "mlops_platform/__init__.py": "", "mlops_platform/jobs.py": "j1" });
  let r = await mirror(store, prefix, readDagFolder(src), { concurrency });
  // THEN the prefix holds exactly the folder; the stale DAG is gone
  expect(r).toEqual({ uploaded: ["mlops_platform/__init__.py", "mlops_platform/jobs.py", "model_check.py", "transform.py"], deleted: ["stale.py"], unchanged: [] });

  // WHEN a DAG is added, one changed, one removed (a promotion)
  writeTree(src, { "transform.py": "t2", "mlops_platform/__init__.py": "", "mlops_platform/jobs.py": "j1", "new_dag.py": "n1" });
  r = await mirror(store, prefix, readDagFolder(src), { concurrency });
  expect(r).toEqual({ uploaded: ["new_dag.py", "transform.py"], deleted: ["model_check.py"], unchanged: ["mlops_platform/__init__.py", "mlops_platform/jobs.py"] });

  // THEN the store holds the new set under the prefix, with the new content, and everything outside as it was
  const keys = await allKeys(store);
  expect(keys).toEqual(
    Object.fromEntries(
      [
        ...outside.map((k) => [k, md5(`outside ${k}`)]),
        [`${prefix}mlops_platform/__init__.py`, md5("")],
        [`${prefix}mlops_platform/jobs.py`, md5("j1")],
        [`${prefix}new_dag.py`, md5("n1")],
        [`${prefix}transform.py`, md5("t2")],
      ].sort(),
    ),
  );

  // WHEN nothing changed  THEN nothing is written
  r = await mirror(store, prefix, readDagFolder(src), { concurrency });
  expect(r.uploaded).toEqual([]);
  expect(r.deleted).toEqual([]);

  // WHEN the DAG set is empty (git keeps no empty folder: it is missing)  THEN every DAG goes, the rest stays
  r = await mirror(store, prefix, readDagFolder(path.join(tmp, "no-such-folder")), { concurrency });
  expect(r.deleted).toHaveLength(4);
  expect(Object.keys(await allKeys(store)).sort()).toEqual([...outside].sort());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

describe("S3 (s3rver)", () => {
  let server: InstanceType<typeof S3rver>;
  let endpoint: string;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

  beforeAll(async () => {
    server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: path.join(tmp, "s3"), configureBuckets: [{ name: "mwaa-dags" }] });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.close());

  it("mirrors added, changed and removed DAGs under the prefix only", async () => {
    const store = new S3Store({ bucket: "mwaa-dags", region: "eu-central-1", credentials, endpoint });
    // One request at a time: s3rver's filesystem store removes emptied folders after a deletion and fails
    // (HTTP 500, ENOENT) when two deletions empty the same folder at once; S3 has no folders to race on.
    await scenario(store, "dags/", (k, b) => store.put(k, localDag(Buffer.from(b))), 1);
  });

  it("the CLI reads the stack output and mirrors deployments/<env>/dags/", async () => {
    const outputs = path.join(tmp, "aws-outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ airflow_dag_store: { sensitive: false, type: "string", value: "s3://mwaa-dags/cli/dags" }, vpc_id: { value: "vpc-1" } }));
    const src = path.join(tmp, "cli-src");
    writeTree(src, { "a.py": "a" });
    const lines: string[] = [];
    const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "eu-central-1", AWS_ENDPOINT_URL_S3: endpoint };
    expect(await run(["--env", "dev", "--outputs", outputs, "--source", src, "--dry-run"], env, (s) => lines.push(s))).toBe(0);
    expect(lines[0]).toMatch(/would upload 1, would delete 0/);
    const store = new S3Store({ bucket: "mwaa-dags", region: "eu-central-1", credentials, endpoint });
    expect(await store.list("cli/")).toEqual([]); // dry run wrote nothing
    expect(await run(["--env", "dev", "--outputs", outputs, "--source", src], env, (s) => lines.push(s))).toBe(0);
    expect((await store.list("cli/")).map((o) => o.key)).toEqual(["cli/dags/a.py"]);
  });

  it("lists every page of a prefix (continuation tokens)", async () => {
    // s3rver cannot page here: its continuation tokens use DES, which Node's OpenSSL 3 no longer has (HTTP 500).
    // So a canned server answers as S3 documents ListObjectsV2 pages, and checks the token comes back.
    const seen: string[] = [];
    const pages = [
      `<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>p/a.py</Key><ETag>&quot;${md5("a")}&quot;</ETag></Contents><NextContinuationToken>tok/1+=</NextContinuationToken></ListBucketResult>`,
      `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>p/b&amp;c.py</Key><ETag>&quot;kms-etag&quot;</ETag></Contents></ListBucketResult>`,
    ];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      res.end(pages[seen.length - 1]);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const store = new S3Store({ bucket: "mwaa-dags", region: "eu-central-1", credentials, endpoint: `http://127.0.0.1:${port}`, pageSize: 1 });
      expect(await store.list("p/")).toEqual([
        { key: "p/a.py", etag: md5("a"), md5: md5("a") },
        { key: "p/b&c.py", etag: "kms-etag", md5: undefined },
      ]);
      expect(seen).toEqual(["/mwaa-dags/?list-type=2&max-keys=1&prefix=p%2F", "/mwaa-dags/?continuation-token=tok%2F1%2B%3D&list-type=2&max-keys=1&prefix=p%2F"]);
    } finally {
      server.close();
    }
  });

  it("an unchanged file whose ETag is no MD5 (SSE-KMS) is recognised by its SHA-256 metadata", async () => {
    const store = new S3Store({ bucket: "mwaa-dags", region: "eu-central-1", credentials, endpoint });
    const dag = localDag(Buffer.from("kms"));
    await store.put("kms/a.py", dag);
    const [listed] = await store.list("kms/");
    expect(await store.holds({ ...listed, md5: undefined, etag: "0123-kms-etag" }, dag)).toBe(true);
    expect(await store.holds({ ...listed, md5: undefined }, localDag(Buffer.from("other")))).toBe(false);
  });
});

describe("Azure Blob (Azurite)", () => {
  let proc: ChildProcess;
  let endpoint: string;

  beforeAll(async () => {
    const port = await freePort();
    const bin = path.join(ROOT, "node_modules/.bin/azurite-blob");
    proc = spawn(bin, ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", path.join(tmp, "azurite"), "--silent", "--disableTelemetry"], { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("azurite did not start in 30 s")), 30000);
      proc.stdout?.on("data", (d: Buffer) => {
        if (/successfully listens on/.test(d.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on("exit", (code) => reject(new Error(`azurite exited ${code}`)));
    });
    endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
    // The container, as the stack creates it.
    const headers: Record<string, string> = { "x-ms-date": new Date().toUTCString(), "x-ms-version": "2021-12-02", "content-length": "0" };
    const p = `/${AZURITE_ACCOUNT}/airflow-dags`;
    headers.authorization = `SharedKey ${AZURITE_ACCOUNT}:${sharedKeySignature(AZURITE_ACCOUNT, AZURITE_KEY, "PUT", p, { restype: "container" }, headers)}`;
    const res = await fetch(`http://127.0.0.1:${port}${p}?restype=container`, { method: "PUT", headers });
    expect(res.status).toBe(201);
  });
  afterAll(() => {
    proc?.kill();
  });

  const store = () => new AzureBlobStore({ account: AZURITE_ACCOUNT, container: "airflow-dags", auth: { kind: "shared-key", accountKey: AZURITE_KEY }, endpoint });

  it("mirrors added, changed and removed DAGs under the prefix only", async () => {
    const s = store();
    await scenario(s, "dags/", (k, b) => s.put(k, localDag(Buffer.from(b))));
  });

  it("lists every page of a prefix", async () => {
    const s = new AzureBlobStore({ account: AZURITE_ACCOUNT, container: "airflow-dags", auth: { kind: "shared-key", accountKey: AZURITE_KEY }, endpoint, pageSize: 2 });
    for (const k of ["p/a.py", "p/b.py", "p/c.py", "p/d.py", "p/e.py"]) await s.put(k, localDag(Buffer.from(k)));
    expect((await s.list("p/")).map((o) => o.key)).toEqual(["p/a.py", "p/b.py", "p/c.py", "p/d.py", "p/e.py"]);
  });

  it("a wrong key is refused by Azurite (the signature is really checked)", async () => {
    const wrong = new AzureBlobStore({ account: AZURITE_ACCOUNT, container: "airflow-dags", auth: { kind: "shared-key", accountKey: Buffer.from("x".repeat(64)).toString("base64") }, endpoint });
    await expect(wrong.list("")).rejects.toThrow(/HTTP 403/);
  });

  it("the CLI mirrors into the blob URL of the stack output", async () => {
    const outputs = path.join(tmp, "azure-outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ airflow_dag_store: { value: `https://${AZURITE_ACCOUNT}.blob.core.windows.net/airflow-dags/cli/` } }));
    const src = path.join(tmp, "az-cli-src");
    writeTree(src, { "b.py": "b" });
    const env = { AZURE_STORAGE_KEY: AZURITE_KEY, AZURE_STORAGE_BLOB_ENDPOINT: endpoint };
    expect(await run(["--env", "dev", "--outputs", outputs, "--source", src], env, () => undefined)).toBe(0);
    expect((await store().list("cli/")).map((o) => o.key)).toEqual(["cli/b.py"]);
  });
});

describe("S3 signature", () => {
  it("matches botocore's SigV4 for the same request", () => {
    const py = "/usr/bin/python3";
    let botocore = "";
    try {
      botocore = execFileSync(
        py,
        [
          "-c",
          [
            "from botocore.auth import S3SigV4Auth",
            "from botocore.awsrequest import AWSRequest",
            "from botocore.credentials import Credentials",
            "import datetime, unittest.mock as m",
            "r = AWSRequest(method='PUT', url='https://b.s3.eu-central-1.amazonaws.com/dags/a%20b.py', data=b'x', headers={'content-md5': 'nQ==', 'x-amz-meta-sha256': 'ab'})",
            "a = S3SigV4Auth(Credentials('AKID', 'SECRET', 'TOKEN'), 's3', 'eu-central-1')",
            "fixed = datetime.datetime(2026, 12, 1, 9, 0, 0)",
            "with m.patch('botocore.auth.datetime') as d:",
            "    d.datetime.utcnow.return_value = fixed",
            "    d.datetime.now.return_value = fixed",
            "    a.add_auth(r)",
            "print(r.headers['Authorization'])",
          ].join("\n"),
        ],
        { encoding: "utf8" },
      ).trim();
    } catch (e) {
      process.stdout.write(`skipped botocore comparison: ${(e as Error).message.split("\n")[0]}\n`);
      return;
    }
    const ours = signV4({
      method: "PUT",
      host: "b.s3.eu-central-1.amazonaws.com",
      path: "/dags/a%20b.py",
      query: {},
      headers: { "content-md5": "nQ==", "x-amz-meta-sha256": "ab" },
      body: Buffer.from("x"),
      region: "eu-central-1",
      service: "s3",
      credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN" },
      now: new Date(Date.UTC(2026, 11, 1, 9, 0, 0)),
    });
    expect(ours.authorization).toBe(botocore);
  });
});

describe("targets and input", () => {
  it.each([
    ["s3://mwaa-dev-dags/dags", { kind: "s3", bucket: "mwaa-dev-dags", prefix: "dags/" }],
    ["gs://europe-west3-dev-123-bucket/dags", { kind: "gcs", bucket: "europe-west3-dev-123-bucket", prefix: "dags/" }],
    ["https://mlopsdevdata.blob.core.windows.net/airflow/dags/", { kind: "azure-blob", account: "mlopsdevdata", container: "airflow", prefix: "dags/" }],
    ["https://mlopsdevdata.file.core.windows.net/airflow-dags", { kind: "azure-file", account: "mlopsdevdata", share: "airflow-dags", prefix: "" }],
  ])("%s", (url, expected) => expect(parseDagStore(url)).toEqual(expected));

  it.each([
    ["ftp://x/dags", /an unknown kind of store/],
    ["dags", /not a URL/],
    ["s3://bucket/a/../b", /\. or \.\. segments/],
    ["https://evil.example.com/c/dags", /an unknown kind of store/],
    ["s3://B/dags", /bucket "B" is not a valid bucket name/],
    ["s3://mwaa-bucket", /a bucket without a DAG prefix/],
    ["gs://composer-bucket/", /a bucket without a DAG prefix/],
  ])("rejects %s", (url, why) => expect(() => parseDagStore(url)).toThrow(why));

  it("a stack without the output runs no Airflow: nothing to do, exit 0", async () => {
    const outputs = path.join(tmp, "no-airflow.json");
    fs.writeFileSync(outputs, JSON.stringify({ vpc_id: { value: "vpc-1" } }));
    const lines: string[] = [];
    expect(await run(["--env", "dev", "--outputs", outputs], {}, (s) => lines.push(s))).toBe(0);
    expect(lines).toEqual([`no airflow_dag_store output in ${outputs}: this stack runs no Airflow, nothing to mirror`]);
  });

  it.each([
    [["--env", "dev"], /--outputs: expected the file/],
    [["--env", "Dev!", "--outputs", "x"], /--env: expected an environment name/],
    [["--env", "dev", "--outputs", "/nonexistent/outputs.json"], /found ENOENT/],
  ])("bad command line %j: exit 2", async (argv, message) => {
    const errs: string[] = [];
    expect(await run(argv, {}, () => undefined, (s) => errs.push(s))).toBe(2);
    expect(errs.join("\n")).toMatch(message);
  });

  it("a malformed output value is bad input naming the field", () => {
    expect(() => dagStoreFromOutputs(JSON.stringify({ airflow_dag_store: { value: 3 } }), "o.json")).toThrow("o.json: airflow_dag_store.value: expected the DAG store URL (a string), found 3");
    expect(() => dagStoreFromOutputs("[", "o.json")).toThrow(/o.json: expected the JSON of `terraform output -json`, found invalid JSON/);
  });

  it("missing AWS credentials are bad input, nothing is sent", async () => {
    const outputs = path.join(tmp, "aws-nocreds.json");
    fs.writeFileSync(outputs, JSON.stringify({ airflow_dag_store: { value: "s3://mwaa-b/dags/" } }));
    const errs: string[] = [];
    expect(await run(["--env", "dev", "--outputs", outputs, "--source", tmp], { AWS_REGION: "eu-central-1" }, () => undefined, (s) => errs.push(s))).toBe(2);
    expect(errs[0]).toMatch(/expected AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it("the Azure CLI token is fetched once per mirror, again only after 30 minutes", async () => {
    let calls = 0;
    let clock = 0;
    const token = cachedToken(() => `t${++calls}`, () => clock);
    expect([await token(), await token()]).toEqual(["t1", "t1"]);
    clock = 31 * 60 * 1000;
    expect(await token()).toBe("t2");
  });

  it("build output beside the DAGs is not part of the set", () => {
    const dir = path.join(tmp, "with-pycache");
    writeTree(dir, { "a.py": "a", "__pycache__/a.cpython-311.pyc": "x", "sub/b.pyc": "x", ".DS_Store": "x" });
    expect([...readDagFolder(dir).keys()]).toEqual(["a.py"]);
  });

  it("a symbolic link in the DAG folder is refused, never followed", () => {
    const dir = path.join(tmp, "with-link");
    writeTree(dir, { "a.py": "a" });
    fs.symlinkSync("/etc/hostname", path.join(dir, "b.py"));
    expect(() => readDagFolder(dir)).toThrow(/b\.py: expected a regular file, found a symbolic link/);
  });

  it("GCS and Azure Files are mirrored by their CLIs with deletions, into the prefix only", () => {
    expect(cliMirrorCommand(parseDagStore("gs://bkt/dags"), "deployments/dev/dags", false)).toEqual({
      command: "gcloud",
      args: ["storage", "rsync", "--recursive", "--delete-unmatched-destination-objects", "--checksums-only", "deployments/dev/dags/", "gs://bkt/dags/"],
      env: {},
    });
    expect(cliMirrorCommand(parseDagStore("https://acct.file.core.windows.net/share/dags"), "d", true)).toEqual({
      command: "azcopy",
      args: ["sync", "d/", "https://acct.file.core.windows.net/share/dags/", "--recursive", "--delete-destination=true", "--compare-hash=MD5", "--put-md5", "--dry-run"],
      env: { AZCOPY_AUTO_LOGIN_TYPE: "AZCLI" },
    });
    expect(cliMirrorCommand(parseDagStore("s3://mwaa-b/dags"), "d", false)).toBeUndefined();
  });
});
