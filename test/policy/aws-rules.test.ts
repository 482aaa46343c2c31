/** Each AWS rule: one compliant case and each way of being non-compliant (cdk-nag's test layout). */
import { TerraformStack } from "cdktf";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AWS_PACK, AWS_SCANNER_CHECKS } from "../../modules/policy/aws-pack";
import { ObjectStorage } from "../../modules/aws/object-storage";
import { CiIdentity, developerPlanPolicy } from "../../modules/aws/ci-identity";
import { Naming } from "../../modules/core/naming";
import { awsTestStack, checkPolicy } from "../support/policy";

/** The pack without the scanner counterparts (test/policy/scanner-rules.test.ts covers those, and they fire on every bare bucket). */
const PACK = AWS_PACK.filter((e) => !AWS_SCANNER_CHECKS.includes(e));

/** Rule ids that fail synth for what `build` adds to a tagged AWS test stack. */
function violations(build: (stack: TerraformStack) => void): string[] {
  const stack = awsTestStack();
  build(stack);
  return checkPolicy(stack, PACK).errors.map((e) => `${e.ruleId} ${e.path}`);
}

const trust = (sub: unknown, extra: Record<string, unknown> = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringLike: { ...(sub === undefined ? {} : { "token.actions.githubusercontent.com:sub": sub }), ...extra } },
      },
    ],
  });

describe("AWS S3 rules", () => {
  test("Compliance: the ObjectStorage module's buckets pass every S3 rule", () => {
    expect(violations((s) => new ObjectStorage(s, "storage", { naming: new Naming("mlops", "t"), accountId: "111111111111", encryption: "managed", accessLogging: true }))).toEqual([]);
  });

  test("Noncompliance 1: a bare bucket breaks encryption, versioning, public access and TLS rules", () => {
    expect(violations((s) => new S3Bucket(s, "bare", { bucket: "b" }))).toEqual([
      "MLOPS-AWS-S3-ENCRYPTED test/bare",
      "MLOPS-AWS-S3-VERSIONED test/bare",
      "MLOPS-AWS-S3-PUBLIC-ACCESS-BLOCKED test/bare",
      "MLOPS-AWS-S3-TLS-ONLY test/bare",
    ]);
  });

  test("Noncompliance 2: versioning suspended, one public-access flag off, a policy that does not deny plain HTTP", () => {
    const found = violations((s) => {
      const b = new S3Bucket(s, "b", { bucket: "b" });
      new S3BucketServerSideEncryptionConfigurationA(s, "sse", { bucket: b.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
      new S3BucketVersioningA(s, "v", { bucket: b.id, versioningConfiguration: { status: "Suspended" } });
      new S3BucketPublicAccessBlock(s, "pab", { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true });
      new S3BucketPolicy(s, "p", { bucket: b.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "*" }] }) });
    });
    expect(found).toEqual(["MLOPS-AWS-S3-VERSIONED test/b", "MLOPS-AWS-S3-PUBLIC-ACCESS-BLOCKED test/b", "MLOPS-AWS-S3-TLS-ONLY test/b"]);
  });
});

describe("MLOPS-AWS-ECR-IMMUTABLE-SCANNED", () => {
  test("Compliance", () => {
    expect(violations((s) => new EcrRepository(s, "r", { name: "r", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }))).toEqual([]);
  });
  test("Noncompliance 1: mutable tags", () => {
    expect(violations((s) => new EcrRepository(s, "r", { name: "r", imageTagMutability: "MUTABLE", imageScanningConfiguration: { scanOnPush: true } }))).toEqual(["MLOPS-AWS-ECR-IMMUTABLE-SCANNED test/r"]);
  });
  test("Noncompliance 2: no scan on push", () => {
    expect(violations((s) => new EcrRepository(s, "r", { name: "r", imageTagMutability: "IMMUTABLE" }))).toEqual(["MLOPS-AWS-ECR-IMMUTABLE-SCANNED test/r"]);
  });
});

