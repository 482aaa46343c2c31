/**
 * The typed shape of one environment (dev, staging, prod), validated with zod when main.ts loads it.
 * Every field a stack reads is here; stacks never read files or variables themselves.
 */
import { z } from "zod";
import { parseCidr } from "../modules/core/cidr";
import { planAirflow } from "../modules/core/airflow";
import { AirflowConfigSchema } from "./schemas/airflow-schema";

/** Clouds a stack can target; a stack is named `<env>-<cloud>`. */
export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type CloudName = (typeof CLOUDS)[number];

/** Retention values CloudWatch Logs accepts (the strictest of the three clouds). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Fargate-compatible CPU sizes in millicores; Container Apps and Cloud Run map them. */
export const CPU_MILLICORES = [250, 500, 1000, 2000, 4000] as const;

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  message: "an IPv4 CIDR block with no host bits set, like 10.20.0.0/16",
});
const networkCidr = cidr.refine(
  (v) => {
    const c = parseCidr(v);
    return c === undefined || (c.prefix >= 16 && c.prefix <= 22);
  },
  { message: "a network CIDR from /16 to /22 (room for a public and a private subnet per zone)" },
);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Where Terraform keeps a stack's state. `local` is allowed for throwaway environments only. */
const localBackend = z.strictObject({ type: z.literal("local"), path: z.string().min(1).optional() });
const s3Backend = z.strictObject({
  type: z.literal("s3"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
  region: z.string().min(1),
  keyPrefix: z.string().default("mlops"),
  kmsKeyId: z.string().optional(),
});
const azurermBackend = z.strictObject({
  type: z.literal("azurerm"),
  resourceGroupName: z.string().min(1),
  storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, "a storage account name (3-24 lowercase letters and digits)"),
  containerName: z.string().min(3),
  keyPrefix: z.string().default("mlops"),
});
const gcsBackend = z.strictObject({
  type: z.literal("gcs"),
  bucket: z.string().min(3),
  prefix: z.string().default("mlops"),
});

const natMode = z.enum(["single", "per-zone"]);

const awsCloud = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region like eu-central-1"),
    accountId: z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"),
    network: z.strictObject({
      cidr: networkCidr,
      zones: z.array(z.string()).min(2, "at least two availability zones (load balancer and database need them)").max(6),
      natMode,
      flowLogs: z.boolean().default(true),
    }),
    databaseInstanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class like db.t4g.micro").optional(),
    /** The account's existing GitHub OIDC provider (IAM allows one per account). @default - the stack creates it */
    githubOidcProviderArn: z
      .string()
      .regex(/^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, "the ARN of the account's token.actions.githubusercontent.com OIDC provider")
      .optional(),
    backend: z.discriminatedUnion("type", [s3Backend, localBackend]),
  })
  .superRefine((aws, ctx) => {
    aws.network.zones.forEach((zone, i) => {
      if (!new RegExp(`^${aws.region}[a-z]$`).test(zone)) {
        ctx.addIssue({ code: "custom", path: ["network", "zones", i], message: `a zone of ${aws.region}, like ${aws.region}a` });
      }
    });
    if (new Set(aws.network.zones).size !== aws.network.zones.length) {
      ctx.addIssue({ code: "custom", path: ["network", "zones"], message: "distinct zones" });
    }
  });

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a GUID");

