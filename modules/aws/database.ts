/**
 * MLflow's backend store: PostgreSQL on RDS in the private subnets. Encrypted, never public, TLS
 * forced by a parameter group, master password generated and kept by RDS in Secrets Manager (it
 * never appears in the Terraform configuration or state), IAM authentication on, logs exported.
 * High availability adds Multi-AZ and Performance Insights. A final snapshot is taken on destroy
 * unless the environment is throwaway. Deletion protection follows config. Only security groups passed to `allowFrom` may connect.
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { notOneOf, ValidationError } from "../core/errors";
import { backupRetentionProblem } from "../core/intent";
import type { PlatformDatabase } from "../core/contracts";
import { Naming } from "../core/naming";

/** Instance class per cloud-neutral tier; Graviton, burstable only for the smallest. */
export const RDS_CLASS_BY_TIER = { small: "db.t4g.micro", medium: "db.m7g.large", large: "db.m7g.xlarge" } as const;

export interface DatabaseProps {
  readonly naming: Naming;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** @default "small" */
  readonly tier?: keyof typeof RDS_CLASS_BY_TIER;
  /** Overrides the tier's class. @default - from tier */
  readonly instanceClass?: string;
  /** @default 20 */
  readonly storageGiB?: number;
  /** Multi-AZ standby, Performance Insights, final snapshot. @default false */
  readonly highAvailability?: boolean;
  /** Refuse deletion (RDS deletion protection), as on every cloud. @default true */
  readonly deletionProtection?: boolean;
  /** Days of automated backups, 1-35 (never off: `resolveDatabase` in modules/core/intent.ts). @default 7 */
  readonly backupRetentionDays?: number;
  readonly customerManagedKey?: string;
  /** PostgreSQL major version. @default "16" */
  readonly engineVersion?: string;
  /** @default "mlflow" */
  readonly databaseName?: string;
  /** Take a final snapshot on destroy, as on every cloud (Google: backups retained on delete). @default true */
  readonly finalSnapshot?: boolean;
  /** Days the exported PostgreSQL logs are kept (RDS would create their groups with no expiry). @default 30 */
  readonly logRetentionDays?: number;
  /** Days a deleted login secret can be restored. @default 30 */
  readonly secretRecoveryDays?: number;
}

/** One PostgreSQL instance and its network guard. */
export class Database extends Construct implements PlatformDatabase {
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  /** ARN of the RDS-managed secret holding `username` and `password`. */
  readonly masterSecretArn: string;
  /**
   * MLflow's own least-privilege login (not the master user): created in the database by
   * `scripts/database-migrate.ts --role mlflow_app --login password`; its secret holds
   * `{"username":"mlflow_app","password":"…"}`, put by the day-0 runbook, never by Terraform.
   */
  readonly appUser = "mlflow_app";
  readonly appLoginSecret: SecretsmanagerSecret;
  readonly endpoint: string;
  readonly port = 5432;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const tier = props.tier ?? "small";
    if (!(tier in RDS_CLASS_BY_TIER)) throw new ValidationError(notOneOf("tier", tier, Object.keys(RDS_CLASS_BY_TIER)), this);
    const ha = props.highAvailability ?? false;
    const storage = props.storageGiB ?? 20;
    if (storage < 20) throw new ValidationError(`storageGiB must be at least 20 for gp3; got ${storage}`, this);
    const backupDays = props.backupRetentionDays ?? 7;
    const backupProblem = backupRetentionProblem(backupDays, "aws");
    if (backupProblem) throw new ValidationError(backupProblem, this);
    const finalSnapshot = props.finalSnapshot ?? true;
    if (props.subnetIds.length < 2) throw new ValidationError(`subnetIds must span at least two zones; got ${props.subnetIds.length}`, this);
    const engineVersion = props.engineVersion ?? "16";
    const n = props.naming;
    this.databaseName = props.databaseName ?? "mlflow";

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: n.name("mlflow-db"),
      description: "MLflow backend store: PostgreSQL from the services that use it",
      vpcId: props.vpcId,
      tags: { Name: n.name("mlflow-db") },
    });
    const subnets = new DbSubnetGroup(this, "subnets", { name: n.name("mlflow-db"), subnetIds: [...props.subnetIds] });
    const params = new DbParameterGroup(this, "params", {
      name: n.name("mlflow-pg", engineVersion),
      family: `postgres${engineVersion}`,
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
      ],
      // The name carries the major version: a new group must exist before the instance moves to it.
      lifecycle: { createBeforeDestroy: true },
    });
    const identifier = n.name("mlflow");
    const logExports = ["postgresql", "upgrade"];
    const logGroups = logExports.map(
      (kind) =>
        new CloudwatchLogGroup(this, `logs-${kind}`, {
          name: `/aws/rds/instance/${identifier}/${kind}`,
          retentionInDays: props.logRetentionDays ?? 30,
          kmsKeyId: props.customerManagedKey,
        }),
    );
    // Enhanced monitoring (CKV_AWS_118): OS metrics every 60 s through RDS's own role.
    const monitoringRole = new IamRole(this, "monitoring-role", {
      name: n.bounded(64, "rds-monitoring"),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: monitoringRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    this.instance = new DbInstance(this, "instance", {
      identifier,
      dependsOn: [...logGroups, monitoringPolicy],
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      engine: "postgres",
      engineVersion,
      instanceClass: props.instanceClass ?? RDS_CLASS_BY_TIER[tier],
      allocatedStorage: storage,
      maxAllocatedStorage: storage * 4,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: props.customerManagedKey,
      dbName: this.databaseName,
      // The master user (its name forces a replacement if changed): migrations only; MLflow uses appUser.
      username: "mlflow",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.customerManagedKey,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: params.name,
      publiclyAccessible: false,
      multiAz: ha,
      deletionProtection: props.deletionProtection ?? true,
      backupRetentionPeriod: backupDays,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? n.name("mlflow-final") : undefined,
      iamDatabaseAuthenticationEnabled: true,
      performanceInsightsEnabled: ha,
      performanceInsightsKmsKeyId: ha ? props.customerManagedKey : undefined,
      enabledCloudwatchLogsExports: logExports,
      autoMinorVersionUpgrade: true,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      applyImmediately: !ha,
    });
    this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.endpoint = this.instance.address;
    this.appLoginSecret = new SecretsmanagerSecret(this, "app-login", {
      name: `${n.prefix}/${n.env}/mlflow-db-login`,
      description: `MLOps ${n.env}: MLflow's database login ${this.appUser} (value set by the day-0 runbook)`,
      kmsKeyId: props.customerManagedKey,
      recoveryWindowInDays: props.secretRecoveryDays ?? 30,
    });
  }

  /** Lets one security group connect on the PostgreSQL port; nothing else can. */
  allowFrom(id: string, securityGroupId: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `from-${id}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description: `PostgreSQL from ${id}`,
    });
  }
}
