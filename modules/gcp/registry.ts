/**
 * An Artifact Registry Docker repository for every service's images: immutable tags (a tag always
 * names the same image, so a deploy by tag is reproducible), cleanup policies that make "keep the
 * newest N versions of each image" true, vulnerability scanning, and an optional customer-managed key.
 *
 * Cleanup semantics: a KEEP policy only exempts versions from DELETE policies, and every pushed
 * image is tagged, so "keep N" plus "delete untagged" deleted nothing. The DELETE policy here
 * matches every version (tag_state ANY) older than `untaggedRetentionDays`; KEEP wins, so what
 * survives is the newest N of each image plus anything younger than that. Versions a deployment
 * names by digest are among the newest N as long as N exceeds the builds between promotions
 * (`registry.keepImages`). Schema: resource_artifact_registry_repository.go, v6.50.0 (`action`
 * DELETE|KEEP, `condition.tag_state` TAGGED|UNTAGGED|ANY, `older_than` a duration).
 *
 * One repository holds all services (`<host>/<project>/<repo>/<service>`): Artifact Registry
 * applies cleanup per image, so per-service repositories (the ECR shape) would add nothing but
 * IAM bindings. It deliberately grants nobody access: each service identity gets reader on this
 * repository (ServiceIdentity), CI writers come with the CI identity.
 */
import { Construct } from "constructs";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { PlatformRegistry } from "../core/contracts";
import { lookup, ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import type { ImageRef } from "../core/workload-spec";

export interface RegistryProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  /** Versions of each image kept by the cleanup policy, 1 to 1000. @default 30 */
  readonly keepImages?: number;
  /** Versions older than this, outside the newest `keepImages`, are deleted. @default 7 */
  readonly untaggedRetentionDays?: number;
  /** Only report what cleanup would delete (a safe first rollout). @default false */
  readonly cleanupDryRun?: boolean;
  /** Artifact Analysis scanning of pushed images. @default true */
  readonly enableVulnerabilityScanning?: boolean;
  /** Cloud KMS key for the repository (CMEK). @default - Google-managed encryption */
  readonly customerManagedKey?: string;
  /** The services whose images it holds, as on every cloud: `repositoryUrl` refuses any other name. */
  readonly repositories: readonly string[];
  /**
   * Destroy the repository while it still holds images, as on every cloud (AWS `force_delete`). Artifact
   * Registry's DELETE takes the images with it and the resource has no emptiness check or deletion
   * protection (google v6.50.0 artifactregistry/resource_artifact_registry_repository.go), so `false`
   * is `lifecycle.prevent_destroy`: Terraform refuses any plan that destroys it. @default false
   */
  readonly forceDestroy?: boolean;
}

/** The Docker repository of the platform. */
export class Registry extends Construct implements PlatformRegistry {
  readonly repository: ArtifactRegistryRepository;
  /** `europe-west3-docker.pkg.dev/<project>/<repo>` */
  readonly repositoryBase: string;
  private readonly services: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 30;
    const untaggedDays = props.untaggedRetentionDays ?? 7;
    const dryRun = props.cleanupDryRun ?? false;
    const scanning = props.enableVulnerabilityScanning ?? true;
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
      throw new ValidationError(`keepImages must be an integer from 1 to 1000; got ${keep}`, this);
    }
    if (!Number.isInteger(untaggedDays) || untaggedDays < 1) {
      throw new ValidationError(`untaggedRetentionDays must be a positive integer; got ${untaggedDays}`, this);
    }
    const repositoryId = props.naming.bounded(63, "images");
    this.repository = new ArtifactRegistryRepository(this, "repository", {
      project: props.projectId,
      location: props.region,
      repositoryId,
      format: "DOCKER",
      mode: "STANDARD_REPOSITORY",
      description: "Container images of the MLOps platform services",
      dockerConfig: { immutableTags: true },
      kmsKeyName: props.customerManagedKey,
      cleanupPolicyDryRun: dryRun,
      lifecycle: props.forceDestroy ? undefined : { preventDestroy: true },
      cleanupPolicies: [
        // KEEP wins over DELETE: the newest N versions of each image survive whatever their age.
        { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: keep } },
        { id: "delete-old", action: "DELETE", condition: { tagState: "ANY", olderThan: `${untaggedDays * 86400}s` } },
      ],
      vulnerabilityScanningConfig: { enablementConfig: scanning ? "INHERITED" : "DISABLED" },
    });
    this.repositoryBase = `${props.region}-docker.pkg.dev/${props.projectId}/${repositoryId}`;
    this.services = Object.fromEntries(props.repositories.map((name) => [name, `${this.repositoryBase}/${name}`]));
  }

  repositoryUrl(service: string): string {
    return lookup(this, "repository", this.services, service);
  }

  /** The image a service runs: `<repo>@sha256:...` when a promotion pinned a digest, else `<repo>:<tag>`. */
  imageUri(service: string, image: ImageRef): string {
    return image.kind === "digest" ? `${this.repositoryUrl(service)}@${image.digest}` : `${this.repositoryUrl(service)}:${image.tag}`;
  }
}