const azureCloud = z.strictObject({
  location: z.string().regex(/^[a-z]+[a-z0-9]*$/, "an Azure location like westeurope"),
  subscriptionId: uuid,
  tenantId: uuid,
  network: z.strictObject({ cidr: networkCidr, zoneRedundant: z.boolean().default(false) }),
  /** ACR tier. @default - "Premium" when network.zoneRedundant (private endpoint, retention, zone redundancy), else "Basic" */
  registrySku: z.enum(["Basic", "Standard", "Premium"]).optional(),
  /**
   * Public IP ranges (CIDR) allowed through the Key Vault, storage and (Premium) registry firewalls besides
   * the private endpoints: the deployer's and CI's egress. @default [] (reachable only from inside the VNet)
   */
  allowedIpRanges: z.array(cidr).max(100).default([]),
  /**
   * Entra ID object ids of the people or groups who run day 0 and break-glass deploys: they get Key Vault
   * Secrets Officer on the platform's vault next to the CI builder (stable principals, never "whoever runs
   * Terraform"). @default [] (only the builder writes secrets; a person's first deploy then gets 403)
   */
  operators: z.array(uuid).max(20).refine((a) => new Set(a).size === a.length, "distinct object ids").default([]),
  /**
   * Public CIDRs allowed to call the external (public) Container Apps; each becomes an `Allow` ingress IP
   * restriction, and Azure then denies every other address. @default [] (open to the Internet; the apps
   * still verify the caller's Entra ID token)
   */
  ingressAllowedRanges: z.array(cidr).max(100).default([]),
  backend: z.discriminatedUnion("type", [azurermBackend, localBackend]),
});

const gcpCloud = z.strictObject({
  projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id"),
  projectNumber: z.string().regex(/^\d{6,20}$/, "the numeric project number"),
  region: z.string().regex(/^[a-z]+-[a-z]+\d$/, "a Google Cloud region like europe-west3"),
  network: z.strictObject({
    cidr: networkCidr,
    /** VPC flow logs on the subnet (terraform-google-network leaves them off; we do not). */
    flowLogs: z.boolean().default(true),
    /** Share of flows the subnet logs (0-1): full where forensics matter, half to keep log cost down. */
    flowLogSampling: z.number().gt(0).max(1).default(0.5),
  }),
  /** Cloud SQL machine tier over the one `database.tier` maps to, like db-custom-2-7680. */
  databaseTier: z.string().regex(/^db-[a-z0-9-]+$/, "a Cloud SQL tier like db-custom-2-7680").optional(),
  /**
   * Who may call the public `jwt` services, receiver and model API (Cloud Run IAM verifies their
   * Google-signed ID token); never allUsers. Empty (the default) means nobody can call them until set.
   * MLflow is not opened by this list: it is internal and only the platform's own MLflow clients may
   * invoke it (README, "Who can reach each service").
   */
  invokers: z
    .array(z.string().regex(/^(user|group|serviceAccount|domain):[^\s]+$/, "an IAM member like group:ml-users@example.com"))
    .default([]),
  /**
   * E-mails of the principals the model API treats as admins (`AUTH_ADMIN_VALUES` against the ID token's
   * `email` claim): they may retrain and reload. Each must also be an invoker. @default [] (nobody is admin)
   */
  admins: z.array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail like ml-admin@example.com")).max(50).default([]),
  backend: z.discriminatedUnion("type", [gcsBackend, localBackend]),
});

/** Per-service switches and sizes an environment may set over the catalog's values. */
const serviceOverride = z.strictObject({
  enabled: z.boolean().optional(),
  cpuMillicores: z.union(CPU_MILLICORES.map((n) => z.literal(n)) as [z.ZodLiteral<250>, ...z.ZodLiteral<number>[]]).optional(),
  memoryMiB: positiveInt.optional(),
  minCount: nonNegativeInt.optional(),
  maxCount: positiveInt.optional(),
  /**
   * Image tag to run when no promoted manifest pins a digest (registries are immutable: pin a
   * release or commit tag, e.g. `sha-3f2c1ab`). @default - the catalog's defaultImageTag
   */
  imageTag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a Docker tag like sha-3f2c1ab or 2.22.0").optional(),
});

const environmentName = z.string().regex(/^[a-z][a-z0-9]{1,11}$/, "a short lowercase name like dev");

