/**
 * Orderings a first apply on a fresh Google project needs (issue 15 item 3), asserted on the
 * synthesized JSON of dev-gcp and prod-gcp: walk references (`${type.name.attr}`) and depends_on
 * from a resource and check what it does and does not wait for. The facts behind each ordering are
 * in the module comments (provider files at google v6.50.0).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { buildPlatformApp } from "../../stacks/platform-app";
import { sharedSynth } from "../support/shared-synth";
import { ROOT, StackJson } from "../support/stack-json";

let dev: StackJson;
let prod: StackJson;
/** dev-gcp with a catalog whose model API reads a secret (no shipped workload reads one of its own today). */
let devWithSecret: StackJson;
const SECRET = "model-api-signing-key";

beforeAll(() => {
  const built = sharedSynth();
  dev = built.json("dev-gcp");
  prod = built.json("prod-gcp");
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  const environments = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" }).map((e) => ({ ...e, config: { ...e.config, clouds: { gcp: e.config.clouds.gcp } } }));
  const catalog = SERVICE_CATALOG.map((s) => (s.name === "model-api" ? { ...s, secrets: [SECRET] } : s));
  const withSecret = buildPlatformApp({ outdir, environments, catalog, deploymentsDir: fs.mkdtempSync(path.join(os.tmpdir(), "deployments-")), root: ROOT });
  withSecret.app.synth();
  devWithSecret = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev-gcp", "cdk.tf.json"), "utf8")) as StackJson;
});

type Body = Record<string, unknown> & { "//"?: { metadata?: { path?: string } }; depends_on?: string[] };

function body(json: StackJson, address: string): Body {
  const [type, name] = address.split(".");
  const b = (json.resource?.[type] as Record<string, Body> | undefined)?.[name];
  if (!b) throw new Error(`no resource ${address}`);
  return b;
}

/** Addresses this resource names directly: references in attributes and depends_on. */
function direct(json: StackJson, address: string): string[] {
  const b = body(json, address);
  const { "//": _meta, depends_on, ...attributes } = b;
  // `$${` is a literal (a Workflows expression), not a reference; data sources and ephemerals are not ordered here.
  const refs = [...JSON.stringify(attributes).matchAll(/(?<!\$)\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)].map((m) => m[1]).filter((a) => !a.startsWith("data.") && !a.startsWith("ephemeral."));
  return [...new Set([...refs, ...(depends_on ?? []).filter((d) => !d.startsWith("data."))])];
}

