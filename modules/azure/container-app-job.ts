/**
 * A run-to-completion workload of the catalog as a Container Apps job, wired like a container app
 * (ACR pull identity, own identity, Key Vault references, 1:2 sizing). Triggered either manually
 * (an operator or pipeline starts it) or, once the data trigger step calls `triggerOn`, by an Azure
 * Storage queue through the KEDA `azure-queue` scaler: one execution per queued message, up to the
 * spec's max.
 *
 * The KEDA rule authenticates with a queue connection string held in Key Vault: azurerm 4.55 has no
 * managed-identity option on job scale rules (the ARM API gained one later), so the queue lives in
 * a small account of its own (see DataTrigger) and the secret is a Key Vault reference.
 *
 * Deliberately not created: schedule triggers, init containers, volumes.
 */
import { Construct } from "constructs";
import { dependable } from "cdktf";
import { ContainerAppJob as ContainerAppJobResource } from "@cdktf/provider-azurerm/lib/container-app-job";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import type { PlatformWorkload } from "../core/contracts";
import type { ResolvedService } from "../core/workload-spec";
import { ValidationError } from "../core/errors";
import type { Naming } from "../core/naming";
import type { ContainerAppEnvironment } from "./container-app-environment";
import { containerBasics, Workload, WorkloadWiring, prepareWorkload } from "./private/workload";
import type { Secrets, StoredSecret } from "./secrets";

/** Where a queue-triggered job reads its events. */
export interface QueueTrigger {
  readonly accountName: string;
  readonly queueName: string;
  /** Key Vault secret holding the queue account's connection string. */
  readonly connection: StoredSecret;
  /**
   * The queue's URL (`https://<account>.queue.core.windows.net/<queue>`): the job gets it as EVENT_QUEUE_URL, reads
   * one event, and deletes it with its own identity (Storage Queue Data Message Processor) once processed, so
   * KEDA, which starts one execution per visible message, does not start the run again.
   */
  readonly queueUrl: string;
  /** Seconds between KEDA polls. @default 30 */
  readonly pollingIntervalSeconds?: number;
}

export interface ContainerAppJobProps extends WorkloadWiring {
  readonly spec: ResolvedService;
  readonly environment: ContainerAppEnvironment;
  /** Seconds one execution may run. @default 1800 */
  readonly timeoutSeconds?: number;
  /** Retries of a failed execution. @default 1 */
  readonly retryLimit?: number;
}

/** The one action starting a job needs: ARM `POST {job id}/start` (images/model-api/model_api/jobs/azure_container_apps.py). */
export const JOB_START_ACTIONS = ["Microsoft.App/jobs/start/action"] as const;

/** A Container Apps job for one ServiceSpec of kind `job`. */
export class ContainerAppJob extends Construct implements PlatformWorkload {
  readonly job: ContainerAppJobResource;
  readonly kind = "job" as const;
  readonly name: string;
  readonly workload: Workload;
  private readonly maxExecutions: number;
  private readonly secretsStore: Secrets;
  private readonly naming: Naming;
  private starterRole?: RoleDefinition;

  constructor(scope: Construct, id: string, props: ContainerAppJobProps) {
    super(scope, id);
    const spec = props.spec;
    const timeout = props.timeoutSeconds ?? 1800;
    const retries = props.retryLimit ?? 1;
    if (spec.kind !== "job") throw new ValidationError(`${spec.name} is a ${spec.kind}; use ContainerAppService for services`, this);
    if (spec.scaling.max < 1) throw new ValidationError(`${spec.name}: max executions must be at least 1; got ${spec.scaling.max}`, this);
    this.name = spec.name;
    this.workload = prepareWorkload(this, spec, props);
    const w = this.workload;
    this.maxExecutions = spec.scaling.max;
    this.secretsStore = props.secrets;
    this.naming = props.naming;

    this.job = new ContainerAppJobResource(this, "job", {
      name: props.naming.bounded(32, spec.name),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.environment.workloadProfileName,
      replicaTimeoutInSeconds: timeout,
      replicaRetryLimit: retries,
      identity: { type: "UserAssigned", identityIds: w.identityIds },
      registry: [w.registry],
      secret: w.secrets.length > 0 ? [...w.secrets] : undefined,
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
      template: {
        container: [
          {
            ...containerBasics(spec, w, [...w.env]),
          },
        ],
      },
      dependsOn: [...w.grants, w.propagation.sleep],
    });
  }