describe("MLOPS-AWS-NO-OPEN-INGRESS", () => {
  test("Compliance: ingress from the VPC only", () => {
    expect(
      violations((s) => {
        const sg = new SecurityGroup(s, "sg", { name: "sg" });
        new VpcSecurityGroupIngressRule(s, "in", { securityGroupId: sg.id, cidrIpv4: "10.0.0.0/16", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
      }),
    ).toEqual([]);
  });
  test("Noncompliance 1: an ingress rule from 0.0.0.0/0", () => {
    expect(
      violations((s) => {
        const sg = new SecurityGroup(s, "sg", { name: "sg" });
        new VpcSecurityGroupIngressRule(s, "in", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 22, toPort: 22 });
      }),
    ).toEqual(["MLOPS-AWS-NO-OPEN-INGRESS test/in"]);
  });
  test("Noncompliance 2: an inline ingress block from ::/0", () => {
    expect(
      violations((s) => new SecurityGroup(s, "sg", { name: "sg", ingress: [{ fromPort: 80, toPort: 80, protocol: "tcp", ipv6CidrBlocks: ["::/0"] }] })),
    ).toEqual(["MLOPS-AWS-NO-OPEN-INGRESS test/sg"]);
  });
});

describe("IAM rules", () => {
  const role = (s: TerraformStack, id: string) => new IamRole(s, id, { name: id, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });

  test("Compliance: scoped actions, admin only on infra-builder", () => {
    expect(
      violations((s) => {
        const r = role(s, "infra-builder");
        new IamRolePolicy(s, "p", { role: r.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) });
        new IamRolePolicyAttachment(s, "admin", { role: r.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      }),
    ).toEqual([]);
  });
  test('Noncompliance 1: an inline policy allowing "*" on "*"', () => {
    expect(
      violations((s) => new IamRolePolicy(s, "p", { role: role(s, "r").id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: "*" }] }) })),
    ).toEqual(["MLOPS-AWS-IAM-NO-WILDCARD test/p"]);
  });
  test("Noncompliance 2: AdministratorAccess on a role other than infra-builder", () => {
    expect(violations((s) => new IamRolePolicyAttachment(s, "admin", { role: role(s, "developer").name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }))).toEqual([
      "MLOPS-AWS-ADMIN-ONLY-BUILDER test/admin",
    ]);
  });
});

describe("MLOPS-AWS-OIDC-TRUST-SCOPED", () => {
  const federated = (s: TerraformStack, policy: string) => new IamRole(s, "ci", { name: "ci", assumeRolePolicy: policy });
  test("Compliance: exact subjects and audience", () => {
    expect(violations((s) => federated(s, trust(["repo:acme/app:environment:prod"])))).toEqual([]);
  });
  test.each([
    ["a wildcard subject", trust("repo:acme/*")],
    ["no subject at all", trust(undefined)],
    ["no audience", trust("repo:acme/app:ref:refs/heads/main", {})],
  ])("Noncompliance: %s", (_label, policy) => {
    expect(violations((s) => federated(s, policy))).toEqual(["MLOPS-AWS-OIDC-TRUST-SCOPED test/ci"]);
  });
});

