/**
 * Keyless CI on Google Cloud, the same three identities as the AWS module (ci-identity.ts there):
 * a workload identity pool with one OIDC provider for GitHub Actions, and three service accounts a
 * workflow impersonates through it, each only from its own token subject:
 *   <prefix>-<env>-publisher  push images to the platform's Artifact Registry repository (workflow on main)
 *   <prefix>-<env>-builder    plan and apply this environment (deploy jobs of the matching GitHub environment)
 *   <prefix>-<env>-developer  plan pull requests: read state and describe resources, never data
 *
 * The provider admits tokens of exactly this repository and of the three subjects above (its
 * attribute condition), and each account's `roles/iam.workloadIdentityUser` is bound
 * authoritatively to the exact `principal://.../subject/<sub>` members: never the whole pool.
 * Only the builder holds roles/owner on the project.
 *
 * The developer is impersonable from pull-request workflows, which are the branch's own files, so
 * anyone who can push a branch acts as it: it holds no basic role (roles/viewer reads more than a
 * plan needs; Checkov CKV_GCP_117), no object role on any data bucket and no registry reader, only a
 * custom role of the get/list permissions a refresh of this stack calls (`PLAN_READER_PERMISSIONS`),
 * IAM policy reads (roles/iam.securityReviewer) and object viewer on the state bucket. Secret
 * versions are refreshed without `:access` (write-only data, modules/gcp/secrets.ts), so no secret
 * value is readable either. No grant depends on who runs Terraform: the stack names its principals.
 *
 * It deliberately creates no service account keys and no direct (account-less) federated grants,
 * and it does not enable APIs (the stack's ProjectServices does: iam, sts, iamcredentials). A pool
 * is soft-deleted for 30 days; recreating one with the same id in that window fails, so the pool
 * id is stable and never renamed.
 */
import { Construct } from "constructs";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ServiceAccountIamBinding } from "@cdktf/provider-google/lib/service-account-iam-binding";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { ValidationError } from "../core/errors";
import type { PlatformCiIdentity } from "../core/contracts";
import { Naming } from "../core/naming";
import { Registry } from "./registry";

/** GitHub Actions' OIDC issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** The CI personas; each becomes a service account `<prefix>-<env>-<persona>`. */
export type { CiPersona } from "../core/contracts";
import type { CiPersona } from "../core/contracts";

/**
 * What refreshing every resource type of the platform stack reads, and nothing that returns data
 * (no storage.objects.*, no secretmanager.versions.access, no artifactregistry download). IAM
 * policies come from roles/iam.securityReviewer. A new resource type in the stack needs its get
 * permission here, or the developer's plan fails with 403 on refresh.
 */
export const PLAN_READER_PERMISSIONS = [
  "resourcemanager.projects.get",
  "serviceusage.services.get",
  "serviceusage.services.list",
  "iam.roles.get",
  "iam.serviceAccounts.get",
  "iam.workloadIdentityPools.get",
  "iam.workloadIdentityPoolProviders.get",
  "compute.networks.get",
  "compute.subnetworks.get",
  "compute.routers.get",
  "compute.firewalls.get",
  "compute.globalAddresses.get",
  "servicenetworking.services.get",
  "run.services.get",
  "run.jobs.get",
  "cloudsql.instances.get",
  "cloudsql.databases.get",
  "cloudsql.users.list",
  "storage.buckets.get",
  "pubsub.topics.get",
  "eventarc.triggers.get",
  "workflows.workflows.get",
  "cloudkms.keyRings.get",
  "cloudkms.cryptoKeys.get",
  "artifactregistry.repositories.get",
  "secretmanager.secrets.get",
  "secretmanager.versions.get",
  "monitoring.alertPolicies.get",
  "monitoring.notificationChannels.get",
  "monitoring.uptimeCheckConfigs.get",
  "monitoring.dashboards.get",
  "logging.buckets.get",
] as const;

/** Service account ids: 6 to 30 characters. */
const ACCOUNT_ID_MAX = 30;
/** google.subject may hold at most 127 bytes. */
const SUBJECT_MAX = 127;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** GitHub environment and branch names as they appear in a subject: no wildcard, quote or colon. */
const SUBJECT_PART = /^[A-Za-z0-9_./-]+$/;

