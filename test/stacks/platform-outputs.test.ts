/**
 * One output vocabulary (issue 14 item 2, modules/core/outputs.ts): the three prod stacks export the
 * same names for the same concepts, and the names each cloud used before the vocabulary are gone.
 * Reads the project's shared synthesis (JSON only, no construct tree).
 */
import { BUCKET_PURPOSES } from "../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../services/catalog";
import { SharedCloud, sharedSynth } from "../support/shared-synth";

const CLOUDS: readonly SharedCloud[] = ["aws", "azure", "gcp"];
const key = (s: string) => s.replace(/-/g, "_");
const outputsOf = (cloud: SharedCloud): string[] => Object.keys(sharedSynth().json(`prod-${cloud}`).output ?? {}).sort();

/** Every name a shared concept has on every cloud's prod stack (prod has a database and Airflow on all three). */
const SHARED = [
  "network_id",
  ...SERVICE_CATALOG.map((s) => `registry_${key(s.name)}`),
  ...BUCKET_PURPOSES.map((p) => `bucket_${key(p)}`),
  ...SERVICE_CATALOG.filter((s) => s.kind === "service" && s.ingress === "public").map((s) => `url_${key(s.name)}`),
  "ci_publisher", "ci_builder", "ci_developer",
  "database_endpoint", "database_migration_job",
  "console_dashboard", "console_alerting", "console_network", "console_runtime", "console_registry", "console_storage", "console_database",
  ...SERVICE_CATALOG.map((s) => `console_logs_${key(s.name)}`),
  "console_airflow", "console_airflow_2", "airflow_dag_store", "airflow_identity",
];

/** The names the clouds used for those concepts before (CHANGELOG.md lists the renames). */
const SYNONYMS = [
  /^console_vpc$/, /^console_monitoring_dashboards$/, /^console_application_insights$/, /^console_cloud_sql$/, /^console_cloud_run$/,
  /^console_ecs_cluster$/, /^console_artifact_registry$/, /^console_cloud_storage$/, /^console_app_/, /^console_job_/, /^console_.+_logs$/,
  /^database_connection_name$/, /^vpc_id$/, /^vnet_id$/, /^endpoint_/, /^bucket_names$/,
];

/**
 * What only one cloud exports, each because the others have no such concept: AWS's API Gateway and
 * Cognito edge (Azure and Google expose each runtime's own front end, README "Ingress") and the
 * ECS task's network for the migration; Azure's resource group, login server, storage account, vault
 * and azure/login's tenant and subscription; Google's workload subnet and the auth action's provider.
 */
const CLOUD_ONLY: Record<SharedCloud, readonly string[]> = {
  aws: ["url_api", "user_pool_id", "user_pool_client_id", "database_migration_cluster", "database_migration_subnets", "database_migration_security_group"],
  azure: ["resource_group", "registry_login_server", "storage_account", "key_vault_uri", "ci_tenant_id", "ci_subscription_id", "console_resource_group", "console_log_analytics_workspace"],
  gcp: ["subnet_id", "ci_workload_identity_provider", "console_uptime_checks"],
};

describe("the three prod stacks export one output vocabulary", () => {
  test.each(CLOUDS)("GIVEN prod-%s THEN every shared name is exported", (cloud) => {
    expect({ cloud, missing: SHARED.filter((o) => !outputsOf(cloud).includes(o)) }).toEqual({ cloud, missing: [] });
  });

  test.each(CLOUDS)("GIVEN prod-%s THEN no name of a cloud's own vocabulary from before remains", (cloud) => {
    expect({ cloud, synonyms: outputsOf(cloud).filter((o) => SYNONYMS.some((s) => s.test(o))) }).toEqual({ cloud, synonyms: [] });
  });

  test.each(CLOUDS)("GIVEN prod-%s THEN every output beyond the shared names is one of the cloud's own, listed with its reason", (cloud) => {
    expect(outputsOf(cloud).filter((o) => !SHARED.includes(o))).toEqual([...CLOUD_ONLY[cloud]].sort());
  });

  test("GIVEN the three prod stacks THEN the shared names are the same set on each (a name on one cloud only is in CLOUD_ONLY)", () => {
    const shared = (cloud: SharedCloud) => outputsOf(cloud).filter((o) => !CLOUD_ONLY[cloud].includes(o));
    expect(shared("azure")).toEqual(shared("aws"));
    expect(shared("gcp")).toEqual(shared("aws"));
  });
});