describe("MLOPS-AWS-PR-ROLE-NO-DATA", () => {
  const STATE = { bucket: "tfstate", key: "mlops/test-aws.tfstate", region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:111111111111:key/state" };
  const prRole = (s: TerraformStack) => new IamRole(s, "ci", { name: "ci", assumeRolePolicy: trust(["repo:acme/app:pull_request"]) });
  const inline = (s: TerraformStack, policy: object) => new IamRolePolicy(s, "p", { role: prRole(s).id, policy: JSON.stringify(policy) });
  const plan = developerPlanPolicy(STATE) as { Statement: Record<string, unknown>[] };

  test("Compliance: the CiIdentity module's developer role, with and without a state bucket", () => {
    expect(violations((s) => new CiIdentity(s, "ci", { naming: new Naming("mlops", "t"), accountId: "111111111111", repository: "acme/app", githubEnvironment: "t", planState: STATE }))).toEqual([]);
    expect(violations((s) => new CiIdentity(s, "ci", { naming: new Naming("mlops", "t"), accountId: "111111111111", repository: "acme/app", githubEnvironment: "t" }))).toEqual([]);
  });
  test("Compliance: a role not trusted by pull_request is not judged", () => {
    expect(violations((s) => new IamRolePolicyAttachment(s, "ro", { role: new IamRole(s, "ci", { name: "ci", assumeRolePolicy: trust(["repo:acme/app:environment:prod"]) }).name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }))).toEqual([]);
  });
  test("Noncompliance 1: ReadOnlyAccess attached (it reads every object and secret)", () => {
    expect(violations((s) => new IamRolePolicyAttachment(s, "ro", { role: prRole(s).name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }))).toEqual(["MLOPS-AWS-PR-ROLE-NO-DATA test/ci"]);
  });
  test("Noncompliance 2: an Allow of kms:Decrypt on every key", () => {
    const policy = { ...plan, Statement: [...plan.Statement, { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] };
    expect(violations((s) => inline(s, policy))).toEqual(["MLOPS-AWS-PR-ROLE-NO-DATA test/ci"]);
  });
  test.each(["DenyDataObjects", "DenyDataKeys", "DenyDataReads"])("Noncompliance 3: the %s guard removed", (sid) => {
    const policy = { ...plan, Statement: plan.Statement.filter((st) => st.Sid !== sid) };
    expect(violations((s) => inline(s, policy))).toEqual(["MLOPS-AWS-PR-ROLE-NO-DATA test/ci"]);
  });
});

describe("MLOPS-AWS-RDS-ENCRYPTED-PRIVATE", () => {
  const db = (s: TerraformStack, o: { storageEncrypted?: boolean; publiclyAccessible?: boolean }) =>
    new DbInstance(s, "db", { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, manageMasterUserPassword: true, username: "u", backupRetentionPeriod: 7, ...o });
  test("Compliance", () => {
    expect(violations((s) => db(s, { storageEncrypted: true, publiclyAccessible: false }))).toEqual([]);
  });
  test("Noncompliance 1: not encrypted", () => {
    expect(violations((s) => db(s, { publiclyAccessible: false }))).toEqual(["MLOPS-AWS-RDS-ENCRYPTED-PRIVATE test/db"]);
  });
  test("Noncompliance 2: public", () => {
    expect(violations((s) => db(s, { storageEncrypted: true, publiclyAccessible: true }))).toEqual(["MLOPS-AWS-RDS-ENCRYPTED-PRIVATE test/db"]);
  });
});

describe("MLOPS-AWS-LAMBDA-RUNTIME-SUPPORTED", () => {
  const { LambdaFunction } = require("@cdktf/provider-aws/lib/lambda-function") as typeof import("@cdktf/provider-aws/lib/lambda-function");
  const fn = (s: TerraformStack, runtime: string) => new LambdaFunction(s, "fn", { functionName: "f", role: "arn:aws:iam::111111111111:role/r", runtime, handler: "index.handler", filename: "f.zip" });
  test("Compliance: a supported runtime", () => {
    expect(violations((s) => fn(s, "nodejs22.x"))).toEqual([]);
  });
  test.each(["nodejs20.x", "python3.9", "go1.x"])("Noncompliance: %s", (runtime) => {
    expect(violations((s) => fn(s, runtime))).toEqual(["MLOPS-AWS-LAMBDA-RUNTIME-SUPPORTED test/fn"]);
  });
});

describe("MLOPS-AWS-ECS-HARDENED-CONTAINERS", () => {
  const { EcsTaskDefinition } = require("@cdktf/provider-aws/lib/ecs-task-definition") as typeof import("@cdktf/provider-aws/lib/ecs-task-definition");
  const task = (s: TerraformStack, container: Record<string, unknown>) =>
    new EcsTaskDefinition(s, "task", { family: "f", containerDefinitions: JSON.stringify([{ name: "app", image: "i", ...container }]) });
  const logs = { logConfiguration: { logDriver: "awslogs" } };
  test("Compliance", () => {
    expect(violations((s) => task(s, { readonlyRootFilesystem: true, privileged: false, ...logs }))).toEqual([]);
  });
  test.each([
    ["a writable root filesystem", { ...logs }],
    ["a privileged container", { readonlyRootFilesystem: true, privileged: true, ...logs }],
    ["no log driver", { readonlyRootFilesystem: true }],
  ])("Noncompliance: %s", (_label, container) => {
    expect(violations((s) => task(s, container))).toEqual(["MLOPS-AWS-ECS-HARDENED-CONTAINERS test/task"]);
  });
});

describe("MLOPS-AWS-VPC-FLOW-LOGS", () => {
  const { Vpc } = require("@cdktf/provider-aws/lib/vpc") as typeof import("@cdktf/provider-aws/lib/vpc");
  test("Compliance: the Network module's VPC", () => {
    const { Network } = require("../../modules/aws/network") as typeof import("../../modules/aws/network");
    expect(
      violations((s) => new Network(s, "net", { naming: new Naming("mlops", "t"), region: "eu-central-1", cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], flowLogRetentionDays: 7 })),
    ).toEqual([]);
  });
  test("Noncompliance: a VPC without a flow log", () => {
    expect(violations((s) => new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" }))).toEqual(["MLOPS-AWS-VPC-FLOW-LOGS test/vpc"]);
  });
});

describe("MLOPS-AWS-KMS-ROTATION", () => {
  const { KmsKey } = require("@cdktf/provider-aws/lib/kms-key") as typeof import("@cdktf/provider-aws/lib/kms-key");
  test("Compliance: rotating symmetric key; asymmetric keys are out of scope", () => {
    expect(violations((s) => new KmsKey(s, "key", { enableKeyRotation: true }))).toEqual([]);
    expect(violations((s) => new KmsKey(s, "key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }))).toEqual([]);
  });
  test("Noncompliance: no rotation", () => {
    expect(violations((s) => new KmsKey(s, "key", {}))).toEqual(["MLOPS-AWS-KMS-ROTATION test/key"]);
  });
});

describe("MLOPS-AWS-API-ROUTE-AUTHORIZED", () => {
  const { Apigatewayv2Route } = require("@cdktf/provider-aws/lib/apigatewayv2-route") as typeof import("@cdktf/provider-aws/lib/apigatewayv2-route");
  test("Compliance: a JWT route", () => {
    expect(violations((s) => new Apigatewayv2Route(s, "route", { apiId: "a", routeKey: "ANY /x", authorizationType: "JWT", authorizerId: "z" }))).toEqual([]);
  });
  test("Noncompliance: an open route", () => {
    expect(violations((s) => new Apigatewayv2Route(s, "route", { apiId: "a", routeKey: "ANY /x" }))).toEqual(["MLOPS-AWS-API-ROUTE-AUTHORIZED test/route"]);
  });
});

describe("MLOPS-AWS-RDS-BACKUPS", () => {
  const db = (s: TerraformStack, backupRetentionPeriod?: number) =>
    new DbInstance(s, "db", { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, manageMasterUserPassword: true, username: "u", storageEncrypted: true, backupRetentionPeriod });
  test("Compliance", () => {
    expect(violations((s) => db(s, 7))).toEqual([]);
  });
  test.each([[0], [undefined]])("Noncompliance: retention %p", (days) => {
    expect(violations((s) => db(s, days))).toEqual(["MLOPS-AWS-RDS-BACKUPS test/db"]);
  });
});