export interface CiIdentityProps {
  readonly naming: Naming;
  readonly projectId: string;
  /** Numeric project number: principal identifiers name the pool by it. */
  readonly projectNumber: string;
  /** `owner/name` of the repository whose workflows impersonate the accounts. */
  readonly repository: string;
  /** GitHub environment whose jobs may deploy (the builder's subject). */
  readonly githubEnvironment: string;
  /** Branch that publishes images. @default "main" */
  readonly publishBranch?: string;
  /** Terraform state bucket (gcs backend): object admin for the builder, object viewer for the developer. @default - no state grants (local state) */
  readonly stateBucket?: string;
}

/** The workload identity pool, its GitHub provider and the publisher, builder and developer accounts. */
export class CiIdentity extends Construct implements PlatformCiIdentity {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  /** `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`: the `workload_identity_provider` input of google-github-actions/auth. */
  readonly providerName: string;
  readonly publisher: ServiceAccount;
  readonly builder: ServiceAccount;
  readonly developer: ServiceAccount;
  /** Account emails, known at synth. */
  readonly emails: Readonly<Record<CiPersona, string>>;

  /** Service account e-mails (google-github-actions/auth service_account). */
  get loginIds(): Readonly<Record<CiPersona, string>> {
    return this.emails;
  }
  /** The exact token subjects each account trusts. */
  readonly subjects: Readonly<Record<CiPersona, readonly string[]>>;

  private readonly projectId: string;
  private readonly accounts: Record<CiPersona, ServiceAccount>;

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    const branch = props.publishBranch ?? "main";
    if (!REPOSITORY.test(props.repository)) {
      throw new ValidationError(`repository must be owner/name with no wildcard; got ${JSON.stringify(props.repository)}`, this);
    }
    for (const [field, value] of [["githubEnvironment", props.githubEnvironment], ["publishBranch", branch]] as const) {
      if (!SUBJECT_PART.test(value)) {
        throw new ValidationError(`${field} must be letters, digits, "_", ".", "/" or "-" (no wildcard); got ${JSON.stringify(value)}`, this);
      }
    }
    const n = props.naming;
    this.projectId = props.projectId;
    const repo = `repo:${props.repository}`;
    const main = `${repo}:ref:refs/heads/${branch}`;
    this.subjects = {
      publisher: [main],
      builder: [`${repo}:environment:${props.githubEnvironment}`],
      // Pull requests only: no workflow plans with it from main (ci.yml plans on pull_request).
      developer: [`${repo}:pull_request`],
    };
    const allSubjects = [...new Set(Object.values(this.subjects).flat())];
    const tooLong = allSubjects.find((s) => Buffer.byteLength(s) > SUBJECT_MAX);
    if (tooLong) {
      throw new ValidationError(`token subject ${JSON.stringify(tooLong)} is over ${SUBJECT_MAX} bytes (google.subject limit); shorten the repository or GitHub environment name`, this);
    }

