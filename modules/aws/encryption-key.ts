/**
 * The environment's customer-managed KMS key, used by buckets, logs, secrets, the registry, the
 * database and the alert topic when the environment asks for KMS. Rotation is on (cdk-nag KMS5).
 * The key policy lets the account administer it through IAM, and lets CloudWatch Logs and
 * CloudWatch alarms (publishing to the encrypted SNS topic) use it, scoped to this account's log
 * groups and alarms. Everything else (S3 bucket keys, RDS, Secrets Manager, ECR) uses it through the
 * caller's IAM permissions.
 */
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Naming } from "../core/naming";

export interface EncryptionKeyProps {
  readonly naming: Naming;
  readonly accountId: string;
  readonly region: string;
  /** Days before a deleted key is gone. @default 30 */
  readonly deletionWindowDays?: number;
}

/** One rotating CMK per environment, with an alias. */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const account = props.accountId;
    this.key = new KmsKey(this, "key", {
      description: `MLOps platform data key (${props.naming.env})`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
          {
            Sid: "CloudWatchLogs",
            Effect: "Allow",
            Principal: { Service: `logs.${props.region}.amazonaws.com` },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${props.region}:${account}:log-group:*` } },
          },
          {
            Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${props.region}:${account}:alarm:*` } },
          },
        ],
      }),
    });
    new KmsAlias(this, "alias", { name: `alias/${props.naming.name("data")}`, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
  }
}
