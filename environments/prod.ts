import type { EnvironmentInput } from "./schema";

/** Prod: resilient. NAT and database per zone, two tasks per public service, access logs, remote state only. */
const prod: EnvironmentInput = {
  name: "prod",
  clouds: {
    aws: {
      region: "eu-central-1",
      accountId: "333333333333",
      network: { cidr: "10.30.0.0/16", zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"], natMode: "per-zone" },
      backend: { type: "s3", bucket: "mlops-tfstate-333333333333", region: "eu-central-1" },
    },
    gcp: {
      projectId: "mlops-prod-1234",
      projectNumber: "100000000003",
      region: "europe-west3",
      network: { cidr: "10.32.0.0/16", flowLogSampling: 1 },
      backend: { type: "gcs", bucket: "mlops-tfstate-prod-1234" },
    },
    azure: {
      location: "westeurope",
      subscriptionId: "00000000-0000-0000-0000-000000000003",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      network: { cidr: "10.31.0.0/16", zoneRedundant: true },
      backend: { type: "azurerm", resourceGroupName: "mlops-tfstate", storageAccountName: "mlopstfstateprod", containerName: "tfstate" },
    },
  },
  github: { repository: "acme-ml/mlops-suite" },
  alertEmail: "mlops-oncall@example.com",
  logRetentionDays: 365,
  tags: { owner: "ml-platform", "cost-center": "ml-prod" },
  serviceDefaults: { minCount: 2, maxCount: 6 },
  registry: { keepImages: 50 },
  lifecycle: "persistent",
  resilience: "zonal",
  signIn: "mfa",
  storage: { encryption: "kms", noncurrentVersionExpirationDays: 90, accessLogging: true },
  database: { tier: "medium", storageGiB: 50, backupRetentionDays: 14 },
  promotion: { mode: "pull-request", from: "staging", gateThreshold: 0.01 },
  // Tasks only start and watch the jobs, so workers stay few; medium keeps the scheduler ahead of hourly runs.
  airflow: { enabled: true, mode: "managed", size: "medium", minWorkers: 2, maxWorkers: 5 },
};

export default prod;
