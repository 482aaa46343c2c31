/**
 * Mirrors an environment's promoted DAG set, `deployments/<env>/dags/`, into the DAG store of one deployed stack,
 * deletions included: afterwards the store's DAG prefix holds exactly the folder's files. Nothing outside the
 * prefix is listed, written or deleted.
 *
 *   terraform -chdir=cdktf.out/stacks/dev-aws output -json > outputs.json
 *   npx tsx scripts/mirror-dags.ts --env dev --outputs outputs.json [--source deployments/dev/dags] [--dry-run]
 *
 * It reads ONE terraform output of the stack, the same name on every cloud:
 *   airflow_dag_store   where the environment's Airflow reads its DAGs, as a URL:
 *     s3://<bucket>/<prefix>/                                   MWAA (prefix = the environment's dag_s3_path, `dags/`)
 *     gs://<bucket>/dags/                                       Cloud Composer (its `dag_gcs_prefix`)
 *     https://<account>.blob.core.windows.net/<container>/<prefix>/   a blob container (self-hosted Airflow)
 *     https://<account>.file.core.windows.net/<share>/<prefix>/       an Azure Files share (Container Apps mounts)
 * A bucket URL needs a prefix (MWAA and Composer keep other files beside dags/); a blob container or file share
 * may be the DAG folder itself. A stack without that output runs no Airflow: the script says so and does nothing.
 *
 * How each store is written, with the deploy job's builder identity:
 *   S3: S3's REST API signed here (SigV4), credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *       AWS_SESSION_TOKEN, region from AWS_REGION (or --region); AWS_ENDPOINT_URL_S3 for another S3 server.
 *   Azure Blob: Blob REST API with an Entra ID token (`az account get-access-token --resource
 *       https://storage.azure.com/`; the builder needs Storage Blob Data Contributor on the container), or
 *       AZURE_STORAGE_KEY (shared key, for Azurite); AZURE_STORAGE_BLOB_ENDPOINT for another Blob endpoint.
 *   Azure Files: `azcopy sync --delete-destination=true` with the Azure CLI's login (AZCOPY_AUTO_LOGIN_TYPE=AZCLI;
 *       the builder needs Storage File Data Privileged Contributor).
 *   GCS: `gcloud storage rsync --recursive --delete-unmatched-destination-objects` (the job's gcloud login).
 * A file is uploaded only when its content differs (MD5, or the SHA-256 kept in S3 metadata when the ETag is not
 * an MD5, as with SSE-KMS); so an unchanged DAG is never rewritten and Airflow does not re-parse it for nothing.
 * A missing source folder is an empty DAG set (git keeps no empty folder: a promotion that retired every DAG
 * leaves none), so every DAG under the prefix is deleted.
 * Exit codes: 0 mirrored (or no Airflow), 1 the store failed, 2 bad input (command line, outputs file, URL).
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AzureBlobStore } from "./dag-store/azure-blob-store";
import { DagStore, LocalDag } from "./dag-store/dag-store";
import { S3Store } from "./dag-store/s3-store";

/** The stack output the mirror reads. */
export const DAG_STORE_OUTPUT = "airflow_dag_store";

/** A parsed `airflow_dag_store` URL. The prefix is "" or ends with "/". */
export type DagStoreTarget =
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
  | { readonly kind: "gcs"; readonly bucket: string; readonly prefix: string }
  | { readonly kind: "azure-blob"; readonly account: string; readonly container: string; readonly prefix: string }
  | { readonly kind: "azure-file"; readonly account: string; readonly share: string; readonly prefix: string };

/** Bad input: exit 2, nothing touched. */
export class MirrorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MirrorInputError";
  }
}

