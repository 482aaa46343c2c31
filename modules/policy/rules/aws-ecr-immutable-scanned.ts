import { PolicyRule, attr } from "../rule";

/** Registries keep what CI pushed: tags cannot be moved, every push is scanned. */
export const awsEcrImmutableScanned: PolicyRule = {
  id: "MLOPS-AWS-ECR-IMMUTABLE-SCANNED",
  description: "ECR repositories have immutable tags and scan images on push.",
  maps: ["Checkov CKV_AWS_51", "CKV_AWS_163"],
  check(resource) {
    if (resource.type !== "aws_ecr_repository") return "not-applicable";
    const problems: string[] = [];
    if (resource.attributes.image_tag_mutability !== "IMMUTABLE") problems.push(`image_tag_mutability is ${JSON.stringify(resource.attributes.image_tag_mutability ?? "MUTABLE")}`);
    if (attr(resource.attributes, "image_scanning_configuration", "scan_on_push") !== true) problems.push("scan_on_push is off");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
