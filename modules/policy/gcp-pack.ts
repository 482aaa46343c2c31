/** The Google Cloud pack: the core rules plus the GCP resources' own, all failing synth. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";
import { gcpBucketPublicAccessPrevention } from "./rules/gcp-bucket-public-access-prevention";
import { gcpBucketUniformAccess } from "./rules/gcp-bucket-uniform-access";
import { gcpBucketVersioned } from "./rules/gcp-bucket-versioned";
import { gcpCiAdminOnlyBuilder } from "./rules/gcp-ci-admin-only-builder";
import { gcpLiteralSecretValue } from "./rules/gcp-literal-secret-value";
import { gcpPublicPrincipal } from "./rules/gcp-public-principal";
import { gcpRegistryImmutable } from "./rules/gcp-registry-immutable";
import { gcpRunLiteralSecrets } from "./rules/gcp-run-literal-secrets";
import { gcpRunPublicInvoker } from "./rules/gcp-run-public-invoker";
import { gcpSqlBackups } from "./rules/gcp-sql-backups";
import { gcpSqlPrivate } from "./rules/gcp-sql-private";
import { gcpSubnetFlowLogs } from "./rules/gcp-subnet-flow-logs";
import { gcpSubnetPrivateGoogleAccess } from "./rules/gcp-subnet-private-google-access";
import { gcpWifNoPoolWidePrincipal } from "./rules/gcp-wif-no-pool-wide-principal";
import { gcpWifProviderScoped } from "./rules/gcp-wif-provider-scoped";
import { gcpSqlClientCertificates } from "./rules/gcp-sql-client-certificates";
import { gcpProjectOwner } from "./rules/gcp-project-owner";
import { gcpBucketAccessLogs } from "./rules/gcp-bucket-access-logs";
import { gcpRegistryCmek } from "./rules/gcp-registry-cmek";
import { gcpSqlLatestMajor } from "./rules/gcp-sql-latest-major";
import { gcpKmsPreventDestroy } from "./rules/gcp-kms-prevent-destroy";
import { gcpPubsubCmek } from "./rules/gcp-pubsub-cmek";
import { gcpSqlAuditFlags } from "./rules/gcp-sql-audit-flags";
import { gcpNetworkDefaultDeny } from "./rules/gcp-network-default-deny";

/**
 * The exact counterparts of scanner checks (issue 16, Checkov 3.3.13 on the synthesized stacks): each
 * rule names its Checkov/Trivy ids; the ones a stack keeps are in `accepted/gcp-accepted-risks.ts`.
 */
import { gcpComposerPrivate } from "./rules/gcp-composer-private";

export const GCP_SCANNER_CHECKS: readonly PackEntry[] = [
  { rule: gcpSqlClientCertificates, level: "error" },
  { rule: gcpProjectOwner, level: "error" },
  { rule: gcpBucketAccessLogs, level: "error" },
  { rule: gcpRegistryCmek, level: "error" },
  { rule: gcpSqlLatestMajor, level: "error" },
  { rule: gcpKmsPreventDestroy, level: "error" },
  { rule: gcpPubsubCmek, level: "error" },
  { rule: gcpSqlAuditFlags, level: "error" },
  { rule: gcpNetworkDefaultDeny, level: "error" },
];

/** Rules for `<env>-gcp` stacks. */
export const GCP_PACK: readonly PackEntry[] = [
  ...CORE_PACK,
  { rule: gcpBucketPublicAccessPrevention, level: "error" },
  { rule: gcpBucketUniformAccess, level: "error" },
  { rule: gcpBucketVersioned, level: "error" },
  { rule: gcpPublicPrincipal, level: "error" },
  { rule: gcpRunPublicInvoker, level: "error" },
  { rule: gcpRunLiteralSecrets, level: "error" },
  { rule: gcpLiteralSecretValue, level: "error" },
  { rule: gcpSqlPrivate, level: "error" },
  { rule: gcpSqlBackups, level: "error" },
  { rule: gcpRegistryImmutable, level: "error" },
  { rule: gcpSubnetPrivateGoogleAccess, level: "error" },
  { rule: gcpSubnetFlowLogs, level: "error" },
  { rule: gcpWifProviderScoped, level: "error" },
  { rule: gcpWifNoPoolWidePrincipal, level: "error" },
  { rule: gcpCiAdminOnlyBuilder, level: "error" },
  { rule: gcpComposerPrivate, level: "error" },
  ...GCP_SCANNER_CHECKS,
];
