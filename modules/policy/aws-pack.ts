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
import { awsRdsEncryptedPrivate } from "./rules/aws-rds-encrypted-private";
import { awsS3Encrypted } from "./rules/aws-s3-encrypted";
import { awsS3PublicAccessBlocked } from "./rules/aws-s3-public-access-blocked";
import { awsS3TlsOnly } from "./rules/aws-s3-tls-only";
import { awsS3Versioned } from "./rules/aws-s3-versioned";

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
  { rule: awsRdsEncryptedPrivate, level: "error" },
  { rule: awsLambdaRuntimeSupported, level: "error" },
  { rule: awsEcsHardenedContainers, level: "error" },
  { rule: awsVpcFlowLogs, level: "error" },
  { rule: awsKmsRotation, level: "error" },
  { rule: awsApiRouteAuthorized, level: "error" },
  { rule: awsRdsBackups, level: "error" },
];
