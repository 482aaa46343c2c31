/** AWS sign-in: a Cognito pool without self sign-up, strong passwords, MFA, an admins group and the scope trigger. */
import { UserPool } from "../../../modules/aws/user-pool";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";

describe("AWS UserPool", () => {
  let dev: StackJson;
  let prod: StackJson;
  let users: UserPool;
  beforeAll(() => {
    const stack = awsTestStack();
    users = new UserPool(stack, "users", { naming: AWS_NAMING, region: REGION });
    dev = synthStack(stack);
    const other = awsTestStack();
    new UserPool(other, "users", { naming: AWS_NAMING, region: REGION, requireMfa: true, deletionProtection: true, customerManagedKey: KEY, logRetentionDays: 365, scopePrefix: "acme", adminGroup: "ops" });
    prod = synthStack(other);
  });
  const pool = (json: StackJson): Record<string, unknown> => resources(json, "aws_cognito_user_pool")[0];

  test("GIVEN defaults WHEN synthesized THEN only admins create users, passwords are 14+ characters of every class, MFA offered, the pool deletable", () => {
    expect(pool(dev)).toMatchObject({
      admin_create_user_config: { allow_admin_create_user_only: true },
      mfa_configuration: "OPTIONAL",
      software_token_mfa_configuration: { enabled: true },
      deletion_protection: "INACTIVE",
      password_policy: { minimum_length: 14, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true },
    });
  });

  test("GIVEN requireMfa and deletion protection THEN MFA is on for everyone and the pool refuses destroy", () => {
    expect(pool(prod)).toMatchObject({ mfa_configuration: "ON", deletion_protection: "ACTIVE" });
  });

  test("GIVEN the app client THEN it is public (no secret), SRP only, hides user existence and revokes tokens", () => {
    expect(resources(dev, "aws_cognito_user_pool_client")[0]).toMatchObject({
      generate_secret: false, explicit_auth_flows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], prevent_user_existence_errors: "ENABLED", enable_token_revocation: true,
    });
  });

  test("GIVEN a scope prefix and admin group THEN the trigger writes those scopes, the group exists, and only Cognito may invoke the trigger", () => {
    expect(users.userScope).toBe("mlops/user");
    expect(users.adminScope).toBe("mlops/admin");
    expect(resources(prod, "aws_lambda_function")[0].environment).toEqual({ variables: { SCOPE_PREFIX: "acme", ADMIN_GROUP: "ops" } });
    expect(resources(prod, "aws_cognito_user_group").map((g) => g.name)).toEqual(["ops"]);
    expect(resources(prod, "aws_lambda_permission")[0]).toMatchObject({ action: "lambda:InvokeFunction", principal: "cognito-idp.amazonaws.com" });
    expect(pool(prod).lambda_config).toMatchObject({ pre_token_generation_config: { lambda_version: "V2_0" } });
  });

  test("GIVEN the trigger's log group THEN it is kept for the retention given and encrypted with the key", () => {
    expect(resources(dev, "aws_cloudwatch_log_group")[0]).toMatchObject({ retention_in_days: 30 });
    expect(resources(prod, "aws_cloudwatch_log_group")[0]).toMatchObject({ retention_in_days: 365, kms_key_id: KEY });
  });
});