  /**
   * Makes the job wait for a role assignment its identity holds that was made outside the workload (the
   * queue's message processor role): ordered after it and after the RBAC propagation wait.
   */
  waitFor(grant: RoleAssignment): void {
    this.workload.propagation.add(grant);
    this.job.dependsOn = [...(this.job.dependsOn ?? []), dependable(grant)];
  }

  /**
   * Lets `principalId` start this job and do nothing else with it (the model API's retrain): a custom role holding
   * only `Microsoft.App/jobs/start/action`, assigned on this job alone. No built-in role fits: Container Apps Jobs
   * Operator holds every job action (a wildcard), `listSecrets` included (the job's secrets in plain text), and the
   * contributor roles also write. Custom roles are assignable at resource group level at the finest, so the
   * definition lives on `resourceGroupId` (azurerm v4.55.0 internal/services/authorization/role_definition_resource.go:
   * `scope` must start with /subscriptions/, assignable_scopes default to it). Returns the assignment: the caller's
   * app waits for it and its RBAC propagation, so the first start after an apply is allowed.
   * Caveat: the start call's body may replace the job's containers (image, command, env: Jobs - Start,
   * JobExecutionTemplate), and Azure has no action that starts a job without overrides, so the holder can run any
   * code as this job's identity: grant it only to callers trusted as much as the job.
   */
  allowStarting(caller: string, principalId: string, resourceGroupId: string): RoleAssignment {
    this.starterRole ??= new RoleDefinition(this, "starter-role", {
      name: this.naming.name(`${this.name}-starter`),
      scope: resourceGroupId,
      description: `Start the ${this.name} job (Container Apps); nothing else`,
      permissions: [{ actions: [...JOB_START_ACTIONS] }],
      assignableScopes: [resourceGroupId],
    });
    return new RoleAssignment(this, `starter-${caller}`, {
      scope: this.job.id,
      roleDefinitionId: this.starterRole.roleDefinitionResourceId,
      principalId,
      principalType: "ServicePrincipal",
    });
  }

  /**
   * Starts the job from a storage queue (the data trigger step) instead of by hand: one execution per
   * queued message, up to the spec's max. The KEDA scaler reads the queue's connection from Key Vault.
   */
  triggerOn(q: QueueTrigger): void {
    const w = this.workload;
    const grant = this.secretsStore.allowRead(`${this.name}-reads-queue-connection`, w.identity.principalId, q.connection.secret);
    // Key Vault references are resolved when a revision is created: grant first, and wait for it too.
    this.waitFor(grant);
    this.job.putSecret([...w.secrets, { name: "queue-connection", keyVaultSecretId: q.connection.reference, identity: w.identity.id }]);
    this.job.resetManualTriggerConfig();
    this.job.putEventTriggerConfig({
      parallelism: 1,
      replicaCompletionCount: 1,
      scale: [
        {
          minExecutions: 0,
          maxExecutions: this.maxExecutions,
          pollingIntervalInSeconds: q.pollingIntervalSeconds ?? 30,
          rules: [
            {
              name: "blob-created",
              customRuleType: "azure-queue",
              metadata: { accountName: q.accountName, queueName: q.queueName, queueLength: "1" },
              authentication: [{ secretName: "queue-connection", triggerParameter: "connection" }],
            },
          ],
        },
      ],
    });
  }
}
