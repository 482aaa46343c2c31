/**
 * One ECR repository per workload of the catalog: immutable tags, scan on push, KMS or AES256
 * encryption, a lifecycle policy keeping the last N images, and a repository policy that lets the
 * CI publisher push and the task execution roles pull. Nobody else is named (cdk-nag ECR1).
 * It does not set up replication or pull-through caches.
 */
import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { PlatformRegistry } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from "./private/iam";

export interface RegistryProps {
  readonly naming: Naming;
  /** Repository names, one per workload. */
  readonly repositories: readonly string[];
  /** Images kept per repository; older ones expire. @default 30 */
  readonly keepImages?: number;
  /** KMS key; without one ECR's AES256 is used. @default - AES256 */
  readonly customerManagedKey?: string;
  /** Delete repositories that still hold images on destroy. @default false */
  readonly forceDestroy?: boolean;
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
      new EcrLifecyclePolicy(this, `${name}-lifecycle`, {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `keep the last ${keep} images`,
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
              action: { type: "expire" },
            },
          ],
        }),
      });
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
    const repo = this.repositories[service];
    if (!repo) throw new Error(`no repository for ${service}`);
    return repo.repositoryUrl;
  }

  repositoryArn(service: string): string {
    return this.repositories[service].arn;
  }
}
