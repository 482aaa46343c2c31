import { TerraformStack } from "cdktf";
import { ContainerAppService } from "../../../modules/azure/container-app-service";
import { ContainerAppEnvironment } from "../../../modules/azure/container-app-environment";
import { ContainerAppJob } from "../../../modules/azure/container-app-job";
import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { ObjectStorage } from "../../../modules/azure/object-storage";
import { Registry } from "../../../modules/azure/registry";
import { Secrets } from "../../../modules/azure/secrets";
import { containerAppsSize } from "../../../modules/azure/private/workload";
import type { ResolvedService } from "../../../services/service-spec";
import { receiver } from "../../../services/receiver";
import { transform } from "../../../services/transform";
import { mlflow } from "../../../services/mlflow";
import { resources, synthStack } from "../../support/synth";
import { COMMON, OFFICERS, SEED, TENANT, azureTestStack, testNetwork } from "./azure-test-stack";
import { SERVICE_CATALOG } from "../../../services/catalog";

function platform(stack: TerraformStack) {
  const network = testNetwork(stack);
  const logs = new LogWorkspace(stack, "logs", COMMON);
  return {
    ...COMMON,
    registry: new Registry(stack, "registry", { repositories: [...SERVICE_CATALOG.map((s) => s.name), "open"], ...COMMON, uniqueSeed: SEED, sku: "Basic" }),
    storage: new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED }),
    secrets: new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, officers: OFFICERS }),
    environment: new ContainerAppEnvironment(stack, "env", { ...COMMON, network, logWorkspaceId: logs.workspaceId }),
    facts: { cloud: "azure", environment: "test", bucketName: (p: string) => p, cloudEnv: { AZURE_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net/" }, mlflowAllowedHosts: ["mlflow.internal.example"] } as const,
  };
}

const resolved = (spec: typeof receiver, overrides: Partial<ResolvedService> = {}): ResolvedService => ({ ...spec, image: { kind: "tag", tag: "t1" }, ...overrides });

