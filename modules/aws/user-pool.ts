/**
 * Sign-in for the public APIs (the seeds' token login and roles): a Cognito user pool without
 * self sign-up, a strong password policy and MFA, an `admins` group, an app client for the
 * model API's users, and a pre-token-generation trigger that writes `<scope>/user` into every
 * access token and `<scope>/admin` for members of `admins`. API Gateway checks those scopes.
 */
import * as path from "path";
import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { zipDirectoryToFile } from "../core/zip";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Naming } from "../core/naming";
import { serviceTrustPolicy } from "./private/iam";

export interface UserPoolProps {
  readonly naming: Naming;
  readonly region: string;
  /** Scope prefix in access tokens. @default "mlops" */
  readonly scopePrefix?: string;
  /** Group whose members may call admin routes. @default "admins" */
  readonly adminGroup?: string;
  /** Require MFA for everyone (prod) instead of offering it. @default false */
  readonly requireMfa?: boolean;
  /** Refuse `terraform destroy` of the pool (prod). @default false */
  readonly deletionProtection?: boolean;
  /** @default 30 */
  readonly logRetentionDays?: number;
  readonly customerManagedKey?: string;
}

/** The pool, its client and the scope trigger. */
export class UserPool extends Construct {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly issuer: string;
  readonly userScope: string;
  readonly adminScope: string;

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);
    const n = props.naming;
    const prefix = props.scopePrefix ?? "mlops";
    const adminGroup = props.adminGroup ?? "admins";
    this.userScope = `${prefix}/user`;
    this.adminScope = `${prefix}/admin`;

    const fnName = n.bounded(64, "pre-token-scopes");
    const logs = new CloudwatchLogGroup(this, "trigger-logs", {
      name: `/aws/lambda/${fnName}`,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.customerManagedKey,
    });
    const role = new IamRole(this, "trigger-role", {
      name: n.bounded(64, "pre-token-scopes"),
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
    });
    new IamRolePolicy(this, "trigger-logging", {
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` }],
      }),
    });
    const code = new TerraformAsset(this, "trigger-code", {
      path: zipDirectoryToFile(path.join(__dirname, "private", "pre-token-scopes")),
      type: AssetType.FILE,
    });
    const fn = new LambdaFunction(this, "trigger", {
      functionName: fnName,
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 5,
      environment: { variables: { SCOPE_PREFIX: prefix, ADMIN_GROUP: adminGroup } },
      loggingConfig: { logFormat: "JSON", logGroup: logs.name },
      dependsOn: [logs],
    });

    this.pool = new CognitoUserPool(this, "pool", {
      name: n.name("users"),
      userPoolTier: "ESSENTIALS", // access-token scope customization needs Essentials or Plus
      deletionProtection: props.deletionProtection ? "ACTIVE" : "INACTIVE",
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      mfaConfiguration: props.requireMfa ? "ON" : "OPTIONAL",
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: {
        minimumLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
      accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
      lambdaConfig: { preTokenGenerationConfig: { lambdaArn: fn.arn, lambdaVersion: "V2_0" } },
    });
    new LambdaPermission(this, "trigger-invoke", {
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "cognito-idp.amazonaws.com",
      sourceArn: this.pool.arn,
    });
    new CognitoUserGroup(this, "admins", { name: adminGroup, userPoolId: this.pool.id, description: "May call admin routes such as retrain" });
    this.client = new CognitoUserPoolClient(this, "client", {
      name: n.name("api-client"),
      userPoolId: this.pool.id,
      generateSecret: false,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 7,
      tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "days" }],
    });
    this.issuer = `https://cognito-idp.${props.region}.amazonaws.com/${this.pool.id}`;
  }
}
