/**
 * The rules that are exact counterparts of scanner checks (issue 16): for each, the compliant case and
 * each way of being non-compliant, the resources it ignores, and the scanner ids it names.
 */
import { PolicyRule, ResourceView, SCANNER_ID_PATTERNS } from "../../modules/policy/rule";
import { AWS_PACK } from "../../modules/policy/aws-pack";
import { AZURE_PACK } from "../../modules/policy/azure-pack";
import { GCP_PACK } from "../../modules/policy/gcp-pack";
import { awsEcrKms } from "../../modules/policy/rules/aws-ecr-kms";
import { awsLambdaCodeSigning } from "../../modules/policy/rules/aws-lambda-code-signing";
import { awsLambdaConcurrencyLimit } from "../../modules/policy/rules/aws-lambda-concurrency-limit";
import { awsLambdaDeadLetterQueue } from "../../modules/policy/rules/aws-lambda-dead-letter-queue";
import { awsLambdaInVpc } from "../../modules/policy/rules/aws-lambda-in-vpc";
import { awsLbAccessLogs } from "../../modules/policy/rules/aws-lb-access-logs";
import { awsLbDeletionProtection } from "../../modules/policy/rules/aws-lb-deletion-protection";
import { awsLogGroupKms } from "../../modules/policy/rules/aws-log-group-kms";
import { awsLogRetentionOneYear } from "../../modules/policy/rules/aws-log-retention-one-year";
import { awsNoAdministratorAccess } from "../../modules/policy/rules/aws-no-administrator-access";
import { awsRdsDeletionProtection } from "../../modules/policy/rules/aws-rds-deletion-protection";
import { awsRdsMultiAz } from "../../modules/policy/rules/aws-rds-multi-az";
import { awsSecretRotation } from "../../modules/policy/rules/aws-secret-rotation";
import { awsRdsEnhancedMonitoring } from "../../modules/policy/rules/aws-rds-enhanced-monitoring";
import { awsRdsPerformanceInsights } from "../../modules/policy/rules/aws-rds-performance-insights";
import { awsS3AccessLogging } from "../../modules/policy/rules/aws-s3-access-logging";
import { awsS3EventNotifications } from "../../modules/policy/rules/aws-s3-event-notifications";
import { awsS3KmsEncrypted } from "../../modules/policy/rules/aws-s3-kms-encrypted";
import { awsS3Replication } from "../../modules/policy/rules/aws-s3-replication";
import { awsSecretKms } from "../../modules/policy/rules/aws-secret-kms";
import { awsSnsKms } from "../../modules/policy/rules/aws-sns-kms";
import { azureAcrGeoReplication } from "../../modules/policy/rules/azure-acr-geo-replication";
import { azureAcrPremiumHardening } from "../../modules/policy/rules/azure-acr-premium-hardening";
import { azureAcrQuarantine } from "../../modules/policy/rules/azure-acr-quarantine";
import { azureAcrSignedImages } from "../../modules/policy/rules/azure-acr-signed-images";
import { azureKeyVaultSecretExpiry } from "../../modules/policy/rules/azure-keyvault-secret-expiry";
import { azurePostgresGeoBackup } from "../../modules/policy/rules/azure-postgres-geo-backup";
import { azurePostgresPrivateEndpoint } from "../../modules/policy/rules/azure-postgres-private-endpoint";
import { gcpBucketAccessLogs } from "../../modules/policy/rules/gcp-bucket-access-logs";
import { gcpProjectOwner } from "../../modules/policy/rules/gcp-project-owner";
import { gcpRegistryCmek } from "../../modules/policy/rules/gcp-registry-cmek";
import { gcpSqlClientCertificates } from "../../modules/policy/rules/gcp-sql-client-certificates";
import { gcpSqlLatestMajor } from "../../modules/policy/rules/gcp-sql-latest-major";
import { gcpKmsPreventDestroy } from "../../modules/policy/rules/gcp-kms-prevent-destroy";
import { gcpPubsubCmek } from "../../modules/policy/rules/gcp-pubsub-cmek";
import { gcpSqlAuditFlags } from "../../modules/policy/rules/gcp-sql-audit-flags";
import { gcpNetworkDefaultDeny } from "../../modules/policy/rules/gcp-network-default-deny";
import { statusOf, view } from "./support/view";

