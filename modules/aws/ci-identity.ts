/**
 * Keyless CI: GitHub's OIDC provider and the three roles of the system deployments seed's
 * hierarchy, each trusting only this repository, and deploy roles only its GitHub environment:
 *   service-publisher  push images to this environment's repositories (workflow on main)
 *   infra-builder      plan and apply this environment (deploy jobs of the matching GitHub environment)
 *   developer          read registries, buckets and state (pull-request plans)
 * No long-lived access key exists anywhere. Only infra-builder holds account-wide admin.
 */
import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ValidationError } from "../core/errors";
import type { CiPersona, PlatformCiIdentity } from "../core/contracts";
import { Naming } from "../core/naming";
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from "./private/iam";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface CiIdentityProps {
  readonly naming: Naming;
  readonly accountId: string;
  /** `owner/name` of the repository whose workflows assume the roles. */
  readonly repository: string;
  /** GitHub environment whose jobs may deploy. */
  readonly githubEnvironment: string;
  /** Branch that publishes images. @default "main" */
  readonly publishBranch?: string;
  /** Use an existing OIDC provider (one per account) instead of creating one. @default - create it */
  readonly existingOidcProviderArn?: string;
  /** Session length in seconds. @default 3600 */
  readonly maxSessionSeconds?: number;
  /** The environment's data key: the developer may decrypt through S3 with it (reading KMS buckets). @default - none */
  readonly dataKeyArn?: string;
  /** Region of the data key's S3 use. Required with dataKeyArn. */
  readonly region?: string;
}

/** The OIDC provider and the publisher, builder and developer roles. */
export class CiIdentity extends Construct implements PlatformCiIdentity {
  readonly oidcProviderArn: string;
  readonly publisherRole: IamRole;
  readonly builderRole: IamRole;
  readonly developerRole: IamRole;

  /** Role ARNs (aws-actions/configure-aws-credentials role-to-assume). */
  get loginIds(): Readonly<Record<CiPersona, string>> {
    return { publisher: this.publisherRole.arn, builder: this.builderRole.arn, developer: this.developerRole.arn };
  }

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new ValidationError(`repository must be owner/name with no wildcard; got ${JSON.stringify(props.repository)}`, this);
    }
    const n = props.naming;
    const branch = props.publishBranch ?? "main";
    // The provider's ARN is known from config, so trust policies are literal in the plan for review;
    // the roles still wait for the provider, which IAM requires to exist first.
    const provider = props.existingOidcProviderArn
      ? undefined
      : new IamOpenidConnectProvider(this, "github", {
          url: `https://${GITHUB_OIDC}`,
          clientIdList: ["sts.amazonaws.com"],
          thumbprintList: ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"],
        });
    this.oidcProviderArn = props.existingOidcProviderArn ?? `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`;

    const role = (name: string, subjects: string[], description: string) =>
      new IamRole(this, name, {
        name: n.bounded(64, name),
        description,
        maxSessionDuration: props.maxSessionSeconds ?? 3600,
        dependsOn: provider ? [provider] : undefined,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: this.oidcProviderArn },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: { [`${GITHUB_OIDC}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC}:sub`]: subjects },
              },
            },
          ],
        }),
      });
    const repo = `repo:${props.repository}`;
    this.publisherRole = role("service-publisher", [`${repo}:ref:refs/heads/${branch}`], "CI: push service images");
    this.builderRole = role("infra-builder", [`${repo}:environment:${props.githubEnvironment}`], `CI: plan and apply ${n.env}`);
    this.developerRole = role("developer", [`${repo}:pull_request`, `${repo}:ref:refs/heads/${branch}`], "CI and people: read-only");

    new IamRolePolicyAttachment(this, "builder-admin", {
      role: this.builderRole.name,
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    new IamRolePolicyAttachment(this, "developer-read", {
      role: this.developerRole.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    if (props.dataKeyArn) {
      // ReadOnlyAccess has no kms:Decrypt: without it the developer cannot read the KMS-encrypted buckets.
      new IamRolePolicy(this, "developer-decrypt", {
        role: this.developerRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "kms:Decrypt",
              Resource: props.dataKeyArn,
              Condition: { StringEquals: { "kms:ViaService": `s3.${props.region}.amazonaws.com` } },
            },
          ],
        }),
      });
    }
  }

  /** Lets the publisher push to (and pull from, for copies) these repositories, and nothing else. */
  allowPublish(repositoryArns: readonly string[]): void {
    new IamRolePolicy(this, "publisher-push", {
      role: this.publisherRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          // GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
          { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          {
            Effect: "Allow",
            // Pull too: the images workflow copies a digest from dev's registry to the later environments'.
            Action: [...new Set([...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS])],
            Resource: [...repositoryArns],
          },
        ],
      }),
    });
  }
}
