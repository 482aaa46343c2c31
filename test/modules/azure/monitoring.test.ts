/** Azure monitoring: an action group mailing the environment, three metric alerts per catalog service, portal links. */
import { TerraformStack } from "cdktf";
import { ContainerAppEnvironment } from "../../../modules/azure/container-app-environment";
import { ContainerAppService } from "../../../modules/azure/container-app-service";
import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { Monitoring, MonitoringProps } from "../../../modules/azure/monitoring";
import { ObjectStorage } from "../../../modules/azure/object-storage";
import { Registry } from "../../../modules/azure/registry";
import { Secrets } from "../../../modules/azure/secrets";
import type { ContainerFacts } from "../../../modules/core/container-contract";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { azureTestStack, COMMON, OFFICERS, SEED, TENANT, testNetwork } from "./azure-test-stack";

const FACTS: ContainerFacts = {
  cloud: "azure", environment: "test", bucketName: (p) => p, cloudEnv: { AZURE_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net/" },
  auth: { issuer: "https://login.microsoftonline.com/t/v2.0", audience: "api://mlops", jwksUri: "https://login.microsoftonline.com/t/discovery/v2.0/keys", adminClaim: "roles", adminValues: ["admin"] },
  // The model API starts the train job on retrain (modules/core/container-contract.ts): the id the Azure stack passes.
  trainJob: { id: "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.App/jobs/mlops-test-train" },
};
// The catalog's services that need no database (a database would add a server this test does not need).
const specs: ResolvedService[] = SERVICE_CATALOG.filter((s) => s.kind === "service" && !s.usesDatabase).map((s) => ({ ...s, image: { kind: "tag", tag: "v1" } }));
const PORTAL = `https://portal.azure.com/#@${TENANT}/resource`;

function services(stack: TerraformStack): ContainerAppService[] {
  const network = testNetwork(stack);
  const logs = new LogWorkspace(stack, "logs", COMMON);
  const p = {
    ...COMMON,
    registry: new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...COMMON, uniqueSeed: SEED, sku: "Basic" }),
    storage: new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED }),
    secrets: new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, officers: OFFICERS }),
    environment: new ContainerAppEnvironment(stack, "env", { ...COMMON, network, logWorkspaceId: logs.workspaceId }),
    facts: FACTS,
  };
  return specs.map((spec) => new ContainerAppService(stack, spec.name, { ...p, tenantId: TENANT, spec }));
}

describe("Azure Monitoring", () => {
  let json: StackJson;
  let monitoring: Monitoring;
  let apps: ContainerAppService[];
  beforeAll(() => {
    const stack = azureTestStack();
    apps = services(stack);
    monitoring = new Monitoring(stack, "monitoring", { naming: COMMON.naming, resourceGroupName: COMMON.resourceGroupName, alertEmail: "ops@example.com", workloads: apps, portalResourceUrl: PORTAL, resources: [{ label: "Resource group", id: "/subscriptions/s/resourceGroups/rg-test" }] });
    json = synthStack(stack);
  });
  const alerts = (): Record<string, unknown>[] => resources(json, "azurerm_monitor_metric_alert");

  test("GIVEN an alert address WHEN synthesized THEN one action group mailing it with the common alert schema", () => {
    const [group] = resources(json, "azurerm_monitor_action_group");
    expect(group.email_receiver).toEqual([{ name: "on-call", email_address: "ops@example.com", use_common_alert_schema: true }]);
    expect(String(group.short_name).length).toBeLessThanOrEqual(12);
  });

  test("GIVEN the catalog's services THEN each has 5xx, restart and CPU alerts on its app, all acting on the group and auto-mitigated", () => {
    expect(specs.length).toBeGreaterThan(0);
    expect(alerts().map((a) => a.name).sort()).toEqual(specs.flatMap((s) => ["5xx", "restarts", "cpu"].map((k) => `mlops-test-${s.name}-${k}`)).sort());
    for (const a of alerts()) expect(a).toMatchObject({ auto_mitigate: true, action: [{ action_group_id: expect.stringContaining("azurerm_monitor_action_group") }] });
  });

  test("GIVEN defaults THEN 5xx alerts fire above 5 server errors per 5 minutes, and CPU above 80% of each app's allocation in nanocores", () => {
    const byName = (name: string) => (alerts().find((a) => a.name === name)!.criteria as Record<string, unknown>[])[0];
    for (const [i, s] of specs.entries()) {
      expect(byName(`mlops-test-${s.name}-5xx`)).toMatchObject({ metric_name: "Requests", threshold: 5, dimension: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }] });
      expect(byName(`mlops-test-${s.name}-cpu`)).toMatchObject({ metric_name: "UsageNanoCores", threshold: Math.round(apps[i].workload.cpu * 1e9 * 0.8) });
    }
  });

  test("GIVEN resources to link THEN each becomes a portal link under the tenant", () => {
    expect(monitoring.links).toEqual([{ label: "Resource group", url: `${PORTAL}/subscriptions/s/resourceGroups/rg-test` }]);
  });

  test.each<[string, Partial<MonitoringProps>, string]>([
    ["an address without a domain", { alertEmail: "ops" }, 'alertEmail must be an e-mail address; got "ops"'],
    ["a CPU threshold of 0", { cpuThresholdPercent: 0 }, "cpuThresholdPercent must be 1 to 100; got 0"],
    ["a CPU threshold of 101", { cpuThresholdPercent: 101 }, "cpuThresholdPercent must be 1 to 100; got 101"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => new Monitoring(azureTestStack(), "monitoring", { naming: COMMON.naming, resourceGroupName: "rg", alertEmail: "ops@example.com", workloads: [], portalResourceUrl: PORTAL, ...over })).toThrow(message);
  });
});
