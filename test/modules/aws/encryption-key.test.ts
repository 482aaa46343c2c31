/** AWS environment key: one rotating CMK with an alias; only this account's logs and alarms may use it as a service. */
import { EncryptionKey } from "../../../modules/aws/encryption-key";
import { resources, StackJson, synthStack } from "../../support/synth";
import { ACCOUNT, AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

type Statement = { Sid: string; Principal: { AWS?: string; Service?: string }; Condition?: Record<string, Record<string, string>> };

describe("AWS EncryptionKey", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    new EncryptionKey(stack, "key", { naming: AWS_NAMING, accountId: ACCOUNT, region: REGION });
    json = synthStack(stack);
  });
  const statements = (): Statement[] => JSON.parse(resources(json, "aws_kms_key")[0].policy as string).Statement;

  test("GIVEN defaults WHEN synthesized THEN one key with rotation on and a 30-day deletion window, aliased alias/<prefix>-<env>-data", () => {
    expect(resources(json, "aws_kms_key")).toEqual([expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30 })]);
    expect(resources(json, "aws_kms_alias").map((a) => a.name)).toEqual(["alias/mlops-test-data"]);
  });

  test("GIVEN the key policy THEN the account administers it through IAM and no other account is named", () => {
    const aws = statements().flatMap((s) => (s.Principal.AWS ? [s.Principal.AWS] : []));
    expect(aws).toEqual([`arn:aws:iam::${ACCOUNT}:root`]);
  });

  test("GIVEN the key policy THEN CloudWatch Logs and alarms may use it only for this account's log groups and alarms in the region", () => {
    const byService = Object.fromEntries(statements().filter((s) => s.Principal.Service).map((s) => [s.Principal.Service, s.Condition]));
    expect(Object.keys(byService).sort()).toEqual(["cloudwatch.amazonaws.com", `logs.${REGION}.amazonaws.com`]);
    expect(byService[`logs.${REGION}.amazonaws.com`]).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` } });
    expect(byService["cloudwatch.amazonaws.com"]).toEqual({ StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:*` } });
  });
});
