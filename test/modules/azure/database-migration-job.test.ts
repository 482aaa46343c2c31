/**
 * The Azure migration job on the synthesized dev stack: a manually triggered Container Apps job in the
 * platform's (VNet-bound) environment, the admin password as a Key Vault reference through its own identity,
 * which may read that one secret and nothing else.
 */
import { MIGRATION_CLIENT_IMAGE, migrationCommand } from "../../../modules/core/database-migration";
import { closureOf, databaseTargets } from "../../../scripts/day0-foundation";
import { StackJson, synthProject } from "../../support/synth";

type Body = Record<string, unknown>;

const json: StackJson = synthProject({ select: "dev", clouds: ["azure"] }).json("dev-azure");
const of = (type: string) => Object.entries(json.resource?.[type] ?? {}) as [string, Body][];
const one = (type: string, name: RegExp): [string, Body] => {
  const found = of(type).filter(([n]) => name.test(n));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.map(([n]) => n).join(", ") || "none"}`);
  return found[0];
};
const [jobName, job] = one("azurerm_container_app_job", /^db-migrate_/);
const [identityName] = one("azurerm_user_assigned_identity", /^db-migrate_/);
const [envName] = one("azurerm_container_app_environment", /./);
const [serverName] = one("azurerm_postgresql_flexible_server", /^database_/);
const identityId = `\${azurerm_user_assigned_identity.${identityName}.id}`;
const container = (job.template as { container: Body[] }).container[0];

describe("Azure database migration job", () => {
  test("GIVEN the job WHEN read THEN it starts only by hand, in the platform's environment, once, without retries", () => {
    expect(job).toMatchObject({
      name: "mlops-dev-db-migrate",
      container_app_environment_id: `\${azurerm_container_app_environment.${envName}.id}`,
      manual_trigger_config: { parallelism: 1, replica_completion_count: 1 },
      replica_retry_limit: 0,
      identity: { type: "UserAssigned", identity_ids: [identityId] },
    });
    expect(job.schedule_trigger_config).toBeUndefined();
    expect(job.event_trigger_config).toBeUndefined();
    // A public image: no registry credential, so the identity needs no AcrPull.
    expect(job.registry).toBeUndefined();
  });

  test("GIVEN its container WHEN read THEN psql logs in as the server admin with the Key Vault password, over TLS", () => {
    expect(container).toMatchObject({ name: "migrate", image: MIGRATION_CLIENT_IMAGE, command: migrationCommand() });
    expect((container.command as string[]).join(" ")).not.toMatch(/\$\{|%\{/);
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "PGHOST", value: `\${azurerm_postgresql_flexible_server.${serverName}.fqdn}` },
        { name: "PGUSER", value: "mlflowadmin" },
        { name: "PGSSLMODE", value: "require" },
        { name: "PGPASSWORD", secret_name: "admin-password" },
      ]),
    );
    const [secret] = job.secret as Body[];
    expect(job.secret).toHaveLength(1);
    expect(secret).toEqual({ name: "admin-password", identity: identityId, key_vault_secret_id: expect.stringMatching(/^\$\{azurerm_key_vault_secret\.secrets_secret-mlflow-db-password_[A-Z0-9]+\.versionless_id\}$/) });
  });

  test("GIVEN the job's identity WHEN its grants are listed THEN it has Key Vault Secrets User on the admin password only, and the job waits for it to propagate", () => {
    const grants = of("azurerm_role_assignment").filter(([, g]) => String(g.principal_id).includes(identityName));
    expect(grants.map(([, g]) => [g.role_definition_name, g.scope])).toEqual([
      ["Key Vault Secrets User", expect.stringMatching(/^\$\{azurerm_key_vault_secret\.secrets_secret-mlflow-db-password_[A-Z0-9]+\.resource_versionless_id\}$/)],
    ]);
    expect(job.depends_on).toEqual(expect.arrayContaining([`azurerm_role_assignment.${grants[0][0]}`, expect.stringMatching(/^time_sleep\.db-migrate_rbac-propagation/)]));
  });

  test("GIVEN day 0's database apply WHEN it targets the job THEN the network and Key Vault's private endpoint come with it, and no workload", () => {
    const applied = closureOf(json, databaseTargets("azure", json));
    expect(applied.has(`azurerm_container_app_job.${jobName}`)).toBe(true);
    expect([...applied].some((a) => a.startsWith("azurerm_private_endpoint."))).toBe(true);
    expect([...applied].some((a) => a.startsWith("azurerm_subnet."))).toBe(true);
    expect([...applied].filter((a) => a.startsWith("azurerm_container_app.") || (a.startsWith("azurerm_container_app_job.") && a !== `azurerm_container_app_job.${jobName}`))).toEqual([]);
  });
});