/** One environment as written in environments/<name>.ts. */
export const environmentSchema = z
  .strictObject({
    name: environmentName,
    namePrefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, "a 2-10 character lowercase prefix").default("mlops"),
    clouds: z
      .strictObject({ aws: awsCloud.optional(), azure: azureCloud.optional(), gcp: gcpCloud.optional() })
      // `{ aws: undefined }` has a key but no cloud: it would synthesize no stack at all.
      .refine((c) => Object.values(c).some((v) => v !== undefined), { message: "at least one of aws, azure, gcp" }),
    /** The GitHub repository whose workflows deploy this environment (keyless OIDC trust is limited to it). */
    github: z.strictObject({
      repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name of the GitHub repository"),
      /** GitHub environment whose deploy jobs may assume the deploy identity. @default - the environment's name */
      environment: z.string().min(1).optional(),
    }),
    alertEmail: z.email("an e-mail address for alerts"),
    logRetentionDays: z
      .number()
      .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
        message: `one of ${LOG_RETENTION_DAYS.join(", ")} days`,
      }),
    /**
     * Intent, resolved once by modules/core/intent.ts into what every cloud reads. `throwaway`: no
     * deletion protection, no final snapshot, buckets and registries destroyed with their content, secrets
     * deleted at once, Spot where resilience is minimal. `persistent`: the opposite.
     */
    lifecycle: z.enum(["throwaway", "persistent"]).default("persistent"),
    /** `zonal`: databases keep a standby in another zone; `minimal`: one zone, interruptions accepted. */
    resilience: z.enum(["minimal", "zonal"]).default("minimal"),
    /** `mfa`: platform users need a second factor at sign-in (Cognito). */
    signIn: z.enum(["password", "mfa"]).default("password"),
    tags: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "lowercase tag keys"), z.string().max(63)).default({}),
    /** Instance bounds for every service of this environment, under a per-service override and over the catalog. */
    serviceDefaults: z
      .strictObject({ minCount: nonNegativeInt.optional(), maxCount: positiveInt.optional() })
      .default({}),
    services: z.record(z.string(), serviceOverride).default({}),
    registry: z.strictObject({ keepImages: positiveInt.max(1000).default(30) }).default({ keepImages: 30 }),
    storage: z
      .strictObject({
        encryption: z.enum(["kms", "managed"]).default("kms"),
        noncurrentVersionExpirationDays: positiveInt.default(30),
        accessLogging: z.boolean().default(false),
      })
      .default({ encryption: "kms", noncurrentVersionExpirationDays: 30, accessLogging: false }),
    database: z
      .strictObject({
        tier: z.enum(["small", "medium", "large"]).default("small"),
        storageGiB: positiveInt.min(20).max(16384).default(20),
        /** Days of automated backups, 1-35: never 0 (RDS reads 0 as "off", Azure and Google cannot turn backups off). */
        backupRetentionDays: positiveInt.max(35).default(7),
      })
      .default({ tier: "small", storageGiB: 20, backupRetentionDays: 7 }),
    promotion: z
      .strictObject({
        mode: z.enum(["direct", "pull-request"]),
        from: environmentName.optional(),
        gateThreshold: z.number().min(0).max(1).default(0.01),
        primaryMetricDirection: z.enum(["higher-is-better", "lower-is-better"]).default("higher-is-better"),
      })
      .default({ mode: "direct", gateThreshold: 0.01, primaryMetricDirection: "higher-is-better" }),
    /** Airflow running the promoted DAGs on every cloud (MWAA, Composer 3, Container Apps). @default - no Airflow */
    airflow: AirflowConfigSchema.optional(),
  })
  .superRefine((env, ctx) => {
    // A mode a deployed cloud cannot build is a config problem, not an environment without Airflow.
    if (!env.airflow?.enabled) return;
    for (const cloud of CLOUDS) {
      if (!env.clouds[cloud]) continue;
      const plan = planAirflow(cloud, env.airflow.mode);
      if (plan.build === "none") ctx.addIssue({ code: "custom", path: ["airflow", "mode"], message: `a mode ${cloud} builds (${cloud} is deployed): ${plan.reason}` });
    }
  });

/** What an environment file may write (defaults not yet applied). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with every default applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type AwsCloudConfig = NonNullable<EnvironmentConfig["clouds"]["aws"]>;
export type AzureCloudConfig = NonNullable<EnvironmentConfig["clouds"]["azure"]>;
export type GcpCloudConfig = NonNullable<EnvironmentConfig["clouds"]["gcp"]>;
export type ServiceOverride = z.output<typeof serviceOverride>;
export type BackendConfig =
  | AwsCloudConfig["backend"]
  | AzureCloudConfig["backend"]
  | GcpCloudConfig["backend"];