    const poolId = n.bounded(32, "github");
    if (poolId.startsWith("gcp-")) {
      throw new ValidationError(`workload identity pool id may not start with "gcp-"; got ${JSON.stringify(poolId)} from the name prefix; choose another namePrefix`, this);
    }
    this.pool = new IamWorkloadIdentityPool(this, "pool", {
      project: props.projectId,
      workloadIdentityPoolId: poolId,
      displayName: `GitHub ${n.env}`.slice(0, 32),
      description: `GitHub Actions of ${props.repository}`,
    });
    const providerId = "github";
    this.provider = new IamWorkloadIdentityPoolProvider(this, "provider", {
      project: props.projectId,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: providerId,
      displayName: "GitHub Actions",
      description: `Tokens of ${props.repository} only`,
      oidc: { issuerUri: GITHUB_ISSUER },
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.repository_owner": "assertion.repository_owner",
        "attribute.ref": "assertion.ref",
        "attribute.actor": "assertion.actor",
        // Only deploy jobs carry the claim; the guard keeps other tokens mappable.
        "attribute.environment": 'has(assertion.environment) ? assertion.environment : ""',
      },
      // The repository by exact name, and then only the subjects some account trusts: a token of
      // another repository or of an unexpected trigger never gets a federated token at all.
      attributeCondition: `assertion.repository == "${props.repository}" && (${allSubjects.map((s) => `assertion.sub == "${s}"`).join(" || ")})`,
    });
    this.providerName = this.provider.name;
    const principal = (subject: string) =>
      `principal://iam.googleapis.com/projects/${props.projectNumber}/locations/global/workloadIdentityPools/${poolId}/subject/${subject}`;

    const emails = {} as Record<CiPersona, string>;
    const accounts = {} as Record<CiPersona, ServiceAccount>;
    const describe: Record<CiPersona, string> = {
      publisher: "CI: push service images",
      builder: `CI: plan and apply ${n.env}`,
      developer: "CI and people: read-only",
    };
    for (const persona of ["publisher", "builder", "developer"] as const) {
      const accountId = accountIdFor(n, persona);
      accounts[persona] = new ServiceAccount(this, persona, {
        project: props.projectId,
        accountId,
        displayName: `GitHub ${persona} (${n.env})`,
        description: describe[persona],
      });
      emails[persona] = `${accountId}@${props.projectId}.iam.gserviceaccount.com`;
      // Authoritative for the role on this account: nobody else may impersonate it this way.
      new ServiceAccountIamBinding(this, `${persona}-federation`, {
        serviceAccountId: accounts[persona].name,
        role: "roles/iam.workloadIdentityUser",
        members: this.subjects[persona].map(principal),
        dependsOn: [this.provider],
      });
    }
    this.accounts = accounts;
    this.publisher = accounts.publisher;
    this.builder = accounts.builder;
    this.developer = accounts.developer;
    this.emails = emails;

    this.grantProject("builder", "roles/owner");
    // Role ids: [a-zA-Z0-9_.]{3,64} (verify.ValidateIAMCustomRoleID, google v6.50.0).
    const planReader = new ProjectIamCustomRole(this, "plan-reader", {
      project: props.projectId,
      roleId: `${n.name("plan", "reader").replace(/-/g, "_")}`.slice(0, 64),
      title: `Plan reader (${n.env})`,
      description: "Describes the platform's resources for a Terraform refresh; reads no object, secret value or image",
      stage: "GA",
      permissions: [...PLAN_READER_PERMISSIONS],
    });
    new ProjectIamMember(this, "developer-plan-reader", {
      project: props.projectId,
      role: planReader.name,
      member: this.member("developer"),
      dependsOn: [this.accounts.developer],
    });
    // Plans refresh IAM members (buckets, repository, service accounts): basic Viewer cannot read IAM policies.
    this.grantProject("developer", "roles/iam.securityReviewer");
    if (props.stateBucket) {
      this.grantBucket("builder", "state", props.stateBucket, "roles/storage.objectAdmin");
      this.grantBucket("developer", "state", props.stateBucket, "roles/storage.objectViewer");
    }
  }

  /** Lets the publisher push to the platform's repository (and nothing else). */
  allowPublish(registry: Registry): void {
    const grant = (persona: CiPersona, role: string) =>
      new ArtifactRegistryRepositoryIamMember(this, `${persona}-images`, {
        project: this.projectId,
        location: registry.repository.location,
        repository: registry.repository.name,
        role,
        member: this.member(persona),
        dependsOn: [this.accounts[persona]],
      });
    grant("publisher", "roles/artifactregistry.writer");
  }

  /** `serviceAccount:<email>` with the email as a literal, so policy rules can tell the builder apart. */
  member(persona: CiPersona): string {
    return `serviceAccount:${this.emails[persona]}`;
  }

  private grantProject(persona: CiPersona, role: string): void {
    new ProjectIamMember(this, `${persona}-${role.split("/")[1].replace(/\./g, "-")}`, {
      project: this.projectId,
      role,
      member: this.member(persona),
      dependsOn: [this.accounts[persona]],
    });
  }

  private grantBucket(persona: CiPersona, purpose: string, bucket: string, role: string): void {
    new StorageBucketIamMember(this, `${persona}-bucket-${purpose}`, {
      bucket,
      role,
      member: this.member(persona),
      dependsOn: [this.accounts[persona]],
    });
  }
}

/**
 * `<prefix>-<env>-<persona>`; when over 30 characters the prefix and environment part is
 * shortened (with a hash) and the persona suffix kept, so the builder is always `...-builder@`.
 */
export function accountIdFor(naming: Naming, persona: CiPersona): string {
  const full = naming.name(persona);
  return full.length <= ACCOUNT_ID_MAX ? full : `${naming.bounded(ACCOUNT_ID_MAX - persona.length - 1)}-${persona}`;
}
