/**
 * What a container app and a container apps job share: the workload's own managed identity and its
 * grants (containers per the spec's bucket access, one Key Vault secret per named secret, the
 * database password, App Insights ingestion), the environment variables (plain values and secret
 * references, never secret values), CPU/memory sizing and the image from ACR.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import type { BucketAccess, BucketPurpose, ResolvedService } from "../../../services/service-spec";
import { ValidationError } from "../../core/errors";
import { Naming } from "../../core/naming";
import type { Database } from "../database";
import type { ObjectStorage } from "../object-storage";
import type { Registry } from "../registry";
import type { Secrets, StoredSecret } from "../secrets";

/** The platform pieces a workload is wired to. */
export interface WorkloadWiring {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly registry: Registry;
  readonly storage: ObjectStorage;
  readonly secrets: Secrets;
  /** Needed by services with `usesDatabase`. @default - none */
  readonly database?: Database;
  /** Telemetry target; the identity gets `Monitoring Metrics Publisher` (local auth is off). @default - none */
  readonly appInsights?: ApplicationInsights;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly secretName?: string;
}

export interface SecretRef {
  readonly name: string;
  readonly keyVaultSecretId: string;
  readonly identity: string;
}

export interface Workload {
  readonly identity: UserAssignedIdentity;
  readonly env: EnvVar[];
  readonly secrets: SecretRef[];
  /** Role assignments the app must wait for (Key Vault references are resolved at creation). */
  readonly grants: ITerraformDependable[];
  readonly cpu: number;
  readonly memory: string;
  readonly image: string;
  readonly registry: { readonly server: string; readonly identity: string };
  readonly identityIds: string[];
}

/** `model-api-signing-key` -> `MODEL_API_SIGNING_KEY`. */
export function envNameOf(secret: string): string {
  return secret.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/**
 * Container Apps (Consumption) only runs CPU:memory at 1:2 (0.25 vCPU / 0.5 GiB up to 4 / 8):
 * take the larger of the spec's CPU and half its memory, in 0.25 steps.
 */
export function containerAppsSize(cpuMillicores: number, memoryMiB: number): { cpu: number; memory: string } | undefined {
  const cpu = Math.ceil(Math.max(cpuMillicores / 1000, memoryMiB / 2048) * 4) / 4;
  if (cpu > 4) return undefined;
  return { cpu, memory: `${cpu * 2}Gi` };
}

/** Creates the workload identity and its grants, and builds env and secret references. */
export function prepareWorkload(scope: Construct, spec: ResolvedService, w: WorkloadWiring): Workload {
  const size = containerAppsSize(spec.cpuMillicores, spec.memoryMiB);
  if (!size) {
    throw new ValidationError(`${spec.name}: ${spec.cpuMillicores} millicores / ${spec.memoryMiB} MiB exceeds Container Apps' 4 vCPU / 8 GiB per app`, scope);
  }
  if (spec.usesDatabase && !w.database) {
    throw new ValidationError(`${spec.name} uses the database, but no database was given to the runtime`, scope);
  }
  const identity = new UserAssignedIdentity(scope, "identity", {
    name: w.naming.bounded(128, spec.name),
    resourceGroupName: w.resourceGroupName,
    location: w.location,
  });
  const principal = identity.principalId;
  const grants: ITerraformDependable[] = [w.registry.pullGrant];
  const env: EnvVar[] = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  const secrets: SecretRef[] = [];

  env.push({ name: "AZURE_CLIENT_ID", value: identity.clientId });
  const buckets = Object.entries(spec.buckets) as [BucketPurpose, BucketAccess][];
  if (buckets.length > 0) {
    env.push({ name: "AZURE_STORAGE_ACCOUNT", value: w.storage.accountName });
    env.push({ name: "AZURE_STORAGE_BLOB_ENDPOINT", value: w.storage.account.primaryBlobEndpoint });
  }
  for (const [purpose, access] of buckets) {
    grants.push(w.storage.grant(spec.name, principal, purpose, access));
    env.push({ name: `BUCKET_${envNameOf(purpose)}`, value: w.storage.bucketName(purpose) });
  }

  const addSecret = (name: string, envName: string, g: StoredSecret) => {
    grants.push(w.secrets.grantRead(`${spec.name}-reads-${name}`, principal, g.secret));
    secrets.push({ name, keyVaultSecretId: g.reference, identity: identity.id });
    env.push({ name: envName, secretName: name });
  };
  for (const name of spec.secrets) addSecret(name, envNameOf(name), w.secrets.generate(name));
  if (spec.usesDatabase && w.database) {
    const db = w.database;
    env.push({ name: "DB_HOST", value: db.host }, { name: "DB_PORT", value: "5432" }, { name: "DB_NAME", value: db.databaseName });
    env.push({ name: "DB_USER", value: db.administratorLogin }, { name: "DB_SSLMODE", value: "require" });
    addSecret("db-password", "DB_PASSWORD", db.password);
  }
  if (w.appInsights) {
    env.push({ name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: w.appInsights.connectionString });
    env.push({ name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", value: `Authorization=AAD;ClientId=${identity.clientId}` });
    grants.push(
      new RoleAssignment(scope, "telemetry", {
        scope: w.appInsights.id,
        roleDefinitionName: "Monitoring Metrics Publisher",
        principalId: principal,
        principalType: "ServicePrincipal",
      }),
    );
  }

  return {
    identity,
    env,
    secrets,
    grants,
    cpu: size.cpu,
    memory: size.memory,
    image: w.registry.imageFor(spec.name, spec.image),
    registry: { server: w.registry.loginServer, identity: w.registry.pullIdentity.id },
    identityIds: [w.registry.pullIdentity.id, identity.id],
  };
}

/** The container fields an app and a job share: name, image, size, command and environment. */
export function containerBasics<E>(spec: ResolvedService, w: Workload, env: E[]): { name: string; image: string; cpu: number; memory: string; command?: string[]; env: E[] } {
  return { name: spec.name, image: w.image, cpu: w.cpu, memory: w.memory, command: spec.command ? [...spec.command] : undefined, env };
}
