/** The AWS pack: the core rules plus the AWS resources' own. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";
import { awsAdminOnlyBuilder } from "./rules/aws-admin-only-builder";
import { awsApiRouteAuthorized } from "./rules/aws-api-route-authorized";
import { awsEcsHardenedContainers } from "./rules/aws-ecs-hardened-containers";
import { awsKmsRotation } from "./rules/aws-kms-rotation";
import { awsRdsBackups } from "./rules/aws-rds-backups";
import { awsVpcFlowLogs } from "./rules/aws-vpc-flow-logs";
import { awsEcrImmutableScanned } from "./rules/aws-ecr-immutable-scanned";
import { awsIamNoWildcard } from "./rules/aws-iam-no-wildcard";
import { awsLambdaRuntimeSupported } from "./rules/aws-lambda-runtime-supported";
import { awsNoOpenIngress } from "./rules/aws-no-open-ingress";
import { awsOidcTrustScoped } from "./rules/aws-oidc-trust-scoped";
import { awsPullRequestRoleNoData } from "./rules/aws-pull-request-role-no-data";
import { awsRdsEncryptedPrivate } from "./rules/aws-rds-encrypted-private";
import { awsS3Encrypted } from "./rules/aws-s3-encrypted";
import { awsS3PublicAccessBlocked } from "./rules/aws-s3-public-access-blocked";
import { awsS3TlsOnly } from "./rules/aws-s3-tls-only";
import { awsS3Versioned } from "./rules/aws-s3-versioned";
import { awsLambdaConcurrencyLimit } from "./rules/aws-lambda-concurrency-limit";
import { awsLambdaDeadLetterQueue } from "./rules/aws-lambda-dead-letter-queue";
import { awsLambdaInVpc } from "./rules/aws-lambda-in-vpc";
import { awsLambdaCodeSigning } from "./rules/aws-lambda-code-signing";
import { awsLbAccessLogs } from "./rules/aws-lb-access-logs";
import { awsLbDeletionProtection } from "./rules/aws-lb-deletion-protection";
import { awsS3Replication } from "./rules/aws-s3-replication";
import { awsS3KmsEncrypted } from "./rules/aws-s3-kms-encrypted";
import { awsS3EventNotifications } from "./rules/aws-s3-event-notifications";
import { awsS3AccessLogging } from "./rules/aws-s3-access-logging";
import { awsMwaaKms } from "./rules/aws-mwaa-kms";
import { awsMwaaPrivate } from "./rules/aws-mwaa-private";
import { awsMwaaRoleScoped } from "./rules/aws-mwaa-role-scoped";
import { awsNoAdministratorAccess } from "./rules/aws-no-administrator-access";
import { awsSnsKms } from "./rules/aws-sns-kms";
import { awsEcrKms } from "./rules/aws-ecr-kms";
import { awsSecretKms } from "./rules/aws-secret-kms";
import { awsLogGroupKms } from "./rules/aws-log-group-kms";
import { awsRdsMultiAz } from "./rules/aws-rds-multi-az";
import { awsRdsDeletionProtection } from "./rules/aws-rds-deletion-protection";
import { awsRdsPerformanceInsights } from "./rules/aws-rds-performance-insights";
import { awsLogRetentionOneYear } from "./rules/aws-log-retention-one-year";
import { awsRdsEnhancedMonitoring } from "./rules/aws-rds-enhanced-monitoring";
import { awsSecretRotation } from "./rules/aws-secret-rotation";

/**
 * The exact counterparts of scanner checks (issue 16, Checkov 3.3.13 on the synthesized stacks): each
 * rule names its Checkov/Trivy ids; the ones a stack keeps are in `accepted/aws-accepted-risks.ts`.
 */
export const AWS_SCANNER_CHECKS: readonly PackEntry[] = [
  { rule: awsLambdaConcurrencyLimit, level: "error" },
  { rule: awsLambdaDeadLetterQueue, level: "error" },
  { rule: awsLambdaInVpc, level: "error" },
  { rule: awsLambdaCodeSigning, level: "error" },
  { rule: awsLbAccessLogs, level: "error" },
  { rule: awsLbDeletionProtection, level: "error" },
  { rule: awsS3Replication, level: "error" },
  { rule: awsS3KmsEncrypted, level: "error" },
  { rule: awsS3EventNotifications, level: "error" },
  { rule: awsS3AccessLogging, level: "error" },
  { rule: awsNoAdministratorAccess, level: "error" },
  { rule: awsSnsKms, level: "error" },
  { rule: awsEcrKms, level: "error" },
  { rule: awsSecretKms, level: "error" },
  { rule: awsLogGroupKms, level: "error" },
  { rule: awsRdsMultiAz, level: "error" },
  { rule: awsRdsDeletionProtection, level: "error" },
  { rule: awsRdsPerformanceInsights, level: "error" },
  { rule: awsLogRetentionOneYear, level: "error" },
  { rule: awsRdsEnhancedMonitoring, level: "error" },
  { rule: awsSecretRotation, level: "error" },
];

export const AWS_PACK: readonly PackEntry[] = [
  ...CORE_PACK,
  { rule: awsS3Encrypted, level: "error" },
  { rule: awsS3Versioned, level: "error" },
  { rule: awsS3PublicAccessBlocked, level: "error" },
  { rule: awsS3TlsOnly, level: "error" },
  { rule: awsEcrImmutableScanned, level: "error" },
  { rule: awsNoOpenIngress, level: "error" },
  { rule: awsIamNoWildcard, level: "error" },
  { rule: awsAdminOnlyBuilder, level: "error" },
  { rule: awsOidcTrustScoped, level: "error" },
  { rule: awsPullRequestRoleNoData, level: "error" },
  { rule: awsRdsEncryptedPrivate, level: "error" },
  { rule: awsLambdaRuntimeSupported, level: "error" },
  { rule: awsEcsHardenedContainers, level: "error" },
  { rule: awsVpcFlowLogs, level: "error" },
  { rule: awsKmsRotation, level: "error" },
  { rule: awsApiRouteAuthorized, level: "error" },
  { rule: awsRdsBackups, level: "error" },
  { rule: awsMwaaPrivate, level: "error" },
  { rule: awsMwaaKms, level: "error" },
  { rule: awsMwaaRoleScoped, level: "error" },
  ...AWS_SCANNER_CHECKS,
];
