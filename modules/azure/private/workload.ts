/**
 * What a container app and a container apps job share: the workload's own managed identity and its
 * grants (containers per the spec's bucket access, one Key Vault secret per named secret, the
 * password of its own database role (never the server admin's), App Insights ingestion), the platform's container contract
 * (modules/core/container-contract.ts) as plain values and Key Vault references (never secret
 * values), CPU/memory sizing and the image from ACR.
 */
import { Construct } from "constructs";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ContainerAuthFacts, ContainerFacts, containerEnvironment, DATABASE_PASSWORD_SECRET } from "../../core/container-contract";
import type { BucketAccess, BucketPurpose, ResolvedService } from "../../core/workload-spec";
import { ValidationError } from "../../core/errors";
import { Naming } from "../../core/naming";
import type { Database } from "../database";
import type { ObjectStorage } from "../object-storage";
import type { Registry } from "../registry";
import type { Secrets, StoredSecret } from "../secrets";
import { RbacPropagation } from "./rbac-propagation";

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
  /** What the container contract needs from Azure; the workload adds its own AZURE_CLIENT_ID and auth. */
  readonly facts: ContainerFacts;
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
  readonly grants: RoleAssignment[];
  /** The RBAC propagation wait after `grants`: the app or job depends on its `sleep`. */
  readonly propagation: RbacPropagation;
  readonly cpu: number;
  readonly memory: string;
  readonly image: string;
  readonly registry: { readonly server: string; readonly identity: string };
  readonly identityIds: string[];
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
export function prepareWorkload(scope: Construct, spec: ResolvedService, w: WorkloadWiring, auth?: ContainerAuthFacts): Workload {
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
  const grants: RoleAssignment[] = [w.registry.pullGrant];
  const contract = containerEnvironment(spec, { ...w.facts, cloudEnv: { ...w.facts.cloudEnv, AZURE_CLIENT_ID: identity.clientId }, auth });
  const env: EnvVar[] = contract.env.map((e) => ({ name: e.name, value: e.value }));
  const secrets: SecretRef[] = [];

  for (const [purpose, access] of Object.entries(spec.buckets) as [BucketPurpose, BucketAccess][]) {
    grants.push(w.storage.allowAccess(spec.name, principal, purpose, access));
  }
  // Container Apps names secrets in kebab case: the logical name is the Key Vault reference's name.
  const stored = (secret: string): StoredSecret => (secret === DATABASE_PASSWORD_SECRET && w.database ? w.database.appPassword : w.secrets.generate(secret));
  for (const ref of contract.secrets) {
    const g = stored(ref.secret);
    grants.push(w.secrets.allowRead(`${spec.name}-reads-${ref.secret}`, principal, g.secret));
    secrets.push({ name: ref.secret, keyVaultSecretId: g.reference, identity: identity.id });
    env.push({ name: ref.name, secretName: ref.secret });
  }
  if (w.appInsights) {
    grants.push(
      new RoleAssignment(scope, "telemetry", {
        scope: w.appInsights.id,
        roleDefinitionName: "Monitoring Metrics Publisher",
        principalId: principal,
        principalType: "ServicePrincipal",
      }),
    );
  }

  // Revisions check AcrPull and resolve Key Vault references when created: wait until the grants apply.
  const propagation = new RbacPropagation(scope, "rbac-propagation").add(...grants);

  return {
    identity,
    env,
    secrets,
    grants,
    propagation,
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
