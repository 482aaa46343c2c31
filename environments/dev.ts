import type { EnvironmentInput } from "./schema";

/**
 * Dev: cheap and disposable. One NAT, smallest sizes, promoted to directly. State is remote so the
 * deploy workflow can apply it; a personal sandbox may use `backend: { type: "local" }` instead.
 */
const dev: EnvironmentInput = {
  name: "dev",
  clouds: {
    aws: {
      region: "eu-central-1",
      accountId: "111111111111",
      network: { cidr: "10.10.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], natMode: "single" },
      backend: { type: "s3", bucket: "mlops-tfstate-111111111111", region: "eu-central-1" },
    },
    gcp: {
      projectId: "mlops-dev-1234",
      projectNumber: "100000000001",
      region: "europe-west3",
      network: { cidr: "10.12.0.0/16" },
      backend: { type: "gcs", bucket: "mlops-tfstate-dev-1234" },
    },
    azure: {
      location: "westeurope",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      network: { cidr: "10.11.0.0/16" },
      backend: { type: "azurerm", resourceGroupName: "mlops-tfstate", storageAccountName: "mlopstfstatedev", containerName: "tfstate" },
    },
  },
  github: { repository: "acme-ml/mlops-suite" },
  alertEmail: "mlops-dev-alerts@example.com",
  logRetentionDays: 14,
  tags: { owner: "ml-platform", "cost-center": "ml-dev" },
  serviceDefaults: { minCount: 1, maxCount: 2 },
  registry: { keepImages: 10 },
  lifecycle: "throwaway",
  resilience: "minimal",
  signIn: "password",
  storage: { encryption: "managed", noncurrentVersionExpirationDays: 7, accessLogging: false },
  database: { tier: "small", storageGiB: 20, backupRetentionDays: 1 },
  promotion: { mode: "direct" },
  // Cheapest managed sizes: DAGs are tried here first, one or two workers are plenty.
  airflow: { enabled: true, mode: "managed", size: "small", minWorkers: 1, maxWorkers: 2 },
};

export default dev;
