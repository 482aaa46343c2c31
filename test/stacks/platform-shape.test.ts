/**
 * The three clouds read alike: the prod stacks export the same output names for the shared concepts,
 * and every runtime gives a workload the same container environment names (modules/core/container-contract.ts).
 */
import type { PlatformDataTrigger, PlatformWorkload } from "../../modules/core/contracts";
import { BUCKET_PURPOSES } from "../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../services/catalog";
import { resources, StackJson, synthProject } from "../support/synth";

const built = synthProject({ select: "prod" });
const CLOUDS = ["aws", "azure", "gcp"] as const;
const key = (s: string) => s.replace(/-/g, "_");

/** Env names (plain and secret) of one workload's main container, per cloud. */
function envNames(json: StackJson, cloud: (typeof CLOUDS)[number], service: string): string[] {
  if (cloud === "aws") {
    const task = resources(json, "aws_ecs_task_definition").find((t) => t.family === `mlops-prod-${service}`)!;
    const [c] = JSON.parse(String(task.container_definitions)) as { environment: { name: string }[]; secrets: { name: string }[] }[];
    return [...c.environment, ...c.secrets].map((e) => e.name).sort();
  }
  if (cloud === "azure") {
    const app = [...resources(json, "azurerm_container_app"), ...resources(json, "azurerm_container_app_job")].find((a) => a.name === `mlops-prod-${service}`)!;
    return (app.template as { container: { env: { name: string }[] }[] }).container[0].env.map((e) => e.name).sort();
  }
  const run = [...resources(json, "google_cloud_run_v2_service"), ...resources(json, "google_cloud_run_v2_job")].find((r) => r.name === `mlops-prod-${service}`)!;
  const template = run.template as { containers?: { env: { name: string }[] }[]; template?: { containers: { env: { name: string }[] }[] } };
  return (template.containers ?? template.template!.containers)[0].env.map((e) => e.name).sort();
}

/** The variables only one cloud sets (its SDK's own settings). */
const CLOUD_ONLY: Record<(typeof CLOUDS)[number], string[]> = {
  aws: ["AWS_REGION"],
  azure: ["AZURE_CLIENT_ID", "AZURE_STORAGE_ACCOUNT_URL"],
  gcp: ["GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_REGION"],
};

describe("the three prod stacks share one shape", () => {
  test("GIVEN the prod stacks THEN each exports network_id, a registry per service, a bucket per purpose, the three CI logins and the public URLs", () => {
    const expected = [
      "network_id",
      ...SERVICE_CATALOG.map((s) => `registry_${key(s.name)}`),
      ...BUCKET_PURPOSES.map((p) => `bucket_${key(p)}`),
      "ci_publisher", "ci_builder", "ci_developer",
      "url_model_api", "url_receiver",
    ];
    for (const cloud of CLOUDS) expect({ cloud, missing: expected.filter((o) => !(o in (built.json(`prod-${cloud}`).output ?? {}))) }).toEqual({ cloud, missing: [] });
  });

  test("GIVEN the prod stacks THEN each holds the catalog's workloads and data triggers under the same field names", () => {
    for (const cloud of CLOUDS) {
      const stack = built.stacks.find((s) => s.name === `prod-${cloud}`)!.stack as unknown as { workloads: PlatformWorkload[]; triggers: PlatformDataTrigger[] };
      expect(stack.workloads.map((w) => `${w.name}:${w.kind}`)).toEqual(SERVICE_CATALOG.map((s) => `${s.name}:${s.kind}`));
      expect(stack.triggers.map((t) => ({ jobName: t.jobName, bucket: t.bucket, prefix: t.prefix }))).toEqual(
        SERVICE_CATALOG.filter((s) => s.trigger).map((s) => ({ jobName: s.name, bucket: s.trigger!.bucket, prefix: s.trigger!.prefix })),
      );
      expect(stack.workloads.filter((w) => w.publicUrl).map((w) => w.name).sort()).toEqual(SERVICE_CATALOG.filter((s) => s.ingress === "public" && s.kind === "service").map((s) => s.name).sort());
    }
  });

  test("GIVEN the prod stacks THEN internal services get no public URL output anywhere", () => {
    for (const cloud of CLOUDS) expect(built.json(`prod-${cloud}`).output).not.toHaveProperty("url_mlflow");
  });

  /** Per workload, the names only one cloud's runtime needs (how it starts a job or takes its event). */
  const WORKLOAD_ONLY: Record<string, Partial<Record<(typeof CLOUDS)[number], string[]>>> = {
    "model-api": { aws: ["JOB_CLUSTER", "JOB_SECURITY_GROUPS", "JOB_SUBNETS"] },
    transform: { azure: ["EVENT_QUEUE_URL"] },
  };
  /** Cloud variables a workload does not read (modules/core/container-contract.ts CLOUD_ENV_UNREAD). */
  const UNREAD: Record<string, string[]> = { mlflow: ["GOOGLE_CLOUD_REGION"] };

  test.each(SERVICE_CATALOG.map((s) => s.name))("GIVEN %s THEN every runtime sets the same contract variables, plus only its cloud's own", (service) => {
    // DB_PASSWORD is absent with IAM database auth (Google's Cloud SQL proxy): compared apart below.
    const only = (cloud: (typeof CLOUDS)[number]) => [...CLOUD_ONLY[cloud], ...(WORKLOAD_ONLY[service]?.[cloud] ?? [])];
    const neutral = CLOUDS.map((cloud) => envNames(built.json(`prod-${cloud}`), cloud, service).filter((n) => !only(cloud).includes(n) && n !== "DB_PASSWORD"));
    expect(neutral[1]).toEqual(neutral[0]);
    expect(neutral[2]).toEqual(neutral[0]);
    const usesPassword = CLOUDS.map((cloud) => envNames(built.json(`prod-${cloud}`), cloud, service).includes("DB_PASSWORD"));
    const usesDatabase = SERVICE_CATALOG.find((s) => s.name === service)!.usesDatabase === true;
    expect(usesPassword).toEqual([usesDatabase, usesDatabase, false]);
    for (const cloud of CLOUDS) {
      expect(envNames(built.json(`prod-${cloud}`), cloud, service)).toEqual(expect.arrayContaining(only(cloud).filter((n) => !(UNREAD[service] ?? []).includes(n))));
    }
  });
});
