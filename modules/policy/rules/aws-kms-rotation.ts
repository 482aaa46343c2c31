import { PolicyRule } from "../rule";

/** Customer-managed keys rotate their material yearly. */
export const awsKmsRotation: PolicyRule = {
  id: "MLOPS-AWS-KMS-ROTATION",
  description: "Symmetric customer-managed KMS keys have automatic rotation enabled.",
  maps: ["Checkov CKV_AWS_7", "cdk-nag AwsSolutions-KMS5"],
  check(resource) {
    if (resource.type !== "aws_kms_key") return "not-applicable";
    const spec = resource.attributes.customer_master_key_spec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return "not-applicable"; // asymmetric and HMAC keys cannot rotate
    return resource.attributes.enable_key_rotation === true ? "compliant" : { status: "non-compliant", detail: "enable_key_rotation is not true" };
  },
};