const check = (rule: PolicyRule, r: ResourceView) => statusOf(rule.check(r, { requiredTags: {} }));
const detail = (rule: PolicyRule, r: ResourceView) => {
  const result = rule.check(r, { requiredTags: {} });
  return typeof result === "string" ? result : result.status === "non-compliant" && "detail" in result ? result.detail : "";
};

/** [rule, type, compliant attributes, ...non-compliant attribute sets] for the single-attribute rules. */
const CASES: [PolicyRule, string, Record<string, unknown>, ...Record<string, unknown>[]][] = [
  [awsLambdaConcurrencyLimit, "aws_lambda_function", { reserved_concurrent_executions: 5 }, {}],
  [awsLambdaDeadLetterQueue, "aws_lambda_function", { dead_letter_config: { target_arn: "arn:aws:sqs:x" } }, {}, { dead_letter_config: {} }],
  [awsLambdaInVpc, "aws_lambda_function", { vpc_config: { subnet_ids: ["s"], security_group_ids: ["g"] } }, {}, { vpc_config: { subnet_ids: [] } }],
  [awsLambdaCodeSigning, "aws_lambda_function", { code_signing_config_arn: "arn:aws:lambda:x" }, {}],
  [awsLbAccessLogs, "aws_lb", { access_logs: { bucket: "b", enabled: true } }, {}, { access_logs: { bucket: "b", enabled: false } }],
  [awsLbDeletionProtection, "aws_lb", { enable_deletion_protection: true }, {}, { enable_deletion_protection: false }],
  [awsSnsKms, "aws_sns_topic", { kms_master_key_id: "${aws_kms_key.k.arn}" }, {}],
  [awsEcrKms, "aws_ecr_repository", { encryption_configuration: [{ encryption_type: "KMS", kms_key: "k" }] }, {}, { encryption_configuration: [{ encryption_type: "AES256" }] }],
  [awsSecretKms, "aws_secretsmanager_secret", { kms_key_id: "k" }, {}],
  [awsLogGroupKms, "aws_cloudwatch_log_group", { kms_key_id: "k" }, {}],
  [awsRdsMultiAz, "aws_db_instance", { multi_az: true }, {}, { multi_az: false }],
  [awsRdsEnhancedMonitoring, "aws_db_instance", { monitoring_interval: 60, monitoring_role_arn: "${aws_iam_role.m.arn}" }, {}, { monitoring_interval: 0, monitoring_role_arn: "r" }, { monitoring_interval: 45, monitoring_role_arn: "r" }, { monitoring_interval: 60 }],
  [awsRdsDeletionProtection, "aws_db_instance", { deletion_protection: true }, { deletion_protection: false }],
  [awsRdsPerformanceInsights, "aws_db_instance", { performance_insights_enabled: true }, { performance_insights_enabled: false }],
  [awsLogRetentionOneYear, "aws_cloudwatch_log_group", { retention_in_days: 365 }, { retention_in_days: 14 }, { retention_in_days: 364 }],
  [awsNoAdministratorAccess, "aws_iam_role_policy_attachment", { policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, { policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
  [awsNoAdministratorAccess, "aws_iam_role", { managed_policy_arns: [] }, { managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }],
  [azureKeyVaultSecretExpiry, "azurerm_key_vault_secret", { expiration_date: "2027-01-01T00:00:00Z" }, {}],
  [azureAcrSignedImages, "azurerm_container_registry", { trust_policy_enabled: true }, {}, { trust_policy_enabled: false }],
  [azureAcrGeoReplication, "azurerm_container_registry", { sku: "Premium", georeplications: [{ location: "northeurope" }] }, { sku: "Premium" }, { sku: "Standard", georeplications: [{ location: "northeurope" }] }],
  [azureAcrQuarantine, "azurerm_container_registry", { quarantine_policy_enabled: true }, {}],
  [azurePostgresGeoBackup, "azurerm_postgresql_flexible_server", { geo_redundant_backup_enabled: true }, { geo_redundant_backup_enabled: false }],
  [gcpSqlClientCertificates, "google_sql_database_instance", { settings: [{ ip_configuration: [{ ssl_mode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" }] }] }, { settings: [{ ip_configuration: [{ ssl_mode: "ENCRYPTED_ONLY" }] }] }, {}],
  [gcpSqlLatestMajor, "google_sql_database_instance", { database_version: "POSTGRES_18" }, { database_version: "POSTGRES_16" }, { database_version: "POSTGRES_17" }],
  [gcpProjectOwner, "google_project_iam_member", { role: "roles/viewer" }, { role: "roles/owner" }],
  [gcpBucketAccessLogs, "google_storage_bucket", { logging: { log_bucket: "logs" } }, {}],
  [gcpRegistryCmek, "google_artifact_registry_repository", { kms_key_name: "k" }, {}],
  [gcpKmsPreventDestroy, "google_kms_crypto_key", { lifecycle: { prevent_destroy: true } }, {}, { lifecycle: { prevent_destroy: false } }],
  [gcpPubsubCmek, "google_pubsub_topic", { kms_key_name: "${google_kms_crypto_key.k.id}" }, {}, { kms_key_name: "" }],
  [
    gcpSqlAuditFlags,
    "google_sql_database_instance",
    { database_version: "POSTGRES_16", settings: { database_flags: [{ name: "log_hostname", value: "on" }, { name: "cloudsql.enable_pgaudit", value: "on" }, { name: "log_statement", value: "ddl" }, { name: "log_duration", value: "on" }] } },
    { database_version: "POSTGRES_16" },
    { database_version: "POSTGRES_16", settings: { database_flags: [{ name: "log_hostname", value: "on" }, { name: "cloudsql.enable_pgaudit", value: "on" }, { name: "log_statement", value: "none" }, { name: "log_duration", value: "on" }] } },
    { database_version: "POSTGRES_16", settings: { database_flags: [{ name: "log_hostname", value: "off" }, { name: "cloudsql.enable_pgaudit", value: "on" }, { name: "log_statement", value: "all" }, { name: "log_duration", value: "on" }] } },
    { database_version: "POSTGRES_16", settings: { database_flags: [{ name: "log_hostname", value: "on" }, { name: "log_statement", value: "mod" }, { name: "log_duration", value: "on" }] } },
    { database_version: "POSTGRES_16", settings: { database_flags: [{ name: "log_hostname", value: "on" }, { name: "cloudsql.enable_pgaudit", value: "on" }, { name: "log_statement", value: "ddl" }] } },
  ],
];

describe.each(CASES.map((c) => [c[0].id, c[1], c] as const))("%s on %s", (_id, type, [rule, , compliant, ...bad]) => {
  test("Compliance", () => {
    expect(check(rule, view(type, "s/r", compliant))).toBe("compliant");
  });
  test.each(bad.map((b, i) => [i + 1, b] as const))("Noncompliance %d", (_n, attributes) => {
    expect(check(rule, view(type, "s/r", attributes))).toBe("non-compliant");
  });
  test("another resource type is not applicable", () => {
    expect(check(rule, view("aws_vpc", "s/v", compliant))).toBe("not-applicable");
  });
});

describe("S3 rules that look at a bucket's companions", () => {
  const bucket = (related: Record<string, ResourceView[]>) => view("aws_s3_bucket", "s/raw", {}, related);
  const own = (type: string, attributes: Record<string, unknown>) => view(type, "s/c", { bucket: "${aws_s3_bucket.raw.id}", ...attributes });

  test("MLOPS-AWS-S3-KMS: Compliance with aws:kms (and dsse); Noncompliance with AES256 or no encryption config", () => {
    const sse = (alg: string) => own("aws_s3_bucket_server_side_encryption_configuration", { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: alg } }] });
    expect(check(awsS3KmsEncrypted, bucket({ aws_s3_bucket_server_side_encryption_configuration: [sse("aws:kms")] }))).toBe("compliant");
    expect(check(awsS3KmsEncrypted, bucket({ aws_s3_bucket_server_side_encryption_configuration: [sse("aws:kms:dsse")] }))).toBe("compliant");
    expect(detail(awsS3KmsEncrypted, bucket({ aws_s3_bucket_server_side_encryption_configuration: [sse("AES256")] }))).toBe("default encryption is AES256, not aws:kms");
    expect(detail(awsS3KmsEncrypted, bucket({}))).toBe("default encryption is not configured, not aws:kms");
  });

  test("MLOPS-AWS-S3-ACCESS-LOGGING: Compliance as a logged bucket or as the log target; Noncompliance when another bucket's logging only", () => {
    expect(check(awsS3AccessLogging, bucket({ aws_s3_bucket_logging: [own("aws_s3_bucket_logging", { target_bucket: "${aws_s3_bucket.logs.id}" })] }))).toBe("compliant");
    const asTarget = view("aws_s3_bucket_logging", "s/l", { bucket: "${aws_s3_bucket.other.id}", target_bucket: "${aws_s3_bucket.raw.id}" });
    expect(check(awsS3AccessLogging, bucket({ aws_s3_bucket_logging: [asTarget] }))).toBe("compliant");
    const elsewhere = view("aws_s3_bucket_logging", "s/l", { bucket: "${aws_s3_bucket.other.id}", target_bucket: "${aws_s3_bucket.logs.id}", note: "${aws_s3_bucket.raw.arn}" });
    expect(check(awsS3AccessLogging, bucket({ aws_s3_bucket_logging: [elsewhere] }))).toBe("non-compliant");
    expect(check(awsS3AccessLogging, bucket({}))).toBe("non-compliant");
  });

  test("MLOPS-AWS-S3-REPLICATION and -EVENT-NOTIFICATIONS: Compliance with the bucket's own companion; Noncompliance without", () => {
    expect(check(awsS3Replication, bucket({ aws_s3_bucket_replication_configuration: [own("aws_s3_bucket_replication_configuration", {})] }))).toBe("compliant");
    expect(check(awsS3Replication, bucket({}))).toBe("non-compliant");
    expect(check(awsS3EventNotifications, bucket({ aws_s3_bucket_notification: [own("aws_s3_bucket_notification", {})] }))).toBe("compliant");
    expect(check(awsS3EventNotifications, bucket({}))).toBe("non-compliant");
  });

  test("MLOPS-AZURE-POSTGRES-PRIVATE-ENDPOINT: Compliance with a connected private endpoint; Noncompliance without", () => {
    const server = (related: Record<string, ResourceView[]>) => view("azurerm_postgresql_flexible_server", "s/db", {}, related);
    expect(check(azurePostgresPrivateEndpoint, server({ azurerm_private_endpoint: [view("azurerm_private_endpoint", "s/pe")] }))).toBe("compliant");
    expect(check(azurePostgresPrivateEndpoint, server({}))).toBe("non-compliant");
  });
});

describe("MLOPS-GCP-NETWORK-DEFAULT-DENY (a network and the firewalls that name it)", () => {
  const fw = (attributes: Record<string, unknown>) => view("google_compute_firewall", "s/fw", { network: "${google_compute_network.vpc.id}", ...attributes });
  const denyAll = { direction: "INGRESS", deny: [{ protocol: "all" }], source_ranges: ["0.0.0.0/0"], log_config: { metadata: "INCLUDE_ALL_METADATA" } };
  const net = (firewalls: ResourceView[]) => view("google_compute_network", "s/vpc", {}, { google_compute_firewall: firewalls });
  test("Compliance with a logged deny-all ingress rule on the network", () => {
    expect(check(gcpNetworkDefaultDeny, net([fw(denyAll)]))).toBe("compliant");
  });
  test.each([
    ["no firewall", []],
    ["only another network's rule", [view("google_compute_firewall", "s/fw", { ...denyAll, network: "${google_compute_network.other.id}" })]],
    ["a deny of tcp only", [fw({ ...denyAll, deny: [{ protocol: "tcp" }] })]],
    ["a deny without logging", [fw({ ...denyAll, log_config: undefined })]],
    ["a disabled rule", [fw({ ...denyAll, disabled: true })]],
    ["an egress rule", [fw({ ...denyAll, direction: "EGRESS" })]],
  ] as [string, ResourceView[]][])("Noncompliance: %s", (_what, firewalls) => {
    expect(check(gcpNetworkDefaultDeny, net(firewalls))).toBe("non-compliant");
  });
});

test("MLOPS-GCP-SQL-AUDIT-FLAGS judges PostgreSQL only and names each missing flag", () => {
  expect(check(gcpSqlAuditFlags, view("google_sql_database_instance", "s/db", { database_version: "MYSQL_8_0" }))).toBe("compliant");
  expect(detail(gcpSqlAuditFlags, view("google_sql_database_instance", "s/db", { database_version: "POSTGRES_16" }))).toBe(
    'log_hostname is unset (want on); cloudsql.enable_pgaudit is unset (want on); log_statement is unset (want ddl|mod|all); log_duration is unset (want on)',
  );
});

test("MLOPS-GCP-SQL-LATEST-MAJOR judges PostgreSQL only (Checkov's list has its own MySQL and SQL Server versions)", () => {
  expect(check(gcpSqlLatestMajor, view("google_sql_database_instance", "s/db", { database_version: "MYSQL_8_0" }))).toBe("compliant");
});

describe("MLOPS-AWS-SECRET-ROTATION", () => {
  const secret = (related: Record<string, ResourceView[]>) => view("aws_secretsmanager_secret", "s/key", {}, related);
  const rotation = (secretId: string) => view("aws_secretsmanager_secret_rotation", "s/rot", { secret_id: secretId });
  test("Compliance: a rotation naming the secret", () => {
    expect(check(awsSecretRotation, secret({ aws_secretsmanager_secret_rotation: [rotation("${aws_secretsmanager_secret.key.id}")] }))).toBe("compliant");
  });
  test("Noncompliance: no rotation, or a rotation of another secret", () => {
    expect(check(awsSecretRotation, secret({}))).toBe("non-compliant");
    expect(check(awsSecretRotation, secret({ aws_secretsmanager_secret_rotation: [rotation("${aws_secretsmanager_secret.other.id}")] }))).toBe("non-compliant");
  });
});

describe("MLOPS-AZURE-ACR-PREMIUM-HARDENING", () => {
  const premium = { sku: "Premium", public_network_access_enabled: false, retention_policy_in_days: 7, zone_redundancy_enabled: true, data_endpoint_enabled: true };
  test("Compliance: Premium, no public network, retention, zone redundancy, data endpoints", () => {
    expect(check(azureAcrPremiumHardening, view("azurerm_container_registry", "s/acr", premium))).toBe("compliant");
  });
  test.each([
    ["sku is Basic", { ...premium, sku: "Basic" }],
    ["public_network_access_enabled is not false", { ...premium, public_network_access_enabled: true }],
    ["no retention_policy_in_days", { ...premium, retention_policy_in_days: undefined }],
    ["zone_redundancy_enabled is not true", { ...premium, zone_redundancy_enabled: false }],
    ["data_endpoint_enabled is not true", { ...premium, data_endpoint_enabled: undefined }],
  ])("Noncompliance: %s", (message, attributes) => {
    expect(detail(azureAcrPremiumHardening, view("azurerm_container_registry", "s/acr", attributes))).toBe(message);
  });
});

describe("scanner ids", () => {
  test("GIVEN every pack THEN every rule's scanner ids are valid Checkov or Trivy ids and rule ids are unique per pack", () => {
    for (const pack of [AWS_PACK, AZURE_PACK, GCP_PACK]) {
      const ids = pack.map((e) => e.rule.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { rule } of pack) {
        for (const id of rule.scanners?.checkov ?? []) expect(id).toMatch(SCANNER_ID_PATTERNS.checkov);
        for (const id of rule.scanners?.trivy ?? []) expect(id).toMatch(SCANNER_ID_PATTERNS.trivy);
      }
    }
  });

  test("GIVEN each rule mirroring a scanner check THEN it names its ids (the issue's failing checks that are accepted)", () => {
    expect(awsS3Replication.scanners).toEqual({ checkov: ["CKV_AWS_144"] });
    expect(awsS3KmsEncrypted.scanners).toEqual({ checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] });
    expect(gcpProjectOwner.scanners).toEqual({ checkov: ["CKV_GCP_42", "CKV_GCP_49", "CKV_GCP_117"] });
    expect(awsLambdaCodeSigning.maps).toEqual(["Checkov CKV_AWS_272"]);
  });
});
