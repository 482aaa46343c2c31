/**
 * Data arrival trigger: a blob created under `<container>/<prefix>` in the data account starts a job.
 * An Event Grid system topic on the data account sends `Microsoft.Storage.BlobCreated` events,
 * filtered by subject prefix, to a Storage queue (delivered with the topic's managed identity,
 * retried for a day, dead-lettered to a container); the Container Apps job scales on that queue
 * (KEDA azure-queue), one execution per message. The job deletes the message when it is done.
 *
 * The queue lives in a small account of its own, the one place with shared keys enabled: the KEDA
 * scaler of azurerm 4.55's job resource can only authenticate with a connection string. It holds no
 * data (events carry blob URLs, not content), allows no public blobs, requires TLS 1.2, and the
 * connection string reaches the job only as a Key Vault reference. The policy finding for shared
 * keys on it is suppressed with that reason, and listed in the synth summary.
 *
 * Deliberately not created: an Azure Function (the seed's EventGrid to Function App pipeline):
 * the job runs the transform container directly, so there is no function code to deploy.
 */
import { Construct } from "constructs";
import { EventgridSystemTopic } from "@cdktf/provider-azurerm/lib/eventgrid-system-topic";
import { EventgridSystemTopicEventSubscription } from "@cdktf/provider-azurerm/lib/eventgrid-system-topic-event-subscription";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageQueue } from "@cdktf/provider-azurerm/lib/storage-queue";
import type { PlatformDataTrigger } from "../core/contracts";
import type { BucketPurpose } from "../core/workload-spec";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { suppress } from "../policy/suppressions";
import { alnumName } from "./private/names";
import { STORAGE_METRICS, type ObjectStorage } from "./object-storage";
import { addDiagnostics } from "./private/diagnostics";
import type { QueueTrigger } from "./container-app-job";
import type { Secrets } from "./secrets";
import { HARDENED_ACCOUNT } from "./private/hardened-account";

export interface DataTriggerProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly uniqueSeed: string;
  /** The data account whose blob events start the job. */
  readonly storage: ObjectStorage;
  readonly secrets: Secrets;
  /** Name of the job (queue and secret names derive from it). */
  readonly jobName: string;
  readonly bucket: BucketPurpose;
  /** Blob name prefix inside the container, like `incoming/`. @default "" (every blob) */
  readonly prefix?: string;
  /** Hours Event Grid keeps retrying delivery before dead-lettering. @default 24 */
  readonly retryHours?: number;
  /** Queue reads, writes and deletes to Log Analytics. @default - no diagnostic setting */
  readonly logWorkspaceId?: string;
}

/** Event Grid system topic, subscription and the queue a job scales on. */
export class DataTrigger extends Construct implements PlatformDataTrigger {
  readonly jobName: string;
  readonly bucket: BucketPurpose;
  readonly prefix: string;
  readonly topic: EventgridSystemTopic;
  readonly subscription: EventgridSystemTopicEventSubscription;
  readonly queueAccount: StorageAccount;
  readonly queue: StorageQueue;
  /** What ContainerAppJob needs to scale on the queue. */
  readonly queueTrigger: QueueTrigger;
  /** The Event Grid subject filter. */
  readonly subjectPrefix: string;

  constructor(scope: Construct, id: string, props: DataTriggerProps) {
    super(scope, id);
    const prefix = props.prefix ?? "";
    this.jobName = props.jobName;
    this.bucket = props.bucket;
    this.prefix = prefix;
    const retryHours = props.retryHours ?? 24;
    if (prefix.startsWith("/")) throw new ValidationError(`prefix is relative to the container; got ${JSON.stringify(prefix)} (drop the leading /)`, this);
    if (retryHours < 1 || retryHours > 24) throw new ValidationError(`retryHours must be 1 to 24; got ${retryHours}`, this);
    const n = props.naming;
    const queueName = `${props.jobName}-events`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63);
    this.subjectPrefix = `/blobServices/default/containers/${props.bucket}/blobs/${prefix}`;

