import { PolicyRule } from "../rule";

/** Env names that hold secrets by convention. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|SIGNING_?KEY|CREDENTIALS?)$|^(PASSWORD|SECRET)/i;
/** Values that are secrets whatever their name: a URI with a password, a PEM block. */
const SECRET_VALUE = /:\/\/[^/\s:@]+:[^/\s@]+@|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Services, jobs and worker pools (a self-hosted Airflow's components): all take env the same way. */
const RUN_TYPES: readonly string[] = ["google_cloud_run_v2_service", "google_cloud_run_v2_job", "google_cloud_run_v2_worker_pool"];

interface EnvVar {
  name?: string;
  value?: unknown;
}

function containersOf(attributes: Readonly<Record<string, unknown>>, type: string): Record<string, unknown>[] {
  const template = attributes.template as Record<string, unknown> | undefined;
  const inner = type === "google_cloud_run_v2_job" ? (template?.template as Record<string, unknown> | undefined) : template;
  const c = inner?.containers;
  return Array.isArray(c) ? (c as Record<string, unknown>[]) : [];
}

/** Secrets reach containers by Secret Manager reference (`value_source.secret_key_ref`), never as literal env values. */
export const gcpRunLiteralSecrets: PolicyRule = {
  id: "MLOPS-GCP-RUN-LITERAL-SECRETS",
  description: "Cloud Run containers (services, jobs, worker pools) take secrets from Secret Manager references, never as literal env values.",
  maps: ["cdk-nag AwsSolutions-ECS2 (analogue)", "Checkov CKV_SECRET_6"],
  check(resource) {
    if (!RUN_TYPES.includes(resource.type)) return "not-applicable";
    const bad: string[] = [];
    for (const container of containersOf(resource.attributes, resource.type)) {
      const env = Array.isArray(container.env) ? (container.env as EnvVar[]) : [];
      for (const e of env) {
        if (typeof e.value !== "string" || e.value === "") continue;
        if (SECRET_NAME.test(e.name ?? "") || SECRET_VALUE.test(e.value)) bad.push(`${String(container.name ?? "container")}: ${e.name}`);
      }
    }
    return bad.length === 0 ? "compliant" : { status: "non-compliant", detail: `literal value for ${bad.join(", ")}; use value_source.secret_key_ref` };
  },
};
