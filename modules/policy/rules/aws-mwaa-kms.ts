import { PolicyRule } from "../rule";

/**
 * An MWAA environment encrypts its metadata database, queues and logs with a customer-managed key
 * (`kms_key`; without one MWAA uses an AWS-owned key the account cannot audit or revoke). Apart from
 * MLOPS-AWS-MWAA-PRIVATE so that an environment on provider-managed keys (`storage.encryption`)
 * accepts this choice alone, never a public web server or logs turned off.
 */
export const awsMwaaKms: PolicyRule = {
  id: "MLOPS-AWS-MWAA-KMS",
  description: "An MWAA environment sets kms_key (a customer-managed KMS key).",
  maps: [],
  check(resource) {
    if (resource.type !== "aws_mwaa_environment") return "not-applicable";
    return resource.attributes.kms_key ? "compliant" : { status: "non-compliant", detail: "no kms_key (AWS-owned key)" };
  },
};