    this.queueAccount = new StorageAccount(this, "queue-account", {
      ...HARDENED_ACCOUNT,
      name: alnumName(n, 24, props.uniqueSeed, "evt"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountReplicationType: "LRS",
      sharedAccessKeyEnabled: true, // the KEDA scaler needs them (below)
      // It holds no blobs but dead letters; soft delete costs nothing there (Checkov CKV2_AZURE_38).
      blobProperties: { deleteRetentionPolicy: { days: 7 } },
      // Shared keys stay on for the KEDA scaler (below): any SAS token minted from them lives at most an hour
      // and its use past that is logged (azurerm v4.55.0 storage_account_resource.go `sas_policy`:
      // expiration_period required, expiration_action Log by default). The scaler uses the account key, not a SAS.
      sasPolicy: { expirationPeriod: "00.01:00:00", expirationAction: "Log" },
    });
    suppress(
      this.queueAccount,
      "MLOPS-AZURE-STORAGE-SHARED-KEY",
      "Trigger queue only (no data): the KEDA azure-queue rule of azurerm 4.55 container_app_job authenticates only with a connection string, kept in Key Vault",
    );
    this.queue = new StorageQueue(this, "queue", { name: queueName, storageAccountId: this.queueAccount.id });
    // Azure Monitor's queue logs (StorageRead/Write/Delete) instead of classic Storage Analytics logging.
    addDiagnostics(this, "queue-diagnostics", `${this.queueAccount.id}/queueServices/default`, props.logWorkspaceId, ["allLogs"], STORAGE_METRICS);
    const deadLetters = new StorageContainer(this, "dead-letters", {
      name: "dead-letters",
      storageAccountId: this.queueAccount.id,
      containerAccessType: "private",
    });

    this.topic = new EventgridSystemTopic(this, "topic", {
      name: n.name(props.bucket, "events"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sourceResourceId: props.storage.account.id,
      topicType: "Microsoft.Storage.StorageAccounts",
      identity: { type: "SystemAssigned" },
    });
    const sender = new RoleAssignment(this, "topic-queue-sender", {
      scope: this.queueAccount.id,
      roleDefinitionName: "Storage Queue Data Message Sender",
      principalId: this.topic.identity.principalId,
      principalType: "ServicePrincipal",
    });
    const deadLetterWriter = new RoleAssignment(this, "topic-dead-letter-writer", {
      scope: deadLetters.id, // not the deprecated resource_manager_id: the same ARM id (object-storage.ts)
      roleDefinitionName: "Storage Blob Data Contributor",
      principalId: this.topic.identity.principalId,
      principalType: "ServicePrincipal",
    });

    this.subscription = new EventgridSystemTopicEventSubscription(this, "subscription", {
      name: `${props.jobName}-blob-created`,
      resourceGroupName: props.resourceGroupName,
      systemTopic: this.topic.name,
      includedEventTypes: ["Microsoft.Storage.BlobCreated"],
      subjectFilter: { subjectBeginsWith: this.subjectPrefix, caseSensitive: true },
      eventDeliverySchema: "EventGridSchema",
      deliveryIdentity: { type: "SystemAssigned" },
      storageQueueEndpoint: { storageAccountId: this.queueAccount.id, queueName: this.queue.name, queueMessageTimeToLiveInSeconds: 7 * 24 * 3600 },
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLive: retryHours * 60 },
      deadLetterIdentity: { type: "SystemAssigned" },
      storageBlobDeadLetterDestination: { storageAccountId: this.queueAccount.id, storageBlobContainerName: deadLetters.name },
      dependsOn: [sender, deadLetterWriter],
    });

    const connection = props.secrets.storeReference(`${props.jobName}-queue-connection`, this.queueAccount.primaryConnectionString);
    // primary_queue_endpoint ends in "/" (https://<account>.queue.core.windows.net/).
    this.queueTrigger = { accountName: this.queueAccount.name, queueName: this.queue.name, connection, queueUrl: `${this.queueAccount.primaryQueueEndpoint}${this.queue.name}` };
  }

  /** Lets the job's identity read and delete messages (it removes each event it has processed). */
  allowConsume(principalId: string): RoleAssignment {
    return new RoleAssignment(this, "job-queue-processor", {
      scope: this.queueAccount.id,
      roleDefinitionName: "Storage Queue Data Message Processor",
      principalId,
      principalType: "ServicePrincipal",
    });
  }
}
