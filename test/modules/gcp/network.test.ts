import { Network } from "../../../modules/gcp/network";
import { resources, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

describe("Network", () => {
  test("GIVEN a /16 WHEN built THEN the workload subnet takes the first half and private services the third quarter", () => {
    const stack = gcpTestStack();
    const net = new Network(stack, "network", { naming, ...PROJECT, cidr: "10.12.0.0/16" });
    const json = synthStack(stack);
    expect(resources(json, "google_compute_subnetwork")[0]).toMatchObject({ ip_cidr_range: "10.12.0.0/17", private_ip_google_access: true, region: "europe-west3" });
    expect(resources(json, "google_compute_global_address")[0]).toMatchObject({ address: "10.12.128.0", prefix_length: 18, purpose: "VPC_PEERING" });
    expect(net.privateServicesRange).toBe("10.12.128.0/18");
    expect(net.publicSubnetIds).toEqual([]);
    expect(resources(json, "google_compute_router_nat")[0]).toMatchObject({ source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES", log_config: { enable: true, filter: "ERRORS_ONLY" } });
  });

  test("GIVEN a /22 THEN the private services range is still a /24 (Cloud SQL's minimum)", () => {
    const stack = gcpTestStack();
    new Network(stack, "network", { naming, ...PROJECT, cidr: "10.12.4.0/22" });
    expect(resources(synthStack(stack), "google_compute_global_address")[0]).toMatchObject({ address: "10.12.6.0", prefix_length: 24 });
  });

  test("GIVEN flow logs off THEN the subnet has no log_config", () => {
    const stack = gcpTestStack();
    new Network(stack, "network", { naming, ...PROJECT, cidr: "10.12.0.0/16", enableFlowLogs: false });
    expect(resources(synthStack(stack), "google_compute_subnetwork")[0].log_config).toBeUndefined();
  });

  test.each([
    [{ cidr: "10.12.0.0/24" }, /cidr must be an IPv4 block from \/16 to \/22; got "10.12.0.0\/24"/],
    [{ cidr: "10.12.0.0/16", flowLogSampling: 0 }, /flowLogSampling must be greater than 0 and at most 1; got 0/],
  ])("GIVEN %j THEN validation names the problem and the construct path", (over, message) => {
    const props = { naming, ...PROJECT, ...(Object.assign({ cidr: "10.12.0.0/16" }, over) as { cidr: string; flowLogSampling?: number }) };
    expect(() => new Network(gcpTestStack(), "network", props)).toThrow(message);
    expect(() => new Network(gcpTestStack(), "network", props)).toThrow(/^\[test\/network\]/);
  });
});
