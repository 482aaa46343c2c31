/**
 * One ECR repository per workload of the catalog: immutable tags, scan on push, KMS or AES256
 * encryption, a lifecycle policy that expires old CI builds but never a deployed digest (see
 * `lifecyclePolicy`), and a repository policy that lets the
 * CI publisher push and the task execution roles pull. Nobody else is named (cdk-nag ECR1).
 * It does not set up replication or pull-through caches.
 */
import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { PlatformRegistry } from "../core/contracts";
import { lookup, ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from "./private/iam";

export interface RegistryProps {
  readonly naming: Naming;
  /** Repository names, one per workload. */
  readonly repositories: readonly string[];
  /** CI builds (`ci-` tags) kept per repository; older ones expire unless deployed. @default 30 */
  readonly keepImages?: number;
  /** KMS key; without one ECR's AES256 is used. @default - AES256 */
  readonly customerManagedKey?: string;
  /** Delete repositories that still hold images on destroy. @default false */
  readonly forceDestroy?: boolean;
}

/** Tag prefix of every image CI pushes (images.yml `IMAGE_TAG`). */
export const CI_TAG_PREFIX = "ci-";
/** Tag prefix deploy.yml puts on every digest an environment deploys (`deployed-<16 hex of the digest>`). */
export const DEPLOYED_TAG_PREFIX = "deployed-";
/**
 * Deployed digests kept per repository. Rule 1 must exist to claim them (ECR needs an action), so it
 * counts too, far beyond any repository's history: the oldest of 10000 deployments would go first.
 */
export const DEPLOYED_KEEP = 10000;

/**
 * The lifecycle rules. ECR evaluates rules by ascending priority and an image matched by a rule's
 * tag selection can no longer be expired by a later rule (AWS "Lifecycle policy evaluation
 * rules"), so rule 1 claims every digest tagged `deployed-` before rule 2 counts the `ci-` builds.
 * No `tagStatus: "any"` rule: an image with any other tag (the catalog tag) never expires.
 */
export function lifecyclePolicy(keepCiImages: number): { rules: object[] } {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `deployed digests: keep the last ${DEPLOYED_KEEP}`,
        selection: { tagStatus: "tagged", tagPrefixList: [DEPLOYED_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: DEPLOYED_KEEP },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `CI builds: keep the last ${keepCiImages}`,
        selection: { tagStatus: "tagged", tagPrefixList: [CI_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: keepCiImages },
        action: { type: "expire" },
      },
      {
        rulePriority: 3,
        description: "untagged images after 7 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
        action: { type: "expire" },
      },
    ],
  };
}

/** ECR repositories named `<prefix>-<env>/<workload>`. */
export class Registry extends Construct implements PlatformRegistry {
  readonly repositories: Record<string, EcrRepository> = {};

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 30;
    if (!Number.isInteger(keep) || keep < 1) throw new ValidationError(`keepImages must be a positive integer; got ${keep}`, this);
    for (const name of props.repositories) {
      const repo = new EcrRepository(this, name, {
        name: `${props.naming.name()}/${name}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [props.customerManagedKey ? { encryptionType: "KMS", kmsKey: props.customerManagedKey } : { encryptionType: "AES256" }],
        forceDelete: props.forceDestroy ?? false,
      });
      new EcrLifecyclePolicy(this, `${name}-lifecycle`, { repository: repo.name, policy: JSON.stringify(lifecyclePolicy(keep)) });
      this.repositories[name] = repo;
    }
  }

  /**
   * Repository policies: `push` roles may push (CI's service publisher), each repository's pull
   * roles may pull (its task execution role, developers). Call once, after the roles exist.
   */
  allowAccess(push: readonly string[], pullByRepository: Readonly<Record<string, readonly string[]>>): void {
    for (const [name, repo] of Object.entries(this.repositories)) {
      const pull = pullByRepository[name] ?? [];
      const statements: object[] = [];
      if (pull.length > 0) {
        statements.push({
          Sid: "Pull",
          Effect: "Allow",
          Principal: { AWS: [...pull] },
          Action: ECR_PULL_ACTIONS,
        });
      }
      if (push.length > 0) {
        statements.push({
          Sid: "Push",
          Effect: "Allow",
          Principal: { AWS: [...push] },
          Action: [...new Set([...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS])],
        });
      }
      if (statements.length === 0) continue;
      new EcrRepositoryPolicy(this, `${name}-policy`, {
        repository: repo.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      });
    }
  }

  repositoryUrl(service: string): string {
    return lookup(this, "repository", this.repositories, service).repositoryUrl;
  }

  repositoryArn(service: string): string {
    return lookup(this, "repository", this.repositories, service).arn;
  }
}
