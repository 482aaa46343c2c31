/** AWS ingress: the HTTP API in front of the catalog's public services, every route behind the Cognito JWT authorizer. */
import { ApiGateway } from "../../../modules/aws/api-gateway";
import { LoadBalancer } from "../../../modules/aws/load-balancer";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

const CIDR = "10.40.0.0/16";
const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const JWT = { issuer: "https://cognito-idp.eu-central-1.amazonaws.com/pool", audience: "client-1", userScope: "mlops/user", adminScope: "mlops/admin" };
const publicServices: ResolvedService[] = SERVICE_CATALOG.filter((s) => s.kind === "service" && s.ingress === "public").map((s) => ({ ...s, image: { kind: "tag", tag: "v1" } }));
const BASE = { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"], jwt: JWT };

describe("AWS ApiGateway", () => {
  let json: StackJson;
  let nlbGroup: string;
  const urls: string[] = [];
  beforeAll(() => {
    const stack = awsTestStack();
    const nlb = new LoadBalancer(stack, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    const api = new ApiGateway(stack, "api", { ...BASE, customerManagedKey: KEY });
    for (const s of publicServices) urls.push(api.addService(s, nlb.addTarget(s.name, s.port!, s.healthPath!)));
    json = synthStack(stack);
    const [nlbSg] = Object.keys(json.resource?.aws_security_group ?? {}).filter((name) => name.startsWith("nlb_sg"));
    nlbGroup = `\${aws_security_group.${nlbSg}.id}`;
  });
  const routes = (): Record<string, unknown>[] => resources(json, "aws_apigatewayv2_route");

  test("GIVEN the catalog's public services WHEN routed THEN each gets ANY <prefix>/{proxy+} needing the user scope, and the URL ends in its prefix", () => {
    expect(publicServices.length).toBeGreaterThan(0);
    for (const [i, s] of publicServices.entries()) {
      expect(routes()).toContainEqual(expect.objectContaining({ route_key: `ANY ${s.routes!.prefix}/{proxy+}`, authorization_type: "JWT", authorization_scopes: [JWT.userScope] }));
      expect(urls[i].endsWith(s.routes!.prefix)).toBe(true);
    }
  });

  test("GIVEN admin paths in the catalog THEN each path and everything below it needs the admin scope", () => {
    const admin = publicServices.flatMap((s) => (s.routes!.adminPaths ?? []).flatMap((p) => [`ANY ${s.routes!.prefix}${p}`, `ANY ${s.routes!.prefix}${p}/{proxy+}`]));
    expect(admin.length).toBeGreaterThan(0);
    for (const key of admin) expect(routes()).toContainEqual(expect.objectContaining({ route_key: key, authorization_type: "JWT", authorization_scopes: [JWT.adminScope] }));
    expect(routes().every((r) => r.authorization_type === "JWT")).toBe(true);
  });

  test("GIVEN the authorizer THEN it checks the pool's issuer and the app client as audience from the Authorization header", () => {
    expect(resources(json, "aws_apigatewayv2_authorizer")).toEqual([expect.objectContaining({
      authorizer_type: "JWT", identity_sources: ["$request.header.Authorization"], jwt_configuration: { issuer: JWT.issuer, audience: [JWT.audience] },
    })]);
  });

  test("GIVEN the stage THEN it throttles at 100 rps (burst 200), has detailed metrics and JSON access logs in a retained, encrypted group", () => {
    const [stage] = resources(json, "aws_apigatewayv2_stage");
    expect(stage.default_route_settings).toEqual({ throttling_rate_limit: 100, throttling_burst_limit: 200, detailed_metrics_enabled: true });
    const format = JSON.parse((stage.access_log_settings as { format: string }).format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: "$context.requestId", status: "$context.status", authorizerError: "$context.authorizer.error" });
    expect(resources(json, "aws_cloudwatch_log_group")).toEqual([expect.objectContaining({ name: "/mlops/test/api-access", retention_in_days: 30, kms_key_id: KEY })]);
  });

  test("GIVEN the VPC link THEN its group may only leave to the load balancer's group on the public services' ports (no CIDR), and integrations go through it", () => {
    const all = resources(json, "aws_vpc_security_group_egress_rule");
    const out = all.filter((r) => String(r.description).endsWith("through the load balancer"));
    expect(out).toHaveLength(all.length);
    expect(out.map((r) => r.from_port).sort()).toEqual(publicServices.map((s) => s.port).sort());
    for (const r of out) {
      expect(r).toMatchObject({ referenced_security_group_id: nlbGroup, ip_protocol: "tcp", to_port: r.from_port });
      expect(r).not.toHaveProperty("cidr_ipv4");
    }
    expect(nlbGroup).toMatch(/^\$\{aws_security_group\.nlb_sg_[A-Fa-f0-9]+\.id\}$/);
    expect(resources(json, "aws_apigatewayv2_integration").every((i) => i.connection_type === "VPC_LINK")).toBe(true);
  });

  test.each([[undefined], ["model"], ["/Model"], ["/a/b"]])("GIVEN routes.prefix %p WHEN a public service is added THEN validation names the service and the prefix", (prefix) => {
    const stack = awsTestStack();
    const nlb = new LoadBalancer(stack, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: CIDR, subnetIds: ["subnet-a", "subnet-b"] });
    const api = new ApiGateway(stack, "api", BASE);
    const s = { ...publicServices[0], routes: prefix === undefined ? undefined : { prefix } };
    expect(() => api.addService(s, nlb.addTarget(s.name, s.port!, s.healthPath!))).toThrow(`public service ${s.name} needs routes.prefix like /model; got ${JSON.stringify(prefix)}`);
  });
});
