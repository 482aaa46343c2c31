/** The Airflow rules: one compliant case and each way of being non-compliant (cdk-nag's test layout). */
import { TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { MwaaEnvironment, MwaaEnvironmentConfig } from "@cdktf/provider-aws/lib/mwaa-environment";
import { PackEntry } from "../../modules/policy/rule";
import { awsMwaaKms } from "../../modules/policy/rules/aws-mwaa-kms";
import { awsMwaaPrivate } from "../../modules/policy/rules/aws-mwaa-private";
import { awsMwaaRoleScoped } from "../../modules/policy/rules/aws-mwaa-role-scoped";
import { ComposerEnvironment } from "@cdktf/provider-google/lib/composer-environment";
import { gcpComposerPrivate } from "../../modules/policy/rules/gcp-composer-private";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { azureAppImagePinned } from "../../modules/policy/rules/azure-app-image-pinned";
import { azureTestStack } from "../modules/azure/azure-test-stack";
import { awsTestStack, checkPolicy } from "../support/policy";
import { GCP_TEST_TAGS, gcpTestStack } from "../modules/gcp/gcp-test-stack";

/** Rule ids (with paths) a one-rule pack reports for what `build` adds to a tagged AWS test stack. */
function awsFindings(rule: PackEntry["rule"], build: (stack: TerraformStack) => void): string[] {
  const stack = awsTestStack();
  build(stack);
  return checkPolicy(stack, [{ rule, level: "error" }]).errors.map((e) => `${e.ruleId} ${e.path}`);
}

const logs = { enabled: true, logLevel: "INFO" };
const mwaa = (over: Partial<MwaaEnvironmentConfig> = {}) => (s: TerraformStack) =>
  new MwaaEnvironment(s, "env", {
    name: "env",
    dagS3Path: "dags",
    executionRoleArn: "arn:aws:iam::111111111111:role/x",
    sourceBucketArn: "arn:aws:s3:::b",
    networkConfiguration: { securityGroupIds: ["sg-1"], subnetIds: ["subnet-1", "subnet-2"] },
    webserverAccessMode: "PRIVATE_ONLY",
    kmsKey: "arn:aws:kms:eu-central-1:111111111111:key/k",
    loggingConfiguration: { dagProcessingLogs: logs, schedulerLogs: logs, taskLogs: logs, webserverLogs: logs, workerLogs: logs },
    ...over,
  });

describe("MLOPS-AWS-MWAA-PRIVATE", () => {
  test("Compliance: private web server, customer key, every log type", () => {
    expect(awsFindings(awsMwaaPrivate, mwaa())).toEqual([]);
  });
  test("Noncompliance 1: a public web server", () => {
    expect(awsFindings(awsMwaaPrivate, mwaa({ webserverAccessMode: "PUBLIC_ONLY" }))).toEqual(["MLOPS-AWS-MWAA-PRIVATE test/env"]);
  });
  test("Noncompliance 2: access mode left to MWAA's default (public)", () => {
    expect(awsFindings(awsMwaaPrivate, mwaa({ webserverAccessMode: undefined }))).toEqual(["MLOPS-AWS-MWAA-PRIVATE test/env"]);
  });
  test("Noncompliance 3: the AWS-owned key is MLOPS-AWS-MWAA-KMS's finding, not this rule's", () => {
    expect(awsFindings(awsMwaaPrivate, mwaa({ kmsKey: undefined }))).toEqual([]);
    expect(awsFindings(awsMwaaKms, mwaa({ kmsKey: undefined }))).toEqual(["MLOPS-AWS-MWAA-KMS test/env"]);
    expect(awsFindings(awsMwaaKms, mwaa())).toEqual([]);
  });
  test("Noncompliance 4: scheduler logs off", () => {
    const off = { dagProcessingLogs: logs, schedulerLogs: { enabled: false }, taskLogs: logs, webserverLogs: logs, workerLogs: logs };
    expect(awsFindings(awsMwaaPrivate, mwaa({ loggingConfiguration: off }))).toEqual(["MLOPS-AWS-MWAA-PRIVATE test/env"]);
  });
});

const mwaaTrust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }, Action: "sts:AssumeRole" }] });
const withPolicy = (statements: object[], extra?: (s: TerraformStack, role: IamRole) => void) => (s: TerraformStack) => {
  const role = new IamRole(s, "role", { name: "exec", assumeRolePolicy: mwaaTrust });
  new IamRolePolicy(s, "inline", { role: role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
  extra?.(s, role);
};
const runTask = { Effect: "Allow", Action: "ecs:RunTask", Resource: "arn:aws:ecs:eu-central-1:111111111111:task-definition/mlops-dev-transform:*" };

describe("MLOPS-AWS-MWAA-ROLE-SCOPED", () => {
  test("Compliance: RunTask on named task definitions, describe calls on *", () => {
    expect(awsFindings(awsMwaaRoleScoped, withPolicy([runTask, { Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" }]))).toEqual([]);
  });
  test("Compliance: a role not trusted by MWAA is not this rule's business", () => {
    expect(
      awsFindings(awsMwaaRoleScoped, (s) => {
        const role = new IamRole(s, "other", { name: "o", assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
        new IamRolePolicy(s, "p", { role: role.id, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecs:*", Resource: "*" }] }) });
      }),
    ).toEqual([]);
  });
  test("Noncompliance 1: a managed policy attached", () => {
    const found = awsFindings(awsMwaaRoleScoped, withPolicy([runTask], (s, role) => new IamRolePolicyAttachment(s, "admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonECS_FullAccess" })));
    expect(found).toEqual(["MLOPS-AWS-MWAA-ROLE-SCOPED test/role"]);
  });
  test("Noncompliance 2: a service wildcard action", () => {
    expect(awsFindings(awsMwaaRoleScoped, withPolicy([{ Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:eu-central-1:111111111111:cluster/c" }]))).toEqual(["MLOPS-AWS-MWAA-ROLE-SCOPED test/role"]);
  });
  test("Noncompliance 3: RunTask on every task definition", () => {
    expect(awsFindings(awsMwaaRoleScoped, withPolicy([{ Effect: "Allow", Action: "ecs:RunTask", Resource: "*" }]))).toEqual(["MLOPS-AWS-MWAA-ROLE-SCOPED test/role"]);
  });
  test("Noncompliance 4: PassRole on every role", () => {
    expect(awsFindings(awsMwaaRoleScoped, withPolicy([runTask, { Effect: "Allow", Action: "iam:PassRole", Resource: "*" }]))).toEqual(["MLOPS-AWS-MWAA-ROLE-SCOPED test/role"]);
  });
});

describe("MLOPS-GCP-COMPOSER-PRIVATE", () => {
  const composer = (config: Record<string, unknown>) => (s: TerraformStack) => new ComposerEnvironment(s, "env", { name: "env", region: "europe-west3", config });
  const base = { softwareConfig: { imageVersion: "composer-3-airflow-2.10.5-build.10" }, enablePrivateEnvironment: true, nodeConfig: { serviceAccount: "airflow@p.iam.gserviceaccount.com" } };
  const gcpFindings = (build: (s: TerraformStack) => void) => {
    const stack = gcpTestStack();
    build(stack);
    return checkPolicy(stack, [{ rule: gcpComposerPrivate, level: "error" }], GCP_TEST_TAGS).errors.map((e) => `${e.ruleId} ${e.path}`);
  };
  test("Compliance: private Composer 3 with its own account", () => {
    expect(gcpFindings(composer(base))).toEqual([]);
  });
  test("Noncompliance 1: not private", () => {
    expect(gcpFindings(composer({ ...base, enablePrivateEnvironment: false }))).toEqual(["MLOPS-GCP-COMPOSER-PRIVATE test/env"]);
  });
  test("Noncompliance 2: Composer 2", () => {
    expect(gcpFindings(composer({ ...base, enablePrivateEnvironment: undefined, softwareConfig: { imageVersion: "composer-2.9.7-airflow-2.9.3" } }))).toEqual(["MLOPS-GCP-COMPOSER-PRIVATE test/env"]);
  });
  test("Noncompliance 3: the default Compute Engine account (or none)", () => {
    expect(gcpFindings(composer({ ...base, nodeConfig: { serviceAccount: "123-compute@developer.gserviceaccount.com" } }))).toEqual(["MLOPS-GCP-COMPOSER-PRIVATE test/env"]);
    expect(gcpFindings(composer({ ...base, nodeConfig: {} }))).toEqual(["MLOPS-GCP-COMPOSER-PRIVATE test/env"]);
  });
});

describe("MLOPS-AZURE-APP-IMAGE-PINNED", () => {
  const DIGEST = `sha256:${"a".repeat(64)}`;
  const app = (image: string, initImage?: string) => (s: TerraformStack) =>
    new ContainerApp(s, "app", {
      name: "app",
      resourceGroupName: "rg",
      containerAppEnvironmentId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/e",
      revisionMode: "Single",
      template: {
        container: [{ name: "main", image, cpu: 0.5, memory: "1Gi" }],
        ...(initImage ? { initContainer: [{ name: "init", image: initImage, cpu: 0.25, memory: "0.5Gi" }] } : {}),
      },
    });
  const azureFindings = (build: (s: TerraformStack) => void) => {
    const stack = azureTestStack();
    build(stack);
    return checkPolicy(stack, [{ rule: azureAppImagePinned, level: "error" }], {}).errors.map((e) => `${e.ruleId} ${e.path}`);
  };
  test("Compliance: a Docker Hub image by digest", () => {
    expect(azureFindings(app(`docker.io/apache/airflow:3.1.5@${DIGEST}`))).toEqual([]);
  });
  test("Compliance: an ACR image by tag (the registry's immutable tags govern it)", () => {
    expect(azureFindings(app("mlopsdev.azurecr.io/mlflow:v1"))).toEqual([]);
  });
  test("Noncompliance 1: a public image by tag", () => {
    expect(azureFindings(app("docker.io/apache/airflow:3.1.5"))).toEqual(["MLOPS-AZURE-APP-IMAGE-PINNED test/app"]);
  });
  test("Noncompliance 2: the main image pinned, the init container's not", () => {
    expect(azureFindings(app(`docker.io/apache/airflow:3.1.5@${DIGEST}`, "busybox:latest"))).toEqual(["MLOPS-AZURE-APP-IMAGE-PINNED test/app"]);
  });
});
