/** AWS database: MLflow's PostgreSQL on RDS, private, encrypted, TLS forced, password kept by RDS, reachable only from named groups. */
import { Database, DatabaseProps } from "../../../modules/aws/database";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const BASE = { naming: AWS_NAMING, vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const users = SERVICE_CATALOG.filter((s) => s.usesDatabase).map((s) => s.name);

describe("AWS Database", () => {
  let small: StackJson;
  let ha: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    const db = new Database(stack, "database", { ...BASE, customerManagedKey: KEY });
    users.forEach((u, i) => db.allowFrom(u, `sg-${i}`));
    small = synthStack(stack);
    const other = awsTestStack();
    new Database(other, "database", { ...BASE, tier: "medium", highAvailability: true, deletionProtection: true, customerManagedKey: KEY, finalSnapshot: false, logRetentionDays: 90 });
    ha = synthStack(other);
  });

  const instance = (json: StackJson): Record<string, unknown> => resources(json, "aws_db_instance")[0];

  test("GIVEN defaults WHEN synthesized THEN a private, encrypted PostgreSQL 16 whose password RDS keeps (none in config) and IAM auth on", () => {
    const db = instance(small);
    expect(db).toMatchObject({
      engine: "postgres", engine_version: "16", instance_class: "db.t4g.micro", allocated_storage: 20, storage_type: "gp3",
      storage_encrypted: true, kms_key_id: KEY, publicly_accessible: false, manage_master_user_password: true,
      master_user_secret_kms_key_id: KEY, iam_database_authentication_enabled: true, multi_az: false, deletion_protection: true,
      backup_retention_period: 7, skip_final_snapshot: false, final_snapshot_identifier: "mlops-test-mlflow-final",
    });
    expect(db).not.toHaveProperty("password");
  });

  test("GIVEN any database THEN its parameter group forces TLS and logs connections", () => {
    const params = resources(small, "aws_db_parameter_group")[0].parameter as { name: string; value: string }[];
    expect(params).toEqual(expect.arrayContaining([{ name: "rds.force_ssl", value: "1" }, { name: "log_connections", value: "1" }]));
  });

  test("GIVEN exported logs THEN their log groups exist first, encrypted with the key and kept 30 days by default", () => {
    const groups = resources(small, "aws_cloudwatch_log_group");
    expect(groups.map((g) => g.name).sort()).toEqual(["/aws/rds/instance/mlops-test-mlflow/postgresql", "/aws/rds/instance/mlops-test-mlflow/upgrade"]);
    for (const g of groups) expect(g).toMatchObject({ retention_in_days: 30, kms_key_id: KEY });
    // The instance waits for both log groups, and for its enhanced-monitoring role's policy (CKV_AWS_118).
    const deps = instance(small).depends_on as string[];
    expect(deps.filter((d) => d.startsWith("aws_cloudwatch_log_group."))).toHaveLength(2);
    expect(deps.filter((d) => d.startsWith("aws_iam_role_policy_attachment.") && d.includes("monitoring-policy"))).toHaveLength(1);
    expect(deps).toHaveLength(3);
    expect(instance(small)).toMatchObject({ monitoring_interval: 60 });
    expect(resources(ha, "aws_cloudwatch_log_group").every((g) => g.retention_in_days === 90)).toBe(true);
  });

  test("GIVEN the catalog's database users THEN only their security groups may connect, on 5432", () => {
    const rules = resources(small, "aws_vpc_security_group_ingress_rule");
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual(users.map((_u, i) => `sg-${i}`).sort());
    for (const r of rules) expect(r).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
    expect(resources(small, "aws_security_group")[0]).not.toHaveProperty("ingress");
  });

  test("GIVEN high availability, protection and a throwaway snapshot choice THEN Multi-AZ with Performance Insights, protected, and no final snapshot", () => {
    expect(instance(ha)).toMatchObject({ instance_class: "db.m7g.large", multi_az: true, performance_insights_enabled: true, performance_insights_kms_key_id: KEY, deletion_protection: true, skip_final_snapshot: true });
    expect(instance(ha)).not.toHaveProperty("final_snapshot_identifier");
  });

  test.each<[string, Partial<DatabaseProps>, string]>([
    ["an unknown tier", { tier: "huge" as DatabaseProps["tier"] }, 'tier must be one of small, medium, large; got "huge"'],
    ["19 GiB of storage", { storageGiB: 19 }, "storageGiB must be at least 20 for gp3; got 19"],
    ["one subnet", { subnetIds: ["subnet-a"] }, "subnetIds must span at least two zones; got 1"],
    // RDS would read 0 as "no automated backups"; Azure and Google cannot turn them off, so no cloud takes 0.
    ["no backups", { backupRetentionDays: 0 }, "backupRetentionDays must be an integer from 1 to 35 on aws (backups are never off; resolveDatabase raises an environment's days to the floor); got 0"],
    ["too many backup days", { backupRetentionDays: 36 }, "backupRetentionDays must be an integer from 1 to 35 on aws"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => new Database(awsTestStack(), "database", { ...BASE, ...over })).toThrow(message);
  });
});
