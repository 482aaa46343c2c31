import type { EnvironmentInput } from "./schema";

/** Dev: cheap and disposable. One NAT, smallest sizes, local state allowed, promoted to directly. */
const dev: EnvironmentInput = {
  name: "dev",
  clouds: {
    aws: {
      region: "eu-central-1",
      accountId: "111111111111",
      network: { cidr: "10.10.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], natMode: "single" },
      backend: { type: "local" },
    },
    gcp: {
      projectId: "mlops-dev-1234",
      projectNumber: "100000000001",
      region: "europe-west3",
      network: { cidr: "10.12.0.0/16" },
      backend: { type: "local" },
    },
    azure: {
      location: "westeurope",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      network: { cidr: "10.11.0.0/16" },
      backend: { type: "local" },
    },
  },
  github: { repository: "acme-ml/mlops-suite" },
  alertEmail: "mlops-dev-alerts@example.com",
  logRetentionDays: 14,
  tags: { owner: "ml-platform", "cost-center": "ml-dev" },
  serviceDefaults: { minCount: 1, maxCount: 2 },
  registry: { keepImages: 10 },
  storage: { encryption: "managed", noncurrentVersionExpirationDays: 7, accessLogging: false, forceDestroy: true },
  database: { tier: "small", storageGiB: 20, highAvailability: false, deletionProtection: false, backupRetentionDays: 1 },
  promotion: { mode: "direct" },
};

export default dev;
