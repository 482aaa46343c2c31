/** Azure: the model API may start the train job (retrain) and nothing else: a start-only custom role, assigned on the train job alone. */
import { ContainerAppService } from "../../../modules/azure/container-app-service";
import { ContainerAppEnvironment } from "../../../modules/azure/container-app-environment";
import { ContainerAppJob, JOB_START_ACTIONS } from "../../../modules/azure/container-app-job";
import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { ObjectStorage } from "../../../modules/azure/object-storage";
import { Registry } from "../../../modules/azure/registry";
import { Secrets } from "../../../modules/azure/secrets";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { COMMON, OFFICERS, SEED, TENANT, azureTestStack, testNetwork } from "./azure-test-stack";

const RG_ID = `/subscriptions/${SEED}/resourceGroups/rg-test`;
const spec = (name: string): ResolvedService => ({ ...SERVICE_CATALOG.find((s) => s.name === name)!, image: { kind: "tag", tag: "t1" } });

describe("Azure ContainerAppJob.allowStarting (model API retrain)", () => {
  let json: StackJson;
  let train: ContainerAppJob;
  let transform: ContainerAppJob;
  beforeAll(() => {
    const stack = azureTestStack(undefined, "starter");
    const network = testNetwork(stack);
    const logs = new LogWorkspace(stack, "logs", COMMON);
    const wiring = {
      ...COMMON,
      registry: new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...COMMON, uniqueSeed: SEED, sku: "Basic" }),
      storage: new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED }),
      secrets: new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, officers: OFFICERS }),
      environment: new ContainerAppEnvironment(stack, "env", { ...COMMON, network, logWorkspaceId: logs.workspaceId }),
      facts: {
        cloud: "azure", environment: "test", bucketName: (p: string) => p, cloudEnv: { AZURE_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net/" },
        mlflowTrackingUri: "https://mlflow.internal.example", trainJob: { id: `${RG_ID}/providers/Microsoft.App/jobs/mlops-test-train` },
      },
    } as const;
    train = new ContainerAppJob(stack, "job-train", { ...wiring, spec: spec("train") });
    transform = new ContainerAppJob(stack, "job-transform", { ...wiring, spec: { ...spec("transform"), trigger: undefined } });
    const modelApi = new ContainerAppService(stack, "app-model-api", { ...wiring, tenantId: TENANT, spec: spec("model-api") });
    modelApi.workload.propagation.add(train.allowStarting("model-api", modelApi.workload.identity.principalId, RG_ID));
    json = synthStack(stack);
  });

  const key = (type: string, pick: (r: Record<string, unknown>) => boolean) => Object.entries(json.resource![type]).find(([, r]) => pick(r))![0];
  const starterRoles = () => resources(json, "azurerm_role_definition");
  const starterGrants = () => resources(json, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes("azurerm_role_definition."));

  test("GIVEN the grant THEN its role allows only starting a job: one action, no wildcard, no data actions", () => {
    expect(starterRoles()).toHaveLength(1);
    const [role] = starterRoles();
    expect(role).toMatchObject({ name: "mlops-test-train-starter", scope: RG_ID, assignable_scopes: [RG_ID] });
    expect(role.permissions).toEqual([{ actions: ["Microsoft.App/jobs/start/action"] }]);
    expect(JOB_START_ACTIONS).toEqual(["Microsoft.App/jobs/start/action"]);
  });

  test("GIVEN the grant THEN it is assigned to the model API's identity on the train job only (not the resource group, not the other job)", () => {
    expect(starterGrants()).toHaveLength(1);
    const [grant] = starterGrants();
    const trainJob = key("azurerm_container_app_job", (j) => j.name === "mlops-test-train");
    const identity = key("azurerm_user_assigned_identity", (i) => i.name === "mlops-test-model-api");
    expect(grant).toMatchObject({
      scope: `\${azurerm_container_app_job.${trainJob}.id}`,
      role_definition_id: `\${azurerm_role_definition.${key("azurerm_role_definition", () => true)}.role_definition_resource_id}`,
      principal_id: `\${azurerm_user_assigned_identity.${identity}.principal_id}`,
      principal_type: "ServicePrincipal",
    });
    expect(JSON.stringify(starterGrants())).not.toContain(transform.job.friendlyUniqueId);
  });

  test("GIVEN the grant THEN the model API's app waits for its RBAC propagation, so the first retrain after apply is allowed", () => {
    const grant = key("azurerm_role_assignment", (a) => String(a.role_definition_id).includes("azurerm_role_definition."));
    const app = resources(json, "azurerm_container_app").find((a) => a.name === "mlops-test-model-api")!;
    const sleeps = json.resource!.time_sleep;
    const waited = (app.depends_on as string[]).filter((d) => d.startsWith("time_sleep.")).map((d) => sleeps[d.slice("time_sleep.".length)]);
    expect(waited).toHaveLength(1);
    expect(Object.values(waited[0].triggers as Record<string, string>)).toContain(`\${azurerm_role_assignment.${grant}.id}`);
  });

  test("GIVEN two callers of one job THEN they share its one starter role", () => {
    train.allowStarting("someone-else", "00000000-0000-0000-0000-0000000000c3", RG_ID);
    expect(train.node.children.filter((c) => c.node.id === "starter-role")).toHaveLength(1);
  });
});
