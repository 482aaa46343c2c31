/**
 * A run-to-completion workload of the catalog as a Container Apps job, wired like a container app
 * (ACR pull identity, own identity, Key Vault references, 1:2 sizing). Triggered either manually
 * (an operator or pipeline starts it) or by an Azure Storage queue through the KEDA `azure-queue`
 * scaler: one execution per queued message, up to the spec's max.
 *
 * The KEDA rule authenticates with a queue connection string held in Key Vault: azurerm 4.55 has no
 * managed-identity option on job scale rules (the ARM API gained one later), so the queue lives in
 * a small account of its own (see DataTrigger) and the secret is a Key Vault reference.
 *
 * Deliberately not created: schedule triggers, init containers, volumes.
 */
import { Construct } from "constructs";
import { ContainerAppJob } from "@cdktf/provider-azurerm/lib/container-app-job";
import type { ResolvedService } from "../../services/service-spec";
import { ValidationError } from "../core/errors";
import type { ContainerAppsEnvironment } from "./container-app-environment";
import { containerBasics, Workload, WorkloadWiring, prepareWorkload } from "./private/workload";
import type { StoredSecret } from "./secrets";

/** Where a queue-triggered job reads its events. */
export interface QueueTrigger {
  readonly accountName: string;
  readonly queueName: string;
  /** Key Vault secret holding the queue account's connection string. */
  readonly connection: StoredSecret;
  /** Seconds between KEDA polls. @default 30 */
  readonly pollingIntervalSeconds?: number;
}

export interface ContainerAppsJobProps extends WorkloadWiring {
  readonly spec: ResolvedService;
  readonly environment: ContainerAppsEnvironment;
  /** @default - manual trigger */
  readonly queue?: QueueTrigger;
  /** Seconds one execution may run. @default 1800 */
  readonly timeoutSeconds?: number;
  /** Retries of a failed execution. @default 1 */
  readonly retryLimit?: number;
}

/** A Container Apps job for one ServiceSpec of kind `job`. */
export class ContainerAppsJob extends Construct {
  readonly job: ContainerAppJob;
  readonly name: string;
  readonly workload: Workload;

  constructor(scope: Construct, id: string, props: ContainerAppsJobProps) {
    super(scope, id);
    const spec = props.spec;
    const timeout = props.timeoutSeconds ?? 1800;
    const retries = props.retryLimit ?? 1;
    if (spec.kind !== "job") throw new ValidationError(`${spec.name} is a ${spec.kind}; use ContainerAppService for services`, this);
    if (spec.scaling.max < 1) throw new ValidationError(`${spec.name}: max executions must be at least 1; got ${spec.scaling.max}`, this);
    this.name = spec.name;
    this.workload = prepareWorkload(this, spec, props);
    const w = this.workload;
    const secrets = [...w.secrets];
    const env = [...w.env];
    const q = props.queue;
    if (q) {
      secrets.push({ name: "queue-connection", keyVaultSecretId: q.connection.reference, identity: w.identity.id });
      w.grants.push(props.secrets.grantRead(`${spec.name}-reads-queue-connection`, w.identity.principalId, q.connection.secret));
      env.push({ name: "EVENT_QUEUE_ACCOUNT", value: q.accountName }, { name: "EVENT_QUEUE_NAME", value: q.queueName });
    }

    this.job = new ContainerAppJob(this, "job", {
      name: props.naming.bounded(32, spec.name),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.environment.workloadProfileName,
      replicaTimeoutInSeconds: timeout,
      replicaRetryLimit: retries,
      identity: { type: "UserAssigned", identityIds: w.identityIds },
      registry: [w.registry],
      secret: secrets.length > 0 ? secrets : undefined,
      ...(q
        ? {
            eventTriggerConfig: {
              parallelism: 1,
              replicaCompletionCount: 1,
              scale: [
                {
                  minExecutions: 0,
                  maxExecutions: spec.scaling.max,
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
            },
          }
        : { manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 } }),
      template: {
        container: [
          {
            ...containerBasics(spec, w, env),
          },
        ],
      },
      dependsOn: w.grants,
    });
  }
}
