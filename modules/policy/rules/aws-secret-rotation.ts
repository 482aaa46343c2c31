import { resourceCheck } from "./private/resource-check";

/** A Secrets Manager secret is rotated by an `aws_secretsmanager_secret_rotation` naming it. */
export const awsSecretRotation = resourceCheck({
  id: "MLOPS-AWS-SECRET-ROTATION",
  description: "A Secrets Manager secret has an automatic rotation (aws_secretsmanager_secret_rotation).",
  scanners: { checkov: ["CKV2_AWS_57"] },
  types: ["aws_secretsmanager_secret"],
  problem: (r) =>
    r.related("aws_secretsmanager_secret_rotation").some((rot) => String(rot.attributes.secret_id ?? "").includes(`\${${r.address}.`)) ? undefined : "no rotation configured",
});
