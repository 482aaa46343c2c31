import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network, NetworkProps } from "../../../modules/aws/network";
import { Naming } from "../../../modules/core/naming";
import { resources, synthStack } from "../../support/synth";

function build(props: Partial<NetworkProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "net");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  const network = new Network(stack, "network", {
    naming: new Naming("mlops", "test"),
    region: "eu-central-1",
    cidr: "10.10.0.0/16",
    zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    ...props,
  });
  return { network, json: synthStack(stack) };
}

describe("AWS Network", () => {
  test("GIVEN three zones WHEN built THEN a public and a private subnet per zone, none mapping public IPs", () => {
    const { json } = build();
    const subnets = resources(json, "aws_subnet");
    expect(subnets.map((s) => s.cidr_block).sort()).toEqual(
      ["10.10.0.0/20", "10.10.16.0/20", "10.10.32.0/20", "10.10.128.0/20", "10.10.144.0/20", "10.10.160.0/20"].sort(),
    );
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(subnets.map((s) => s.availability_zone)).toEqual(expect.arrayContaining(["eu-central-1a", "eu-central-1b", "eu-central-1c"]));
  });

  test("GIVEN natMode single WHEN built THEN one NAT gateway serves every private route table", () => {
    const { json, network } = build({ natMode: "single" });
    expect(resources(json, "aws_nat_gateway")).toHaveLength(1);
    expect(network.natGatewayCount).toBe(1);
    const natRoutes = resources(json, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  test("GIVEN the default (per-zone NAT) WHEN built THEN each zone routes through its own NAT", () => {
    const { json } = build();
    expect(resources(json, "aws_nat_gateway")).toHaveLength(3);
    const natRoutes = resources(json, "aws_route").filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  test("GIVEN defaults WHEN built THEN all traffic is flow-logged to a retained log group", () => {
    const { json } = build({ flowLogRetentionDays: 30 });
    expect(resources(json, "aws_flow_log")).toEqual([expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" })]);
    expect(resources(json, "aws_cloudwatch_log_group")).toEqual([expect.objectContaining({ retention_in_days: 30 })]);
    const [role] = resources(json, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal.Service).toBe("vpc-flow-logs.amazonaws.com");
  });

  test("GIVEN flow logs off WHEN built THEN no flow log resources", () => {
    const { json } = build({ enableFlowLogs: false });
    expect(resources(json, "aws_flow_log")).toHaveLength(0);
    expect(resources(json, "aws_cloudwatch_log_group")).toHaveLength(0);
  });

  test("GIVEN any network WHEN built THEN the default security group is taken over with no rules and S3 has a gateway endpoint", () => {
    const { json } = build();
    const [sg] = resources(json, "aws_default_security_group");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(resources(json, "aws_vpc_endpoint")).toEqual([
      expect.objectContaining({ service_name: "com.amazonaws.eu-central-1.s3", vpc_endpoint_type: "Gateway" }),
    ]);
  });

  test("GIVEN any network WHEN built THEN no data source calls an AWS API on the plan path", () => {
    expect(build().json.data).toBeUndefined();
  });

  test.each([
    [{ cidr: "10.0.0.0/24" }, /cidr must be an IPv4 block from \/16 to \/22; got "10.0.0.0\/24"/],
    [{ zones: ["eu-central-1a"] }, /zones must list 2 to 6 availability zones; got 1/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (props, message) => {
    expect(() => build(props)).toThrow(message);
    expect(() => build(props)).toThrow(/^\[net\/network\]/);
  });
});
