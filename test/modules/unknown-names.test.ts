/**
 * Every module accessor on the three clouds refuses a name it does not hold the same way: a
 * ValidationError (modules/core/errors.ts `unknownName`) that names the construct, the name asked
 * for and the names it knows; never a TypeError from reading a missing record entry.
 */
import { TerraformOutput } from "cdktf";
import { synthStack } from "../support/synth";
import { Registry as AwsRegistry } from "../../modules/aws/registry";
import { Secrets as AwsSecrets } from "../../modules/aws/secrets";
import { ObjectStorage as AwsObjectStorage } from "../../modules/aws/object-storage";
import { LoadBalancer } from "../../modules/aws/load-balancer";
import { Registry as AzureRegistry } from "../../modules/azure/registry";
import { ObjectStorage as AzureObjectStorage } from "../../modules/azure/object-storage";
import { Registry as GcpRegistry } from "../../modules/gcp/registry";
import { Secrets as GcpSecrets } from "../../modules/gcp/secrets";
import { ObjectStorage as GcpObjectStorage } from "../../modules/gcp/object-storage";
import { ValidationError } from "../../modules/core/errors";
import { BUCKET_PURPOSES, BucketPurpose } from "../../modules/core/workload-spec";
import { AWS_NAMING, ACCOUNT, awsTestStack } from "./aws/aws-test-stack";
import { COMMON, SEED, azureTestStack } from "./azure/azure-test-stack";
import { gcpTestStack, naming, PROJECT } from "./gcp/gcp-test-stack";

const SERVICES = ["mlflow", "model-api"];
const NOPE = "nope" as BucketPurpose;
const purposes = [...BUCKET_PURPOSES].join(", ");

/** [label, the call, the construct path, what, the known names]. */
const CASES: [string, () => unknown, string, string, string][] = [
  ["AWS Registry.repositoryUrl", () => new AwsRegistry(awsTestStack(), "registry", { naming: AWS_NAMING, repositories: SERVICES }).repositoryUrl("nope"), "test/registry", "repository", SERVICES.join(", ")],
  ["AWS Registry.repositoryArn", () => new AwsRegistry(awsTestStack(), "registry", { naming: AWS_NAMING, repositories: SERVICES }).repositoryArn("nope"), "test/registry", "repository", SERVICES.join(", ")],
  ["AWS Secrets.arnOf", () => new AwsSecrets(awsTestStack(), "secrets", { naming: AWS_NAMING, names: ["api-token"] }).arnOf("nope"), "test/secrets", "secret", "api-token"],
  ["AWS Secrets.arnOf with no secrets", () => new AwsSecrets(awsTestStack(), "secrets", { naming: AWS_NAMING, names: [] }).arnOf("nope"), "test/secrets", "secret", "none"],
  ["AWS ObjectStorage.bucketName", () => new AwsObjectStorage(awsTestStack(), "storage", { naming: AWS_NAMING, accountId: ACCOUNT, encryption: "managed" }).bucketName(NOPE), "test/storage", "bucket", purposes],
  ["AWS ObjectStorage.bucketArn", () => new AwsObjectStorage(awsTestStack(), "storage", { naming: AWS_NAMING, accountId: ACCOUNT, encryption: "managed" }).bucketArn(NOPE), "test/storage", "bucket", purposes],
  [
    "AWS LoadBalancer.admit",
    () => new LoadBalancer(awsTestStack(), "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: "10.40.0.0/16", subnetIds: ["subnet-a", "subnet-b"] }).admit("nope", "sg-1", {}),
    "test/nlb",
    "load balancer target",
    "none",
  ],
  ["Azure Registry.repositoryUrl", () => new AzureRegistry(azureTestStack(), "registry", { ...COMMON, uniqueSeed: SEED, sku: "Basic", repositories: SERVICES }).repositoryUrl("nope"), "test/registry", "repository", SERVICES.join(", ")],
  [
    "Azure Registry.imageFor",
    () => new AzureRegistry(azureTestStack(), "registry", { ...COMMON, uniqueSeed: SEED, sku: "Basic", repositories: SERVICES }).imageFor("nope", { kind: "tag", tag: "v1" }),
    "test/registry",
    "repository",
    SERVICES.join(", "),
  ],
  ["Azure ObjectStorage.bucketName", () => new AzureObjectStorage(azureTestStack(), "storage", { ...COMMON, uniqueSeed: SEED }).bucketName(NOPE), "test/storage", "bucket", purposes],
  ["Azure ObjectStorage.allowAccess", () => new AzureObjectStorage(azureTestStack(), "storage", { ...COMMON, uniqueSeed: SEED }).allowAccess("x", "principal", NOPE, "read"), "test/storage", "bucket", purposes],
  ["Google Registry.repositoryUrl", () => new GcpRegistry(gcpTestStack(), "registry", { naming, ...PROJECT, repositories: SERVICES }).repositoryUrl("nope"), "test/registry", "repository", SERVICES.join(", ")],
  ["Google Registry.imageUri", () => new GcpRegistry(gcpTestStack(), "registry", { naming, ...PROJECT, repositories: SERVICES }).imageUri("nope", { kind: "tag", tag: "v1" }), "test/registry", "repository", SERVICES.join(", ")],
  ["Google Secrets.secretId", () => new GcpSecrets(gcpTestStack(), "secrets", { naming, ...PROJECT, names: ["api-token"] }).secretId("nope"), "test/secrets", "secret", "api-token"],
  ["Google ObjectStorage.bucketName", () => new GcpObjectStorage(gcpTestStack(), "storage", { naming, ...PROJECT }).bucketName(NOPE), "test/storage", "bucket", purposes],
];

describe("module accessors refuse unknown names alike on the three clouds", () => {
  test.each(CASES)("GIVEN %s of an unknown name THEN a ValidationError names the construct and the known names", (_label, call, path, what, known) => {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toBe(`[${path}] no ${what} named "nope"; known: ${known}`);
  });

  test("GIVEN a known name THEN the accessors answer (the lookup does not refuse what exists)", () => {
    const stack = awsTestStack();
    const aws = new AwsRegistry(stack, "registry", { naming: AWS_NAMING, repositories: SERVICES });
    new TerraformOutput(stack, "url", { value: aws.repositoryUrl("mlflow") });
    expect(synthStack(stack).output?.url.value).toMatch(/^\$\{aws_ecr_repository\.registry_mlflow_[0-9A-F]+\.repository_url\}$/);
    const gcp = new GcpRegistry(gcpTestStack(), "registry", { naming, ...PROJECT, repositories: SERVICES });
    expect(gcp.repositoryUrl("model-api")).toBe("europe-west3-docker.pkg.dev/mlops-test-1234/mlops-test-images/model-api");
    const azure = new AzureRegistry(azureTestStack(), "registry", { ...COMMON, uniqueSeed: SEED, sku: "Basic", repositories: SERVICES });
    expect(azure.repositoryUrl("mlflow")).toMatch(/\/mlflow$/);
    // Record keys only: a name inherited from Object.prototype is not a bucket.
    expect(() => new GcpObjectStorage(gcpTestStack(), "storage", { naming, ...PROJECT }).bucketName("constructor" as BucketPurpose)).toThrow(ValidationError);
  });
});
