/**
 * `<env>-<cloud>-state`: creates the storage the environment's platform stack keeps its Terraform
 * state in (the bucket, or the resource group, account and container, that `clouds.<cloud>.backend`
 * names), and keeps its own state there too, under `<keyPrefix>/<env>-<cloud>-state.tfstate`.
 *
 * Its backend is always the remote one: the synthesized stack is the same on day 0 and every day
 * after. Day 0 (scripts/day0.ts) applies it once on local state through a Terraform override file
 * (`*_override.tf.json` replaces the backend block) beside the synthesized JSON, then removes the
 * override and runs `terraform init -migrate-state`, which copies that state into the storage just
 * created. The stack reads no file and no environment variable to know which phase it is in.
 */
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { CloudName, EnvironmentConfig } from "../environments/schema";
import { platformTags } from "../modules/core/tags";
import { StateStorage as AwsStateStorage } from "../modules/aws/state-storage";
import { StateStorage as AzureStateStorage } from "../modules/azure/state-storage";
import { AzureTagsAspect } from "../modules/azure/tags";
import { googleLabels } from "../modules/gcp/tags";
import { StateStorage as GcpStateStorage } from "../modules/gcp/state-storage";
import { configureBackend } from "./backend";
import { StateStorage, stateLocation } from "./state-location";

export interface StateStorageStackProps {
  readonly env: EnvironmentConfig;
  readonly cloud: CloudName;
}

/** One `<env>-<cloud>-state` stack. */
export class StateStorageStack extends TerraformStack {
  /** What this stack creates: the storage every stack of the (environment, cloud) names as its backend. */
  readonly storage: StateStorage;

  constructor(scope: Construct, id: string, props: StateStorageStackProps) {
    super(scope, id);
    const { env, cloud } = props;
    const backend = env.clouds[cloud]?.backend;
    if (!backend) throw new Error(`${id}: environment ${env.name} has no ${cloud} section`);
    const storage = stateLocation(backend, id).storage;
    if (!storage) throw new Error(`${id}: clouds.${cloud}.backend of ${env.name} is local; there is no state storage to create`);
    this.storage = storage;
    configureBackend(this, backend, id);

    const aws = env.clouds.aws;
    const azure = env.clouds.azure;
    const gcp = env.clouds.gcp;
    if (storage.type === "s3" && aws) {
      // The provider works in the bucket's region, which may differ from the platform's.
      new AwsProvider(this, "aws", { region: storage.region, allowedAccountIds: [aws.accountId], defaultTags: [{ tags: platformTags(env, "aws") }] });
      const s = new AwsStateStorage(this, "state", { bucket: storage.bucket, kmsKeyId: storage.kmsKeyId });
      new TerraformOutput(this, "state_bucket", { value: s.bucket.bucket, description: "S3 bucket holding this environment's Terraform state" });
    } else if (storage.type === "azurerm" && azure) {
      Aspects.of(this).add(new AzureTagsAspect(platformTags(env, "azure")));
      new AzurermProvider(this, "azurerm", {
        subscriptionId: azure.subscriptionId,
        tenantId: azure.tenantId,
        storageUseAzuread: true,
        features: [
          {
            resourceGroup: [{ preventDeletionIfContainsResources: true }],
            // With data_plane_available (default true) azurerm 4.55 reads queue and static-website properties
            // through the data plane after every create and refresh (internal/services/storage/
            // storage_account_resource.go, resourceStorageAccountFlatten); shared keys are off and the person
            // running day 0 has no data role yet, so that read would be a 403 that fails the apply.
            storage: [{ dataPlaneAvailable: false }],
          },
        ],
      });
      const s = new AzureStateStorage(this, "state", { ...storage, location: azure.location });
      new TerraformOutput(this, "state_storage_account", { value: s.account.name, description: "Storage account holding this environment's Terraform state" });
      new TerraformOutput(this, "state_container", { value: s.container.name, description: "Blob container of the state files" });
    } else if (storage.type === "gcs" && gcp) {
      const labels = googleLabels(platformTags(env, "gcp"), this);
      new GoogleProvider(this, "google", { project: gcp.projectId, region: gcp.region });
      const s = new GcpStateStorage(this, "state", { bucket: storage.bucket, location: gcp.region, labels });
      new TerraformOutput(this, "state_bucket", { value: s.bucket.name, description: "Cloud Storage bucket holding this environment's Terraform state" });
    } else {
      throw new Error(`${id}: a ${storage.type} backend does not belong to cloud ${cloud}`);
    }
  }
}
