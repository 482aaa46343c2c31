/** Azure Container Apps environment: on the VNet's apps subnet, mutual TLS, logs through Azure Monitor into dedicated tables. */
import { ContainerAppEnvironment } from "../../../modules/azure/container-app-environment";
import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { resources, StackJson, synthStack } from "../../support/synth";
import { azureTestStack, COMMON, testNetwork } from "./azure-test-stack";

describe("Azure ContainerAppEnvironment", () => {
  let json: StackJson;
  let hardened: StackJson;
  beforeAll(() => {
    for (const [i, over] of [{}, { zoneRedundant: true, internalOnly: true }].entries()) {
      const stack = azureTestStack();
      const network = testNetwork(stack);
      const logs = new LogWorkspace(stack, "logs", COMMON);
      new ContainerAppEnvironment(stack, "env", { ...COMMON, network, logWorkspaceId: logs.workspaceId, ...over });
      if (i === 0) json = synthStack(stack);
      else hardened = synthStack(stack);
    }
  });
  const env = (j: StackJson): Record<string, unknown> => resources(j, "azurerm_container_app_environment")[0];

  test("GIVEN defaults WHEN synthesized THEN the environment sits on the apps subnet with mutual TLS and the Consumption profile", () => {
    expect(env(json)).toMatchObject({
      name: "mlops-test-cae", mutual_tls_enabled: true, infrastructure_resource_group_name: "mlops-test-cae-infra",
      infrastructure_subnet_id: expect.stringContaining("azurerm_subnet"), workload_profile: [{ name: "Consumption", workload_profile_type: "Consumption" }],
      internal_load_balancer_enabled: false, zone_redundancy_enabled: false,
    });
  });

  test("GIVEN logs THEN they go to Azure Monitor (never the shared-key destination) and a diagnostic setting writes dedicated tables", () => {
    expect(env(json).logs_destination).toBe("azure-monitor");
    expect(env(json)).not.toHaveProperty("log_analytics_workspace_id");
    expect(resources(json, "azurerm_monitor_diagnostic_setting")).toEqual([expect.objectContaining({ log_analytics_destination_type: "Dedicated", log_analytics_workspace_id: expect.stringContaining("azurerm_log_analytics_workspace") })]);
  });

  test("GIVEN zone redundancy and internal only THEN both are set", () => {
    expect(env(hardened)).toMatchObject({ zone_redundancy_enabled: true, internal_load_balancer_enabled: true });
  });
});