describe("Azure container apps and jobs", () => {
  test.each([
    [250, 512, 0.25, "0.5Gi"],
    [500, 1024, 0.5, "1Gi"],
    [250, 2048, 1, "2Gi"], // memory-bound: CPU raised to keep 1:2
    [4000, 8192, 4, "8Gi"],
  ])("GIVEN %i millicores and %i MiB WHEN sized THEN %d vCPU / %s", (cpu, mem, vcpu, memory) => {
    expect(containerAppsSize(cpu, mem)).toEqual({ cpu: vcpu, memory });
  });

  test("GIVEN more than 4 vCPU / 8 GiB WHEN sized THEN no size fits", () => {
    expect(containerAppsSize(4000, 16384)).toBeUndefined();
  });

  test("GIVEN a manual job (no trigger) WHEN built THEN a manual trigger and no queue secret", () => {
    const stack = azureTestStack(undefined, "apps");
    const p = platform(stack);
    new ContainerAppJob(stack, "job", { ...p, spec: resolved({ ...transform, trigger: undefined }) });
    const [job] = resources(synthStack(stack), "azurerm_container_app_job");
    expect(job.manual_trigger_config).toEqual({ parallelism: 1, replica_completion_count: 1 });
    expect(job.event_trigger_config).toBeUndefined();
    expect(job.secret).toBeUndefined();
    expect(job).toMatchObject({ replica_timeout_in_seconds: 1800, replica_retry_limit: 1 });
  });

  test("GIVEN ingressAllowedRanges WHEN a public service is built THEN one Allow IP restriction per range; an internal one gets none and no range means none", () => {
    const stack = azureTestStack(undefined, "apps");
    const p = platform(stack);
    const ranges = ["203.0.113.0/24", "198.51.100.7"];
    new ContainerAppService(stack, "pub", { ...p, tenantId: TENANT, spec: resolved(receiver), ingressAllowedRanges: ranges });
    new ContainerAppService(stack, "open", { ...p, tenantId: TENANT, spec: resolved({ ...receiver, name: "open" }) });
    new ContainerAppService(stack, "int", { ...p, tenantId: TENANT, spec: resolved({ ...mlflow, usesDatabase: false }), ingressAllowedRanges: ranges });
    const apps = Object.fromEntries(resources(synthStack(stack), "azurerm_container_app").map((a) => [a.name as string, a.ingress as Record<string, unknown>]));
    expect(apps["mlops-test-receiver"].ip_security_restriction).toEqual([
      { name: "allow-1", action: "Allow", ip_address_range: "203.0.113.0/24", description: "clouds.azure.ingressAllowedRanges" },
      { name: "allow-2", action: "Allow", ip_address_range: "198.51.100.7", description: "clouds.azure.ingressAllowedRanges" },
    ]);
    expect(apps["mlops-test-open"].ip_security_restriction).toBeUndefined();
    expect(apps["mlops-test-mlflow"].ip_security_restriction).toBeUndefined();
  });

  test("GIVEN an ingress range that is not an IPv4 CIDR WHEN built THEN a ValidationError names it", () => {
    const stack = azureTestStack(undefined, "apps");
    expect(() => new ContainerAppService(stack, "pub", { ...platform(stack), tenantId: TENANT, spec: resolved(receiver), ingressAllowedRanges: ["everyone"] })).toThrow(
      /receiver: ingressAllowedRanges entries must be IPv4 CIDRs or addresses; got "everyone"/,
    );
  });

  test("GIVEN an internal service without auth WHEN built THEN internal ingress and no AUTH_* settings", () => {
    const stack = azureTestStack(undefined, "apps");
    const p = platform(stack);
    const svc = new ContainerAppService(stack, "svc", { ...p, tenantId: TENANT, spec: resolved({ ...mlflow, usesDatabase: false }) });
    const [app] = resources(synthStack(stack), "azurerm_container_app");
    expect(app.ingress).toMatchObject({ external_enabled: false });
    expect(svc.publicUrl).toBeUndefined();
    const env = (app.template as { container: { env: { name: string }[] }[] }).container[0].env.map((e) => e.name);
    expect(env.some((n) => n.startsWith("AUTH_"))).toBe(false);
  });

  test.each([
    ["a job given to ContainerAppService", (s: TerraformStack, p: ReturnType<typeof platform>) => new ContainerAppService(s, "x", { ...p, tenantId: TENANT, spec: resolved(transform) }), /\[apps\/x\] transform is a job; use ContainerAppJob for jobs/],
    ["a service given to ContainerAppJob", (s: TerraformStack, p: ReturnType<typeof platform>) => new ContainerAppJob(s, "x", { ...p, spec: resolved(receiver) }), /receiver is a service; use ContainerAppService/],
    ["a database user without a database", (s: TerraformStack, p: ReturnType<typeof platform>) => new ContainerAppService(s, "x", { ...p, tenantId: TENANT, spec: resolved(mlflow) }), /mlflow uses the database, but no database was given/],
    ["a service too big for Container Apps", (s: TerraformStack, p: ReturnType<typeof platform>) => new ContainerAppService(s, "x", { ...p, tenantId: TENANT, spec: resolved(receiver, { cpuMillicores: 4000, memoryMiB: 16384 }) }), /exceeds Container Apps' 4 vCPU \/ 8 GiB/],
    ["min above max replicas", (s: TerraformStack, p: ReturnType<typeof platform>) => new ContainerAppService(s, "x", { ...p, tenantId: TENANT, spec: resolved(receiver, { scaling: { min: 3, max: 2, targetCpuPercent: 60 } }) }), /replicas must satisfy 0 <= min <= max <= 300 and max >= 1; got 3\.\.2/],
  ])("GIVEN %s WHEN built THEN a ValidationError", (_label, make, message) => {
    const stack = azureTestStack(undefined, "apps");
    const p = platform(stack);
    expect(() => make(stack, p)).toThrow(message);
  });

  test("GIVEN a log retention below 30 days WHEN built THEN Log Analytics' floor applies; invalid values are refused", () => {
    const stack = azureTestStack(undefined, "logs");
    expect(new LogWorkspace(stack, "l1", { ...COMMON, retentionDays: 14 }).retentionDays).toBe(30);
    expect(new LogWorkspace(stack, "l2", { ...COMMON, retentionDays: 3653 }).retentionDays).toBe(730);
    expect(() => new LogWorkspace(stack, "l3", { ...COMMON, retentionDays: 0 })).toThrow(/\[logs\/l3\] retentionDays must be a positive whole number of days; got 0/);
  });
});
