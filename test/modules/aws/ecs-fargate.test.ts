/** AWS runtime: a catalog service on Fargate behind the NLB (private, rollback, autoscaled) and a job as a task definition only. */
import { EcsFargate, EcsFargateProps } from "../../../modules/aws/ecs-fargate";
import { LoadBalancer } from "../../../modules/aws/load-balancer";
import type { ContainerFacts } from "../../../modules/core/container-contract";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

const CIDR = "10.40.0.0/16";
const FACTS: ContainerFacts = { cloud: "aws", environment: "test", bucketName: (p) => `mlops-test-${p}`, cloudEnv: { AWS_REGION: REGION },
  auth: { issuer: "https://cognito-idp.eu-central-1.amazonaws.com/pool", audience: "client", jwksUri: "https://cognito-idp.eu-central-1.amazonaws.com/pool/.well-known/jwks.json", adminClaim: "scope", adminValues: ["mlops/admin"] },
  // The catalog's first job is train, which tracks its runs in MLflow: the contract needs MLflow's URL.
  mlflowTrackingUri: "http://mlops-test-nlb.internal:5000",
};
const resolved = (s: (typeof SERVICE_CATALOG)[number]): ResolvedService => ({ ...s, image: { kind: "tag", tag: "v1" } });
const service = resolved(SERVICE_CATALOG.find((s) => s.kind === "service" && !s.usesDatabase)!);
const job = resolved(SERVICE_CATALOG.find((s) => s.kind === "job")!);

function props(spec: ResolvedService, over: Partial<EcsFargateProps> = {}): EcsFargateProps {
  return {
    naming: AWS_NAMING, region: REGION, service: spec, clusterArn: "arn:aws:ecs:eu-central-1:111111111111:cluster/mlops-test", clusterName: "mlops-test",
    vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"],
    repositoryUrl: `111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops-test/${spec.name}`, repositoryArn: `arn:aws:ecr:eu-central-1:111111111111:repository/mlops-test/${spec.name}`,
    bucketArns: { raw: "arn:aws:s3:::raw", processed: "arn:aws:s3:::processed", viz: "arn:aws:s3:::viz", "mlflow-artifacts": "arn:aws:s3:::mlflow-artifacts" },
    secretArns: Object.fromEntries(spec.secrets.map((s) => [s, `arn:aws:secretsmanager:eu-central-1:111111111111:secret:${s}`])),
    facts: FACTS,
    ...over,
  };
}

