import { PolicyRule, isExpression } from "../rule";

/** Attribute that would put a secret into cdk.tf.json and the state, per resource type. */
const SECRET_ATTRIBUTE: Record<string, string> = {
  google_secret_manager_secret_version: "secret_data",
  google_sql_user: "password",
  google_sql_database_instance: "root_password",
};

/**
 * Secret values never appear in the Terraform configuration: use write-only arguments
 * (`secret_data_wo`, `password_wo` with a version) fed from outside, IAM authentication, or add
 * versions out of band.
 */
export const gcpLiteralSecretValue: PolicyRule = {
  id: "MLOPS-GCP-LITERAL-SECRET-VALUE",
  description: "No secret version, database user or instance carries a literal secret value in the configuration.",
  maps: ["Checkov CKV_SECRET_6", "cdk-nag AwsSolutions-SMG4 (secrets management)"],
  check(resource) {
    const key = SECRET_ATTRIBUTE[resource.type];
    if (!key) return "not-applicable";
    const v = resource.attributes[key];
    if (v === undefined || v === null || v === "") return "compliant";
    // A reference still lands in the state, but not in the config: judged by who produced it.
    if (isExpression(v)) return "compliant";
    return { status: "non-compliant", detail: `${key} is a literal value; use the write-only ${key}_wo argument or IAM authentication` };
  },
};
