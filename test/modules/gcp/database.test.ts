/** Google database: Cloud SQL PostgreSQL 16, private IP only, TLS and connectors required, IAM logins, backups with PITR, protected. */
import { Database, DatabaseProps } from "../../../modules/gcp/database";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const BASE = { naming, projectId: PROJECT.projectId, region: PROJECT.region, networkId: "projects/p/global/networks/n", privateServicesConnection: { fqn: "google_service_networking_connection.x" } };
const accounts = SERVICE_CATALOG.filter((s) => s.usesDatabase).map((s) => `${s.name}@${PROJECT.projectId}.iam.gserviceaccount.com`);
type Settings = Record<string, unknown> & { ip_configuration: Record<string, unknown>; backup_configuration: Record<string, unknown>; database_flags: { name: string; value: string }[] };

describe("Google Database", () => {
  let json: StackJson;
  let ha: StackJson;
  beforeAll(() => {
    const a = gcpTestStack();
    new Database(a, "database", { ...BASE, iamServiceAccounts: accounts, labels: { owner: "ml-platform" } });
    json = synthStack(a);
    const b = gcpTestStack();
    new Database(b, "database", { ...BASE, tier: "large", highAvailability: true, deletionProtection: false, finalSnapshot: false, backupRetentionDays: 1 });
    ha = synthStack(b);
  });
  const instance = (j: StackJson): Record<string, unknown> & { settings: Settings } => resources(j, "google_sql_database_instance")[0] as Record<string, unknown> & { settings: Settings };

  test("GIVEN defaults WHEN synthesized THEN PostgreSQL 16 with no public IP, on the private network, TLS only, connectors required", () => {
    const i = instance(json);
    expect(i).toMatchObject({ database_version: "POSTGRES_16", deletion_protection: true });
    expect(i.settings).toMatchObject({ tier: "db-custom-1-3840", availability_type: "ZONAL", connector_enforcement: "REQUIRED", deletion_protection_enabled: true, retain_backups_on_delete: true });
    expect(i.settings.ip_configuration).toMatchObject({ ipv4_enabled: false, private_network: BASE.networkId, ssl_mode: "ENCRYPTED_ONLY" });
    expect(i.settings.ip_configuration).not.toHaveProperty("authorized_networks");
    expect(i).not.toHaveProperty("root_password");
  });

  test("GIVEN defaults THEN backups are on with 7 kept and point-in-time recovery over 7 days of logs", () => {
    expect(instance(json).settings.backup_configuration).toMatchObject({ enabled: true, point_in_time_recovery_enabled: true, transaction_log_retention_days: 7, backup_retention_settings: { retained_backups: 7, retention_unit: "COUNT" } });
  });

  test("GIVEN IAM authentication THEN the flag is on, the log flags Checkov asks for are set, and no built-in user exists", () => {
    const flags = Object.fromEntries(instance(json).settings.database_flags.map((f) => [f.name, f.value]));
    expect(flags).toMatchObject({ "cloudsql.iam_authentication": "on", log_connections: "on", log_disconnections: "on", log_checkpoints: "on", log_lock_waits: "on", log_min_duration_statement: "-1" });
    const users = resources(json, "google_sql_user");
    expect(users.every((u) => u.type === "CLOUD_IAM_SERVICE_ACCOUNT")).toBe(true);
    expect(users.map((u) => u.name).sort()).toEqual(accounts.map((a) => a.replace(/\.gserviceaccount\.com$/, "")).sort());
    for (const u of users) expect(u).not.toHaveProperty("password");
  });

  test("GIVEN the MLflow database THEN it is abandoned, not dropped, when removed from config; labels carry the component", () => {
    expect(resources(json, "google_sql_database")).toEqual([expect.objectContaining({ name: "mlflow", deletion_policy: "ABANDON" })]);
    expect(instance(json).settings.user_labels).toEqual({ owner: "ml-platform", component: "mlflow-backend" });
  });

  test("GIVEN high availability, no protection and one backup THEN regional, deletable, and no PITR (one backup cannot cover it)", () => {
    const i = instance(ha);
    expect(i.deletion_protection).toBe(false);
    expect(i.settings).toMatchObject({ tier: "db-custom-4-16384", availability_type: "REGIONAL", deletion_protection_enabled: false, retain_backups_on_delete: false });
    expect(i.settings.backup_configuration).toMatchObject({ enabled: true, point_in_time_recovery_enabled: false });
    expect(i.settings.backup_configuration).not.toHaveProperty("transaction_log_retention_days");
  });

  test.each<[string, Partial<DatabaseProps>, string]>([
    ["an unknown tier", { tier: "huge" as DatabaseProps["tier"] }, 'tier must be one of small, medium, large; got "huge"'],
    ["9 GiB", { storageGiB: 9 }, "storageGiB must be an integer of at least 10; got 9"],
    ["10.5 GiB", { storageGiB: 10.5 }, "storageGiB must be an integer of at least 10; got 10.5"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => new Database(gcpTestStack(), "database", { ...BASE, ...over })).toThrow(message);
  });
});