describe("AWS EcsFargate", () => {
  let json: StackJson;
  let spotJson: StackJson;
  let serviceWorkload: EcsFargate;
  let jobWorkload: EcsFargate;
  beforeAll(() => {
    const stack = awsTestStack();
    const nlb = new LoadBalancer(stack, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    serviceWorkload = new EcsFargate(stack, service.name, props(service, { target: nlb.addTarget(service.name, service.port!, service.healthPath!), loadBalancerSecurityGroupId: "sg-nlb" }));
    jobWorkload = new EcsFargate(stack, job.name, props(job));
    // Named reach inside the VPC, as the stack grants it (the database, MLflow through the NLB).
    serviceWorkload.allowEgress("database", "sg-db", 5432);
    jobWorkload.allowEgress("mlflow", "sg-nlb", 5000);
    json = synthStack(stack);
    const other = awsTestStack();
    const nlb2 = new LoadBalancer(other, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    new EcsFargate(other, service.name, props(service, { target: nlb2.addTarget(service.name, service.port!, service.healthPath!), spotCapacity: true }));
    spotJson = synthStack(other);
  });

  test("GIVEN a service and a job WHEN synthesized THEN both get a task definition but only the service an ECS service", () => {
    expect(resources(json, "aws_ecs_task_definition").map((t) => t.family).sort()).toHaveLength(2);
    expect(resources(json, "aws_ecs_service").map((s) => s.name)).toEqual([service.name]);
  });

  test("GIVEN the service THEN it runs without a public IP, rolls back failed deployments, and leaves desired_count to autoscaling", () => {
    const [svc] = resources(json, "aws_ecs_service");
    expect(svc).toMatchObject({
      network_configuration: { assign_public_ip: false, subnets: ["subnet-a", "subnet-b"] },
      deployment_circuit_breaker: { enable: true, rollback: true },
      enable_execute_command: false,
      capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1 }],
      lifecycle: { ignore_changes: ["desired_count"] },
      load_balancer: [expect.objectContaining({ container_name: service.name, container_port: service.port })],
    });
    expect(resources(spotJson, "aws_ecs_service")[0].capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1 }]);
  });

  test("GIVEN the service's scaling spec THEN min/max come from the catalog, and it tracks CPU at the spec's target and memory at 80%", () => {
    expect(resources(json, "aws_appautoscaling_target")[0]).toMatchObject({ min_capacity: service.scaling.min, max_capacity: service.scaling.max, scalable_dimension: "ecs:service:DesiredCount" });
    const targets = Object.fromEntries(resources(json, "aws_appautoscaling_policy").map((p) => {
      const c = p.target_tracking_scaling_policy_configuration as { target_value: number; predefined_metric_specification: { predefined_metric_type: string } };
      return [c.predefined_metric_specification.predefined_metric_type, c.target_value];
    }));
    expect(targets).toEqual({ ECSServiceAverageCPUUtilization: service.scaling.targetCpuPercent, ECSServiceAverageMemoryUtilization: 80 });
  });

  test("GIVEN the security groups THEN only the load balancer's group may reach the service, on its port; the job admits nothing", () => {
    const inbound = resources(json, "aws_vpc_security_group_ingress_rule");
    expect(inbound.filter((r) => r.referenced_security_group_id === "sg-nlb")).toEqual([expect.objectContaining({ from_port: service.port, to_port: service.port, ip_protocol: "tcp" })]);
    expect(inbound.filter((r) => r.referenced_security_group_id !== undefined && r.referenced_security_group_id !== "sg-nlb")).toEqual([]);
    const groups = resources(json, "aws_security_group").filter((g) => g.name !== "mlops-test-nlb");
    expect(groups.map((g) => g.description).sort()).toEqual([`${job.name}: no inbound traffic`, `${service.name}: only from the load balancer`].sort());
  });

  test("GIVEN egress THEN a workload reaches the internet on 443 only, and inside the VPC only the named groups on their ports (no VPC-wide TCP)", () => {
    const out = resources(json, "aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id !== undefined && !String(r.security_group_id).includes("nlb_sg"));
    const byCidr = out.filter((r) => r.cidr_ipv4 !== undefined);
    expect(byCidr).toHaveLength(2);
    for (const r of byCidr) expect(r).toMatchObject({ cidr_ipv4: "0.0.0.0/0", from_port: 443, to_port: 443, ip_protocol: "tcp" });
    expect(JSON.stringify(json)).not.toContain(CIDR);
    const named = out.filter((r) => r.referenced_security_group_id !== undefined).map((r) => [r.referenced_security_group_id, r.from_port, r.to_port]);
    expect(named.sort()).toEqual([["sg-db", 5432, 5432], ["sg-nlb", 5000, 5000]]);
  });

  test("GIVEN a named egress rule THEN the ECS service waits for it", () => {
    const [svc] = resources(json, "aws_ecs_service");
    expect((svc.depends_on as string[]).some((d) => d.startsWith("aws_vpc_security_group_egress_rule.") && d.includes("to-database"))).toBe(true);
  });

  test("GIVEN the contract THEN the job that tracks runs in MLflow is an MLflow client and the service without MLflow is not", () => {
    expect(jobWorkload.mlflowClient).toBe(true);
    expect(serviceWorkload.mlflowClient).toBe(false);
    expect(() => new EcsFargate(awsTestStack(), job.name, props(job, { facts: { ...FACTS, mlflowTrackingUri: undefined } }))).toThrow(`${job.name} tracks its runs in MLflow, but no MLflow URL was given`);
  });

  test("GIVEN a service without a load balancer target WHEN constructed THEN validation names the service and what it needs", () => {
    const stack = awsTestStack();
    expect(() => new EcsFargate(stack, service.name, props(service))).toThrow(`service ${service.name} needs a port, a health path and a load balancer target`);
  });
});
