import { PolicyRule } from "../rule";

interface ContainerDefinition {
  name?: string;
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  logConfiguration?: { logDriver?: string };
}

/** Fargate containers run read-only, unprivileged, and log somewhere. */
export const awsEcsHardenedContainers: PolicyRule = {
  id: "MLOPS-AWS-ECS-HARDENED-CONTAINERS",
  description: "ECS containers have a read-only root filesystem, are not privileged, and send logs to a driver.",
  maps: ["Checkov CKV_AWS_336", "CKV_AWS_334", "cdk-nag AwsSolutions-ECS7"],
  check(resource) {
    if (resource.type !== "aws_ecs_task_definition") return "not-applicable";
    const text = resource.attributes.container_definitions;
    if (typeof text !== "string" || text.startsWith("${")) return "not-applicable";
    const problems = (JSON.parse(text) as ContainerDefinition[]).flatMap((c) => [
      ...(c.readonlyRootFilesystem === true ? [] : [`${c.name}: root filesystem writable`]),
      ...(c.privileged === true ? [`${c.name}: privileged`] : []),
      ...(c.logConfiguration?.logDriver ? [] : [`${c.name}: no log driver`]),
    ]);
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