/** Every resource address `address` waits for, transitively. */
function upstream(json: StackJson, address: string): Set<string> {
  const seen = new Set<string>();
  const todo = [address];
  while (todo.length) {
    for (const next of direct(json, todo.pop()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

/** The address of the one resource of `type` whose construct path contains `pathPart`. */
function addressAt(json: StackJson, type: string, pathPart: string): string {
  const hits = Object.entries((json.resource?.[type] ?? {}) as Record<string, Body>).filter(([, b]) => String(b["//"]?.metadata?.path).includes(pathPart));
  if (hits.length !== 1) throw new Error(`expected one ${type} at ${pathPart}, found ${hits.length}`);
  return `${type}.${hits[0][0]}`;
}

const addressesOf = (json: StackJson, type: string) => Object.keys(json.resource?.[type] ?? {}).map((n) => `${type}.${n}`);

describe.each([
  ["dev", () => dev],
  ["prod", () => prod],
])("%s-gcp", (_env, json) => {
  test("THEN MLflow's Cloud Run service comes after the Cloud SQL instance, its database and MLflow's IAM user", () => {
    const up = upstream(json(), addressAt(json(), "google_cloud_run_v2_service", "run-mlflow/service"));
    expect([...up]).toEqual(expect.arrayContaining([
      addressAt(json(), "google_sql_database_instance", "database/instance"),
      addressAt(json(), "google_sql_database", "database/database"),
      addressAt(json(), "google_sql_user", "database/iam-"),
    ]));
  });

  test("THEN no shipped workload reads a secret of its own: only day 0's migration job reads one, and waits for its first version", () => {
    // The postgres password of modules/gcp/database-migration-job.ts, generated write-only.
    expect(addressesOf(json(), "google_secret_manager_secret")).toEqual([expect.stringMatching(/^google_secret_manager_secret\.secrets_mlflow-db-admin_/)]);
    const [version] = addressesOf(json(), "google_secret_manager_secret_version");
    expect(addressesOf(json(), "google_secret_manager_secret_version")).toEqual([expect.stringMatching(/^google_secret_manager_secret_version\.secrets_mlflow-db-admin-first_/)]);
    for (const type of ["google_cloud_run_v2_service", "google_cloud_run_v2_job"]) {
      for (const w of addressesOf(json(), type)) {
        if (/\.db-migrate_/.test(w)) expect(upstream(json(), w).has(version)).toBe(true);
        else expect(JSON.stringify(body(json(), w).template)).not.toContain("secret_key_ref");
      }
    }
  });

  test("THEN the Eventarc trigger comes after its account's grants, the job grant and the pause for Eventarc's agent", () => {
    const trigger = addressAt(json(), "google_eventarc_trigger", "trigger-transform/trigger");
    const up = upstream(json(), trigger);
    for (const role of ["eventreceiver", "invoker", "logwriter"]) {
      expect(up.has(addressAt(json(), "google_project_iam_member", `trigger-transform/${role}`))).toBe(true);
    }
    expect(up.has(addressAt(json(), "google_cloud_run_v2_job_iam_member", "trigger-transform/runs-job"))).toBe(true);
    expect(body(json(), trigger).depends_on).toContain("time_sleep.eventarc_service_agent");
    // The pause starts after the API (whose enablement creates the agent) and lasts a minute.
    const sleep = body(json(), "time_sleep.eventarc_service_agent");
    expect(sleep).toMatchObject({ create_duration: "60s" });
    expect(sleep.depends_on).toEqual([expect.stringMatching(/^google_project_service\.apis_eventarc_/)]);
  });

  test("THEN the workflow's first execution has its grants, and Workflow Executions is enabled", () => {
    const up = upstream(json(), addressAt(json(), "google_workflows_workflow", "trigger-transform/workflow"));
    expect(up.has(addressAt(json(), "google_cloud_run_v2_job_iam_member", "trigger-transform/runs-job"))).toBe(true);
    expect(up.has(addressAt(json(), "google_project_iam_member", "trigger-transform/logwriter"))).toBe(true);
    expect(Object.values(json().resource?.google_project_service ?? {}).map((s) => (s as Body).service)).toContain("workflowexecutions.googleapis.com");
  });

  test("THEN the Cloud SQL proxy sidecar sets cpu_idle like the app container", () => {
    const mlflow = body(json(), addressAt(json(), "google_cloud_run_v2_service", "run-mlflow/service")) as { template: { containers: { name: string; resources: { cpu_idle?: boolean } }[] } };
    const [app, proxy] = mlflow.template.containers;
    expect(proxy.name).toBe("cloud-sql-proxy");
    expect(proxy.resources.cpu_idle).toBe(true);
    expect(app.resources.cpu_idle).toBe(true);
  });
});

describe("dev-gcp with a workload that reads a secret", () => {
  test("THEN the model API comes after the generated first version of the secret it reads, and reads that secret by reference", () => {
    const api = addressAt(devWithSecret, "google_cloud_run_v2_service", "run-model-api/service");
    const version = addressAt(devWithSecret, "google_secret_manager_secret_version", `secrets/${SECRET}-first`);
    expect(body(devWithSecret, version)).toMatchObject({ secret_data_wo: expect.stringMatching(/^\$\{ephemeral\.random_password\./), secret_data_wo_version: 1 });
    expect(upstream(devWithSecret, api).has(version)).toBe(true);
    const secret = addressAt(devWithSecret, "google_secret_manager_secret", `secrets/${SECRET}`);
    expect(JSON.stringify(body(devWithSecret, api).template)).toContain(`\${${secret}.`);
  });

  test("THEN workloads that read no secret do not wait for it", () => {
    const version = addressAt(devWithSecret, "google_secret_manager_secret_version", `secrets/${SECRET}-first`);
    for (const w of addressesOf(devWithSecret, "google_cloud_run_v2_service").filter((a) => !a.includes("model-api"))) expect(upstream(devWithSecret, w).has(version)).toBe(false);
  });
});

describe("prod-gcp (CMEK)", () => {
  const grant = (user: string) => addressAt(prod, "google_kms_crypto_key_iam_member", `encryption-key/use-${user}`);

  test("THEN every bucket waits only for the storage agent's key grant and its propagation, never for Artifact Registry's", () => {
    for (const bucket of addressesOf(prod, "google_storage_bucket")) {
      const up = upstream(prod, bucket);
      expect(up.has(grant("storage"))).toBe(true);
      expect(up.has("time_sleep.kms_grant_storage")).toBe(true);
      expect(up.has(grant("artifact-registry"))).toBe(false);
      expect(up.has(grant("pubsub"))).toBe(false);
    }
  });

  test("THEN the registry waits for its agent's key grant and a pause, and only the registry waits for that grant (no deadlock)", () => {
    const registry = addressAt(prod, "google_artifact_registry_repository", "registry/repository");
    expect(upstream(prod, registry).has("time_sleep.kms_grant_artifact_registry")).toBe(true);
    expect(body(prod, "time_sleep.kms_grant_artifact_registry")).toMatchObject({ create_duration: "60s", depends_on: [grant("artifact-registry")] });
    const waiting = Object.entries(prod.resource ?? {})
      .flatMap(([type, byName]) => Object.keys(byName as object).map((n) => `${type}.${n}`))
      .filter((a) => a !== "time_sleep.kms_grant_artifact_registry" && upstream(prod, a).has(grant("artifact-registry")));
    // The registry and what is built on it (its IAM members, the workloads pulling from it, Composer, which
    // names the jobs it starts); no bucket, key or API.
    expect(waiting).toContain(registry);
    for (const a of waiting) expect(a).toMatch(/^google_(artifact_registry_repository|artifact_registry_repository_iam_member|cloud_run_v2_(service|job)(_iam_member)?|eventarc_trigger|workflows_workflow|monitoring_[a-z_]+|cloud_run_v2_job_iam_member|composer_environment)\./);
    // The grant itself waits for nothing that needs the registry to exist first.
    expect([...upstream(prod, grant("artifact-registry"))].filter((a) => a.startsWith("google_artifact_registry"))).toEqual([]);
  });

  test("THEN the topic is encrypted with the key after the Pub/Sub agent's grant and a pause", () => {
    const topic = addressAt(prod, "google_pubsub_topic", "trigger-transform/topic");
    expect(String(body(prod, topic).kms_key_name)).toMatch(/^\$\{google_kms_crypto_key\./);
    expect(upstream(prod, topic).has("time_sleep.kms_grant_pubsub")).toBe(true);
    expect(upstream(prod, topic).has(grant("pubsub"))).toBe(true);
  });

  test("THEN the time provider is pinned", () => {
    expect((prod as { terraform?: { required_providers?: Record<string, unknown> } }).terraform?.required_providers?.time).toEqual({ source: "hashicorp/time", version: "~> 0.13" });
  });
});

test("dev-gcp (Google-managed keys) has no key, no key pause and an unencrypted topic", () => {
  expect(dev.resource?.google_kms_crypto_key).toBeUndefined();
  expect(Object.keys(dev.resource?.time_sleep ?? {})).toEqual(["eventarc_service_agent"]);
  expect(body(dev, addressAt(dev, "google_pubsub_topic", "trigger-transform/topic")).kms_key_name).toBeUndefined();
});
