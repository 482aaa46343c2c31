/**
 * Keyless CI: GitHub's OIDC provider and the three roles of the system deployments seed's
 * hierarchy, each trusting only this repository, and deploy roles only its GitHub environment:
 *   service-publisher  push images to this environment's repositories (workflow on main)
 *   infra-builder      plan and apply this environment (deploy jobs of the matching GitHub environment)
 *   developer          plan pull requests: read this stack's state and describe resources, nothing else
 * No long-lived access key exists anywhere. Only infra-builder holds account-wide admin.
 * A pull request's workflow is the branch's own file, so whoever can push a branch acts as the
 * developer: it may not read a data object, a secret value, a log line or an image, or decrypt
 * with any key but the state's (an explicit Deny guards that, whatever else it is granted).
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
  /** The stack's own state object the developer's plan reads. @default - none (local state: no state grant) */
  readonly planState?: PlanState;
}

/** Where a stack's state lives in S3 (stacks/state-location.ts). */
export interface PlanState {
  readonly bucket: string;
  /** Object key of this stack's state, `<keyPrefix>/<stack>.tfstate`. */
  readonly key: string;
  readonly region: string;
  /** KMS key of the state bucket (backend `kmsKeyId`). @default - SSE-S3 */
  readonly kmsKeyId?: string;
}

/**
 * What `terraform plan -refresh=true -lock=false` reads for this stack's resource types. Describe/List/Get
 * of configuration only: none of these returns object contents, secret values or log events.
 */
export const PLAN_DESCRIBE_ACTIONS = [
  "apigateway:GET",
  "application-autoscaling:Describe*",
  "cloudwatch:Describe*",
  "cloudwatch:GetDashboard",
  "cloudwatch:ListTagsForResource",
  "cognito-idp:DescribeUserPool",
  "cognito-idp:DescribeUserPoolClient",
  "cognito-idp:GetGroup",
  "cognito-idp:GetUserPoolMfaConfig",
  "cognito-idp:ListTagsForResource",
  "ec2:Describe*",
  "ecr:DescribeRepositories",
  "ecr:GetLifecyclePolicy",
  "ecr:GetRepositoryPolicy",
  "ecr:ListTagsForResource",
  "ecs:Describe*",
  "ecs:List*",
  "elasticloadbalancing:Describe*",
  "events:Describe*",
  "events:List*",
  "iam:Get*",
  "iam:List*",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "lambda:GetFunction",
  "lambda:GetFunctionCodeSigningConfig",
  "lambda:GetFunctionConcurrency",
  "lambda:GetPolicy",
  "lambda:ListTags",
  "lambda:ListVersionsByFunction",
  "logs:Describe*",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucket*",
  "s3:GetEncryptionConfiguration",
  "s3:GetIntelligentTieringConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "sns:GetSubscriptionAttributes",
  "sns:GetTopicAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "sts:GetCallerIdentity",
];

/** Data reads a pull-request role is denied outright (an explicit Deny beats any Allow). */
export const PLAN_DENIED_DATA_ACTIONS = [
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter*",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "cognito-idp:ListUsers",
  "cognito-idp:AdminGetUser",
];

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
    // Only ci.yml's plan job assumes it, and that job runs on pull_request only.
    this.developerRole = role("developer", [`${repo}:pull_request`], "CI: plan pull requests (state and descriptions, no data)");

    new IamRolePolicyAttachment(this, "builder-admin", {
      role: this.builderRole.name,
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    new IamRolePolicy(this, "developer-plan", { role: this.developerRole.id, policy: JSON.stringify(developerPlanPolicy(props.planState)) });
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

/** The pull-request plan policy: this stack's state, descriptions, and a Deny on every data read. */
export function developerPlanPolicy(state: PlanState | undefined): object {
  const stateObject = state ? `arn:aws:s3:::${state.bucket}/${state.key}` : undefined;
  const statements: object[] = [{ Sid: "Describe", Effect: "Allow", Action: PLAN_DESCRIBE_ACTIONS, Resource: "*" }];
  if (state) {
    statements.push(
      { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: stateObject },
      { Sid: "StateList", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${state.bucket}`, Condition: { StringLike: { "s3:prefix": [state.key] } } },
    );
    if (state.kmsKeyId) {
      statements.push({
        Sid: "StateDecrypt",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: state.kmsKeyId,
        Condition: { StringEquals: { "kms:ViaService": `s3.${state.region}.amazonaws.com` } },
      });
    }
  }
  // HeadBucket (every aws_s3_bucket refresh) needs s3:ListBucket; it lists keys, never contents.
  statements.push({ Sid: "BucketHead", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::*" });
  statements.push(
    { Sid: "DenyDataObjects", Effect: "Deny", Action: ["s3:GetObject*"], NotResource: stateObject ? [stateObject] : ["arn:aws:s3:::none-no-state/none"] },
    { Sid: "DenyDataKeys", Effect: "Deny", Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"], NotResource: state?.kmsKeyId ? [state.kmsKeyId] : ["arn:aws:kms:*:*:key/none-no-state"] },
    { Sid: "DenyDataReads", Effect: "Deny", Action: PLAN_DENIED_DATA_ACTIONS, Resource: "*" },
  );
  return { Version: "2012-10-17", Statement: statements };
}
