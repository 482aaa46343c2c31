/**
 * One service account per workload with only the roles its spec needs: object viewer (read) or
 * object user (read-write: read, create, delete objects, never IAM) on exactly the buckets it
 * names, secret accessor on its own secrets, reader on the image repository, and for a workload
 * that uses the database, Cloud SQL client + instance user limited by an IAM condition to the
 * platform's instance (Cloud SQL has no resource-level IAM).
 *
 * It deliberately grants no project-wide roles beyond those two conditioned Cloud SQL ones and
 * creates no keys: Cloud Run runs as the account, no credential ever leaves Google.
 */
import { Construct } from "constructs";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Naming } from "../core/naming";
import { BucketAccess, BucketPurpose, ServiceSpec } from "../core/workload-spec";
import { ObjectStorage } from "./object-storage";
import { Registry } from "./registry";
import { Secrets } from "./secrets";

/** Bucket role per access level (predefined roles, least privilege). */
export const BUCKET_ROLE: Record<BucketAccess, string> = {
  read: "roles/storage.objectViewer",
  "read-write": "roles/storage.objectUser",
};

export interface ServiceIdentityProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly spec: Pick<ServiceSpec, "name" | "description" | "buckets" | "secrets" | "usesDatabase">;
  readonly storage: ObjectStorage;
  readonly secrets: Secrets;
  readonly registry: Registry;
  /** Cloud SQL instance name the account may log in to, when the spec uses the database. @default - no database roles */
  readonly databaseInstanceName?: string;
}

/** The runtime identity of one workload. */
export class ServiceIdentity extends Construct {
  readonly account: ServiceAccount;
  /** `<id>@<project>.iam.gserviceaccount.com`, known at synth (the database user name derives from it). */
  readonly email: string;
  readonly member: string;

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    const { spec } = props;
    const accountId = serviceAccountId(props.naming, spec.name);
    this.account = new ServiceAccount(this, "account", {
      project: props.projectId,
      accountId,
      displayName: `${spec.name} runtime`,
      description: spec.description.slice(0, 256),
    });
    this.email = `${accountId}@${props.projectId}.iam.gserviceaccount.com`;
    this.member = `serviceAccount:${this.account.email}`;

    for (const [purpose, access] of Object.entries(spec.buckets) as [BucketPurpose, BucketAccess][]) {
      new StorageBucketIamMember(this, `bucket-${purpose}`, {
        bucket: props.storage.bucketName(purpose),
        role: BUCKET_ROLE[access],
        member: this.member,
      });
    }
    for (const secret of spec.secrets) {
      new SecretManagerSecretIamMember(this, `secret-${secret}`, {
        project: props.projectId,
        secretId: props.secrets.secretId(secret),
        role: "roles/secretmanager.secretAccessor",
        member: this.member,
      });
    }
    new ArtifactRegistryRepositoryIamMember(this, "images", {
      project: props.projectId,
      location: props.registry.repository.location,
      repository: props.registry.repository.name,
      role: "roles/artifactregistry.reader",
      member: this.member,
    });
    if (spec.usesDatabase && props.databaseInstanceName) {
      const condition = {
        title: "platform-database-only",
        expression: `resource.name == "projects/${props.projectId}/instances/${props.databaseInstanceName}" && resource.service == "sqladmin.googleapis.com"`,
      };
      for (const role of ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]) {
        new ProjectIamMember(this, role.split(".")[1].toLowerCase(), { project: props.projectId, role, member: this.member, condition });
      }
    }
  }
}

/** The runtime account id of a catalog workload (6-30 characters). */
export function serviceAccountId(naming: Naming, service: string): string {
  return naming.bounded(30, service);
}

/** The runtime account's e-mail, known at synth: the database's IAM users derive from it before the account exists in code. */
export function serviceIdentityEmail(naming: Naming, projectId: string, service: string): string {
  return `${serviceAccountId(naming, service)}@${projectId}.iam.gserviceaccount.com`;
}
