/** AWS load balancer: one internal NLB, a TCP listener and IP target group per catalog service, open only to the callers `admit` names (no CIDR). */
import { LoadBalancer } from "../../../modules/aws/load-balancer";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

const CIDR = "10.40.0.0/16";
const services = SERVICE_CATALOG.filter((s) => s.kind === "service");

describe("AWS LoadBalancer", () => {
  let json: StackJson;
  let protectedJson: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    const nlb = new LoadBalancer(stack, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    for (const s of services) nlb.addTarget(s.name, s.port!, s.healthPath!);
    // Each service admits one named caller; the last admits no one (unreachable, yet the NLB may still reach its tasks).
    services.forEach((s, i) => nlb.admit(s.name, `sg-${s.name}`, i < services.length - 1 ? { [`caller-${i}`]: `sg-caller-${i}` } : {}));
    json = synthStack(stack);
    const other = awsTestStack();
    new LoadBalancer(other, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a"], deletionProtection: true });
    protectedJson = synthStack(other);
  });

  test("GIVEN defaults WHEN synthesized THEN one internal, cross-zone network load balancer without deletion protection", () => {
    expect(resources(json, "aws_lb")).toEqual([expect.objectContaining({ load_balancer_type: "network", internal: true, enable_cross_zone_load_balancing: true, enable_deletion_protection: false })]);
    expect(resources(protectedJson, "aws_lb")[0].enable_deletion_protection).toBe(true);
  });

  test("GIVEN the catalog's services THEN each has a TCP listener on its port forwarding to an IP target group health-checked over HTTP on its path", () => {
    expect(services.length).toBeGreaterThan(0);
    const groups = resources(json, "aws_lb_target_group");
    const listeners = resources(json, "aws_lb_listener");
    expect(listeners.map((l) => l.port).sort()).toEqual(services.map((s) => s.port).sort());
    for (const s of services) {
      expect(groups).toContainEqual(expect.objectContaining({ port: s.port, protocol: "TCP", target_type: "ip", health_check: expect.objectContaining({ protocol: "HTTP", path: s.healthPath }) }));
    }
  });

  test("GIVEN admitted callers THEN each listener port admits only the named callers' groups, the NLB leaves only to each service's tasks on its port; no CIDR anywhere", () => {
    const ingress = resources(json, "aws_vpc_security_group_ingress_rule");
    const egress = resources(json, "aws_vpc_security_group_egress_rule");
    expect(ingress).toHaveLength(services.length - 1);
    expect(egress).toHaveLength(services.length);
    services.forEach((s, i) => {
      const inbound = ingress.filter((r) => r.from_port === s.port);
      expect(inbound).toEqual(i < services.length - 1 ? [expect.objectContaining({ referenced_security_group_id: `sg-caller-${i}`, to_port: s.port, ip_protocol: "tcp" })] : []);
      expect(egress.filter((r) => r.from_port === s.port)).toEqual([expect.objectContaining({ referenced_security_group_id: `sg-${s.name}`, to_port: s.port, ip_protocol: "tcp" })]);
    });
    for (const r of [...ingress, ...egress]) expect(r).not.toHaveProperty("cidr_ipv4");
    expect(JSON.stringify(json)).not.toContain("0.0.0.0/0");
    expect(JSON.stringify(json)).not.toContain(CIDR);
  });

  test("GIVEN a service without a target WHEN admitted THEN the error names it", () => {
    const nlb = new LoadBalancer(awsTestStack(), "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    expect(() => nlb.admit("nope", "sg-x", {})).toThrow(`[test/nlb] no load balancer target named "nope"; known: none`);
  });
});