/** Parses the output's URL; a prefix without a trailing slash gets one (a prefix names a folder). */
export function parseDagStore(url: string): DagStoreTarget {
  const bad = (why: string) =>
    new MirrorInputError(
      `${DAG_STORE_OUTPUT}: expected s3://<bucket>/<prefix>/, gs://<bucket>/<prefix>/, https://<account>.blob.core.windows.net/<container>/<prefix>/ or https://<account>.file.core.windows.net/<share>/<prefix>/, found ${JSON.stringify(url)} (${why})`,
    );
  const folder = (p: string) => {
    const clean = p.replace(/^\/+/, "");
    if (clean.split("/").some((s) => s === "." || s === "..")) throw bad("a prefix with . or .. segments");
    return clean === "" || clean.endsWith("/") ? clean : `${clean}/`;
  };
  let m = /^(s3|gs):\/\/([^/]*)(\/.*)?$/.exec(url);
  if (m) {
    if (!/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(m[2])) throw bad(`bucket ${JSON.stringify(m[2])} is not a valid bucket name`);
    const prefix = folder(m[3] ?? "");
    // MWAA keeps requirements and plugins beside dags/, Composer data/ and plugins/: a whole bucket is never a DAG folder.
    if (prefix === "") throw bad("a bucket without a DAG prefix: mirroring it would delete everything else in the bucket");
    return { kind: m[1] === "s3" ? "s3" : "gcs", bucket: m[2], prefix };
  }
  m = /^https:\/\/([a-z0-9]{3,24})\.(blob|file)\.core\.windows\.net\/([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)(\/.*)?$/.exec(url);
  if (m) {
    const prefix = folder(m[4] ?? "");
    return m[2] === "blob" ? { kind: "azure-blob", account: m[1], container: m[3], prefix } : { kind: "azure-file", account: m[1], share: m[3], prefix };
  }
  throw bad(/^[a-z0-9]+:\/\//.test(url) ? "an unknown kind of store" : "not a URL");
}

/** The `airflow_dag_store` URL from `terraform output -json`; undefined when the stack has no such output. */
export function dagStoreFromOutputs(json: string, file: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new MirrorInputError(`${file}: expected the JSON of \`terraform output -json\`, found invalid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new MirrorInputError(`${file}: expected the JSON object of \`terraform output -json\`, found ${Array.isArray(doc) ? "an array" : typeof doc}`);
  }
  const out = (doc as Record<string, unknown>)[DAG_STORE_OUTPUT];
  if (out === undefined) return undefined;
  const value = typeof out === "object" && out !== null && "value" in out ? (out as { value: unknown }).value : undefined;
  if (typeof value !== "string" || value === "") {
    throw new MirrorInputError(`${file}: ${DAG_STORE_OUTPUT}.value: expected the DAG store URL (a string), found ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The files of the DAG folder by path (`/`-separated, relative); a missing folder is an empty set. Links are
 * refused; `__pycache__`, `*.pyc` and `.DS_Store` are not part of a DAG set.
 */
export function readDagFolder(dir: string): Map<string, LocalDag> {
  const out = new Map<string, LocalDag>();
  if (!fs.existsSync(dir)) return out;
  if (!fs.lstatSync(dir).isDirectory()) throw new MirrorInputError(`${dir}: expected a folder of DAG files, found a ${fs.lstatSync(dir).isSymbolicLink() ? "symbolic link" : "file"}`);
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      // Build output, as the promoter skips it (gitops/source.ts); remote copies of it are deleted.
      if (e.name === "__pycache__" || e.name === ".DS_Store" || e.name.endsWith(".pyc")) continue;
      if (e.isSymbolicLink()) throw new MirrorInputError(`${full}: expected a regular file, found a symbolic link (never followed)`);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.set(path.relative(dir, full).split(path.sep).join("/"), localDag(fs.readFileSync(full)));
    }
  };
  walk(dir);
  return out;
}

/** Content and digests of one file. */
export function localDag(body: Buffer): LocalDag {
  return { body, md5: createHash("md5").update(body).digest("hex"), sha256: createHash("sha256").update(body).digest("hex") };
}

/** What a mirror did (or, dry, would do), keys relative to the prefix. */
export interface MirrorResult {
  readonly uploaded: string[];
  readonly deleted: string[];
  readonly unchanged: string[];
}

/**
 * Makes `prefix` of `store` hold exactly `files`: uploads new and changed files, deletes keys the folder lacks.
 * Uploads come before deletions, so a DAG moved to another file is never missing in between.
 */
export async function mirror(store: DagStore, prefix: string, files: ReadonlyMap<string, LocalDag>, opts: { dryRun?: boolean; concurrency?: number } = {}): Promise<MirrorResult> {
  if (prefix !== "" && !prefix.endsWith("/")) throw new Error(`internal: prefix ${JSON.stringify(prefix)} must end with /`);
  const remote = new Map((await store.list(prefix)).filter((o) => o.key.startsWith(prefix)).map((o) => [o.key.slice(prefix.length), o]));
  const uploaded: string[] = [];
  const unchanged: string[] = [];
  await pool([...files.keys()].sort(), opts.concurrency ?? 8, async (rel) => {
    const local = files.get(rel) as LocalDag;
    const have = remote.get(rel);
    if (have && (await store.holds(have, local))) {
      unchanged.push(rel);
      return;
    }
    uploaded.push(rel);
    if (!opts.dryRun) await store.put(prefix + rel, local);
  });
  const deleted = [...remote.keys()].filter((rel) => !files.has(rel)).sort();
  if (!opts.dryRun) await pool(deleted, opts.concurrency ?? 8, (rel) => store.delete(prefix + rel));
  return { uploaded: uploaded.sort(), deleted, unchanged: unchanged.sort() };
}

async function pool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** The command that mirrors into a store the script does not write itself (GCS, Azure Files). */
export function cliMirrorCommand(target: DagStoreTarget, source: string, dryRun: boolean): { command: string; args: string[]; env: Record<string, string> } | undefined {
  // A trailing slash on the source: its contents, not the folder itself.
  const src = source.endsWith("/") ? source : `${source}/`;
  if (target.kind === "gcs") {
    const args = ["storage", "rsync", "--recursive", "--delete-unmatched-destination-objects", "--checksums-only", src, `gs://${target.bucket}/${target.prefix}`];
    if (dryRun) args.splice(2, 0, "--dry-run");
    return { command: "gcloud", args, env: {} };
  }
  if (target.kind === "azure-file") {
    const args = ["sync", src, `https://${target.account}.file.core.windows.net/${target.share}/${target.prefix}`, "--recursive", "--delete-destination=true", "--compare-hash=MD5", "--put-md5"];
    if (dryRun) args.push("--dry-run");
    return { command: "azcopy", args, env: { AZCOPY_AUTO_LOGIN_TYPE: "AZCLI" } };
  }
  return undefined;
}

/** The store object for the kinds written here, configured from the environment. */
export function storeFor(target: DagStoreTarget, env: NodeJS.ProcessEnv, region?: string): DagStore {
  if (target.kind === "s3") {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    const r = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!accessKeyId || !secretAccessKey) throw new MirrorInputError("S3: expected AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (aws-actions/configure-aws-credentials sets them), found none");
    if (!r) throw new MirrorInputError("S3: expected a region (--region or AWS_REGION), found none");
    return new S3Store({ bucket: target.bucket, region: r, credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN }, endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL });
  }
  if (target.kind === "azure-blob") {
    const key = env.AZURE_STORAGE_KEY;
    const auth = key ? ({ kind: "shared-key", accountKey: key } as const) : ({ kind: "bearer", token: cachedToken(azStorageToken) } as const);
    return new AzureBlobStore({ account: target.account, container: target.container, auth, endpoint: env.AZURE_STORAGE_BLOB_ENDPOINT });
  }
  throw new Error(`internal: ${target.kind} is mirrored by its CLI`);
}

