import { Testing, TerraformStack } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { CORE_PACK, PolicyRule, suppress } from "../../modules/policy";
import { logRetention } from "../../modules/policy/rules/log-retention";
import { requiredTags } from "../../modules/policy/rules/required-tags";
import { awsTestStack, checkPolicy } from "../support/policy";

describe("MLOPS-REQUIRED-TAGS", () => {
  const pack = [{ rule: requiredTags, level: "error" as const }];

  test("Compliance: provider default tags cover a taggable resource", () => {
    const stack = awsTestStack();
    new S3Bucket(stack, "bucket", { bucket: "b" });
    expect(checkPolicy(stack, pack).errors).toEqual([]);
  });

  test("Noncompliance 1: no default tags and no own tags", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    new S3Bucket(stack, "bucket", { bucket: "b" });
    const { errors } = checkPolicy(stack, pack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ruleId: "MLOPS-REQUIRED-TAGS", path: "test/bucket", resourceType: "aws_s3_bucket" });
    expect(errors[0].message).toContain("missing or different tags: environment, managed-by, platform, cloud");
  });

  test("Noncompliance 2: a resource overrides a required tag with another value", () => {
    const stack = awsTestStack();
    new S3Bucket(stack, "bucket", { bucket: "b", tags: { environment: "prod" } });
    expect(checkPolicy(stack, pack).errors[0].message).toContain("missing or different tags: environment");
  });

  test("Not applicable: a resource type without tags", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    new IamRolePolicy(stack, "policy", { role: "r", policy: "{}" });
    expect(checkPolicy(stack, pack).errors).toEqual([]);
  });
});

describe("MLOPS-LOG-RETENTION", () => {
  const pack = [{ rule: logRetention, level: "error" as const }];

  test("Compliance: a log group with retention", () => {
    const stack = awsTestStack();
    new CloudwatchLogGroup(stack, "lg", { retentionInDays: 30 });
    expect(checkPolicy(stack, pack).errors).toEqual([]);
  });

  test("Noncompliance 1: a log group without retention", () => {
    const stack = awsTestStack();
    new CloudwatchLogGroup(stack, "lg", {});
    const { errors } = checkPolicy(stack, pack);
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-LOG-RETENTION", path: "test/lg" })]);
    expect(errors[0].message).toContain("retention_in_days is not set");
  });

  test("Noncompliance 2: retention 0 (keep forever)", () => {
    const stack = awsTestStack();
    new CloudwatchLogGroup(stack, "lg", { retentionInDays: 0 });
    expect(checkPolicy(stack, pack).errors[0].message).toContain("retention_in_days is 0");
  });
});

describe("policy engine", () => {
  test("GIVEN a suppression with a reason WHEN the rule fires THEN no error and the suppression is reported with what it matched", () => {
    const stack = awsTestStack();
    const lg = new CloudwatchLogGroup(stack, "lg", {});
    suppress(lg, "MLOPS-LOG-RETENTION", "audit log kept forever by legal hold");
    const { report, errors } = checkPolicy(stack, CORE_PACK);
    expect(errors).toEqual([]);
    expect(report.suppressions()).toEqual([
      { ruleId: "MLOPS-LOG-RETENTION", reason: "audit log kept forever by legal hold", path: "test/lg", matched: ["test/lg"], scanners: {}, source: "construct" },
    ]);
  });

  test("GIVEN a suppression with a short reason WHEN declared THEN it throws naming the construct", () => {
    const stack = awsTestStack();
    const lg = new CloudwatchLogGroup(stack, "lg", { retentionInDays: 1 });
    expect(() => suppress(lg, "MLOPS-LOG-RETENTION", "because")).toThrow(
      '[test/lg] suppression of MLOPS-LOG-RETENTION needs a reason of at least 10 characters; got "because"',
    );
  });

  test("GIVEN a suppression that matches nothing WHEN checked THEN it is itself an error", () => {
    const stack = awsTestStack();
    const lg = new CloudwatchLogGroup(stack, "lg", { retentionInDays: 7 });
    suppress(lg, "MLOPS-LOG-RETENTION", "left over from an old exception");
    const { errors } = checkPolicy(stack, CORE_PACK);
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-LOG-RETENTION", path: "test/lg", message: "suppression of MLOPS-LOG-RETENTION matches no finding; remove it" })]);
  });

  test("GIVEN a rule that throws WHEN checked THEN it becomes a finding, not a crash", () => {
    const broken: PolicyRule = {
      id: "BROKEN",
      description: "always throws",
      check: () => {
        throw new Error("boom");
      },
    };
    const stack = awsTestStack();
    new CloudwatchLogGroup(stack, "lg", { retentionInDays: 7 });
    const { errors } = checkPolicy(stack, [{ rule: broken, level: "error" }]);
    expect(errors).toEqual([expect.objectContaining({ ruleId: "BROKEN", path: "test/lg" })]);
    expect(errors[0].message).toContain("rule failed to evaluate: boom");
  });

  test("GIVEN a warning-level rule WHEN it fires THEN it is a finding but not an error", () => {
    const stack = awsTestStack();
    new CloudwatchLogGroup(stack, "lg", {});
    const { report, errors } = checkPolicy(stack, [{ rule: logRetention, level: "warning" }]);
    expect(errors).toEqual([]);
    expect(report.findings).toHaveLength(1);
  });

  test("GIVEN the project's stacks WHEN synthesized with the policy THEN there is no error", () => {
    // guards against a module adding an untagged or unretained resource
    const { synthProject } = require("../support/synth") as typeof import("../support/synth");
    const built = synthProject({ select: "dev,prod" });
    expect(built.report.errors(built.app)).toEqual([]);
  });
});

describe("where tags live", () => {
  const { GoogleProvider } = require("@cdktf/provider-google/lib/provider") as typeof import("@cdktf/provider-google/lib/provider");
  const { MonitoringNotificationChannel } = require("@cdktf/provider-google/lib/monitoring-notification-channel") as typeof import("@cdktf/provider-google/lib/monitoring-notification-channel");
  const { EventgridSystemTopicEventSubscription } = require("@cdktf/provider-azurerm/lib/eventgrid-system-topic-event-subscription") as typeof import("@cdktf/provider-azurerm/lib/eventgrid-system-topic-event-subscription");
  const pack = [{ rule: requiredTags, level: "error" as const }];

  test("GIVEN a Google notification channel WHEN only provider default labels are set THEN its user_labels are still required", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new GoogleProvider(stack, "google", { project: "p", defaultLabels: { environment: "test" } });
    new MonitoringNotificationChannel(stack, "channel", { type: "email", labels: { email_address: "a@example.com" } });
    const { errors } = checkPolicy(stack, pack, { environment: "test" });
    expect(errors.map((e) => e.path)).toEqual(["test/channel"]);
    const ok = new TerraformStack(Testing.app(), "test");
    new GoogleProvider(ok, "google", { project: "p" });
    new MonitoringNotificationChannel(ok, "channel", { type: "email", labels: { email_address: "a@example.com" }, userLabels: { environment: "test" } });
    expect(checkPolicy(ok, pack, { environment: "test" }).errors).toEqual([]);
  });

  test("GIVEN an Azure resource with a `labels` list WHEN checked THEN labels are not mistaken for tags (Azure tags live in `tags`)", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new EventgridSystemTopicEventSubscription(stack, "sub", { name: "s", resourceGroupName: "rg", systemTopic: "t", labels: ["x"] });
    expect(checkPolicy(stack, pack, { environment: "test" }).errors).toEqual([]);
  });
});
