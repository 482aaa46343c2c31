/**
 * The environment's customer-managed key (Cloud KMS), used by the buckets and the image registry
 * when the environment asks for KMS: a regional key ring (same location as the data, which CMEK
 * requires) and one software key rotated every 90 days, with encrypt/decrypt granted to the
 * Google service agents that use it on our behalf.
 *
 * Service agents are created lazily, and IAM rejects a grant to one that does not exist yet. The
 * Cloud Storage agent is read with `google_storage_project_service_account`, which provisions it
 * (private/storage-agent.ts). The Artifact Registry and Pub/Sub agents are created when their API
 * is enabled: their grants are exposed in `grants`, and the stack makes each wait for its API
 * (`AGENT_API`).
 *
 * Key rings and keys cannot be deleted in Google Cloud: `terraform destroy` only schedules the key
 * versions for destruction (after `destroyScheduledDays`); the ring name stays taken. The key also
 * carries `lifecycle.prevent_destroy` (Checkov CKV_GCP_82) unless the environment is throwaway: a
 * plan that would destroy it fails, since every CMEK bucket and the registry become unreadable
 * once its versions are destroyed. Cloud SQL and
 * Secret Manager are not encrypted with it here: their service agents only exist after a
 * `google_project_service_identity` call, which the GA provider does not offer.
 */
import { Construct } from "constructs";
import { KmsCryptoKey } from "@cdktf/provider-google/lib/kms-crypto-key";
import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";
import { KmsKeyRing } from "@cdktf/provider-google/lib/kms-key-ring";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { storageServiceAgent } from "./private/storage-agent";

/** Google service agents that encrypt with the key, by what they serve. */
export type KeyUser = "storage" | "artifact-registry" | "pubsub";

/** The agent's `serviceAccount:` member; storage's comes from the data source that provisions it. */
const AGENT_MEMBER: Record<KeyUser, (scope: Construct, props: EncryptionKeyProps) => string> = {
  storage: (scope, p) => storageServiceAgent(scope, p.projectId).member,
  "artifact-registry": (_, p) => `serviceAccount:service-${p.projectNumber}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
  pubsub: (_, p) => `serviceAccount:service-${p.projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`,
};

/** The API whose enablement creates (or must precede reading) each agent: grants wait for it. */
export const AGENT_API: Readonly<Record<KeyUser, string>> = {
  storage: "storage.googleapis.com",
  "artifact-registry": "artifactregistry.googleapis.com",
  pubsub: "pubsub.googleapis.com",
};

export interface EncryptionKeyProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly region: string;
  /** Service agents granted encrypt/decrypt. @default ["storage", "artifact-registry"] */
  readonly users?: readonly KeyUser[];
  /** Days between automatic rotations. @default 90 */
  readonly rotationDays?: number;
  /** Days a destroyed key version can still be restored. @default 30 */
  readonly destroyScheduledDays?: number;
  /** Refuse any plan that destroys the key (`lifecycle.prevent_destroy`). @default true */
  readonly preventDestroy?: boolean;
}

/** One rotating CMEK key per environment. */
export class EncryptionKey extends Construct {
  readonly key: KmsCryptoKey;
  /** `projects/<p>/locations/<r>/keyRings/<ring>/cryptoKeys/<key>` */
  readonly keyId: string;
  /** The encrypt/decrypt grant of each agent, for depends_on on the API that creates the agent. */
  readonly grants: ReadonlyMap<KeyUser, KmsCryptoKeyIamMember>;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const users = props.users ?? ["storage", "artifact-registry"];
    const rotationDays = props.rotationDays ?? 90;
    const destroyDays = props.destroyScheduledDays ?? 30;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 365) {
      throw new ValidationError(`rotationDays must be an integer from 1 to 365; got ${rotationDays}`, this);
    }
    const ring = new KmsKeyRing(this, "ring", { name: props.naming.name("platform"), project: props.projectId, location: props.region });
    this.key = new KmsCryptoKey(this, "key", {
      name: props.naming.name("data"),
      keyRing: ring.id,
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: `${rotationDays * 86400}s`,
      destroyScheduledDuration: `${destroyDays * 86400}s`,
      versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.keyId = this.key.id;
    const grants = new Map<KeyUser, KmsCryptoKeyIamMember>();
    for (const user of users) {
      grants.set(
        user,
        new KmsCryptoKeyIamMember(this, `use-${user}`, {
          cryptoKeyId: this.key.id,
          role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
          member: AGENT_MEMBER[user](this, props),
        }),
      );
    }
    this.grants = grants;
  }
}