/** An Entra ID token for Azure Storage from the Azure CLI's login (azure/login in the workflow). */
function azStorageToken(): string {
  return execFileSync("az", ["account", "get-access-token", "--resource", "https://storage.azure.com/", "--query", "accessToken", "--output", "tsv"], { encoding: "utf8" }).trim();
}

/** `fetch` once, reuse for 30 minutes (az hands out tokens valid for an hour or more): one az call per mirror, not per request. */
export function cachedToken(fetchToken: () => string, now: () => number = Date.now): () => Promise<string> {
  let token: string | undefined;
  let at = 0;
  return async () => {
    if (token === undefined || now() - at > 30 * 60 * 1000) {
      token = fetchToken();
      at = now();
    }
    return token;
  };
}

/** Command line: exit code, messages to the given writers. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  try {
    const args = parseArgs(argv);
    const url = dagStoreFromOutputs(readFile(args.outputs), args.outputs);
    if (url === undefined) {
      out(`no ${DAG_STORE_OUTPUT} output in ${args.outputs}: this stack runs no Airflow, nothing to mirror`);
      return 0;
    }
    const target = parseDagStore(url);
    const source = args.source ?? path.join("deployments", args.env, "dags");
    const files = readDagFolder(source);
    const cli = cliMirrorCommand(target, source, args.dryRun);
    if (cli) {
      if (!fs.existsSync(source)) fs.mkdirSync(source, { recursive: true }); // an empty set still deletes
      out(`mirroring ${files.size} files of ${source} to ${url}: ${cli.command} ${cli.args.join(" ")}`);
      execFileSync(cli.command, cli.args, { stdio: "inherit", env: { ...env, ...cli.env } });
      return 0;
    }
    const store = storeFor(target, env, args.region);
    const r = await mirror(store, target.prefix, files, { dryRun: args.dryRun });
    const verb = args.dryRun ? "would upload" : "uploaded";
    out(`${source} -> ${url}: ${verb} ${r.uploaded.length}, ${args.dryRun ? "would delete" : "deleted"} ${r.deleted.length}, unchanged ${r.unchanged.length}`);
    for (const f of r.uploaded) out(`  + ${f}`);
    for (const f of r.deleted) out(`  - ${f}`);
    return 0;
  } catch (e) {
    err(`mirror-dags: ${(e as Error).message}`);
    return e instanceof MirrorInputError ? 2 : 1;
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new MirrorInputError(`${file}: expected the output of \`terraform output -json\`, found ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

interface Args {
  readonly env: string;
  readonly outputs: string;
  readonly source?: string;
  readonly region?: string;
  readonly dryRun: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const values: Record<string, string> = {};
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dry-run") dryRun = true;
    else if (["--env", "--outputs", "--source", "--region"].includes(a) && i + 1 < argv.length) values[a.slice(2)] = argv[++i];
    else throw new MirrorInputError(`command line: expected --env <env> --outputs <file> [--source <folder>] [--region <region>] [--dry-run], found ${JSON.stringify(a)}`);
  }
  if (!values.env || !/^[a-z][a-z0-9-]*$/.test(values.env)) throw new MirrorInputError(`command line: --env: expected an environment name like dev, found ${JSON.stringify(values.env ?? "nothing")}`);
  if (!values.outputs) throw new MirrorInputError("command line: --outputs: expected the file `terraform output -json` wrote, found nothing");
  return { env: values.env, outputs: values.outputs, source: values.source, region: values.region, dryRun };
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => process.exit(code));
}
