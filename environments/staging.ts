import type { EnvironmentInput } from "./schema";

/** Staging: production-shaped at smaller size; models arrive from dev by pull request through the metric gate. */
const staging: EnvironmentInput = {
  name: "staging",
  clouds: {
    aws: {
      region: "eu-central-1",
      accountId: "222222222222",
      network: { cidr: "10.20.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], natMode: "single" },
      backend: { type: "s3", bucket: "mlops-tfstate-222222222222", region: "eu-central-1" },
    },
    gcp: {
      projectId: "mlops-staging-1234",
      projectNumber: "100000000002",
      region: "europe-west3",
      network: { cidr: "10.22.0.0/16" },
      backend: { type: "gcs", bucket: "mlops-tfstate-staging-1234" },
    },
    azure: {
      location: "westeurope",
      subscriptionId: "00000000-0000-0000-0000-000000000002",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      network: { cidr: "10.21.0.0/16" },
      backend: { type: "azurerm", resourceGroupName: "mlops-tfstate", storageAccountName: "mlopstfstatestg", containerName: "tfstate" },
    },
  },
  github: { repository: "acme-ml/mlops-suite" },
  alertEmail: "mlops-staging-alerts@example.com",
  logRetentionDays: 30,
  tags: { owner: "ml-platform", "cost-center": "ml-staging" },
  serviceDefaults: { minCount: 1, maxCount: 3 },
  registry: { keepImages: 20 },
  lifecycle: "persistent",
  resilience: "minimal",
  signIn: "password",
  storage: { encryption: "kms", noncurrentVersionExpirationDays: 30, accessLogging: false },
  database: { tier: "small", storageGiB: 20, backupRetentionDays: 7 },
  promotion: { mode: "pull-request", from: "dev", gateThreshold: 0.01 },
  // Production's shape at a smaller scale: the same DAGs under a realistic schedule.
  airflow: { enabled: true, mode: "managed", size: "small", minWorkers: 1, maxWorkers: 3 },
};

export default staging;
