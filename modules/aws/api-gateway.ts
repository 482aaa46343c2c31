/**
 * The public edge: an API Gateway HTTP API reaching the internal NLB through a VPC link, one
 * route prefix per public service, a JWT authorizer on the Cognito pool for every `jwt` service
 * (routes need the user scope; admin paths need the admin scope), throttling, detailed metrics
 * and JSON access logs to a retained log group (cdk-nag APIG1, Checkov CKV_AWS_76 and 309).
 * No WAF: HTTP APIs cannot take one (a REST API or CloudFront would be needed).
 */
import { Construct } from "constructs";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { ResolvedService } from "../core/workload-spec";
import { ValidationError } from "../core/errors";
import type { PlatformIngress } from "../core/contracts";
import { Naming } from "../core/naming";
import { LoadBalancerTarget } from "./load-balancer";

export interface ApiGatewayProps {
  readonly naming: Naming;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
  /** JWT issuer and audience (Cognito pool URL and app client id). */
  readonly jwt: { issuer: string; audience: string; userScope: string; adminScope: string };
  /** @default 30 */
  readonly logRetentionDays?: number;
  readonly customerManagedKey?: string;
  /** Requests per second across the stage. @default 100 */
  readonly throttleRatePerSecond?: number;
}

/** The HTTP API and its stage; `addService` adds a public service's routes. */
export class ApiGateway extends Construct implements PlatformIngress {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly vpcLink: Apigatewayv2VpcLink;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly endpoint: string;
  private readonly authorizer: Apigatewayv2Authorizer;
  private readonly props: ApiGatewayProps;

  constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    this.props = props;
    const n = props.naming;
    this.securityGroup = new SecurityGroup(this, "vpc-link-sg", {
      name: n.name("api-vpc-link"),
      description: "API Gateway VPC link: out to the internal load balancer only",
      vpcId: props.vpcId,
      tags: { Name: n.name("api-vpc-link") },
    });
    this.api = new Apigatewayv2Api(this, "api", { name: n.name("api"), protocolType: "HTTP", description: `MLOps ${n.env} public API` });
    this.vpcLink = new Apigatewayv2VpcLink(this, "vpc-link", {
      name: n.name("api"),
      subnetIds: [...props.subnetIds],
      securityGroupIds: [this.securityGroup.id],
    });
    this.logGroup = new CloudwatchLogGroup(this, "access-logs", {
      name: `/mlops/${n.env}/api-access`,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.customerManagedKey,
    });
    const rate = props.throttleRatePerSecond ?? 100;
    this.stage = new Apigatewayv2Stage(this, "stage", {
      apiId: this.api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: rate, throttlingBurstLimit: rate * 2, detailedMetricsEnabled: true },
      accessLogSettings: {
        destinationArn: this.logGroup.arn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          requestTime: "$context.requestTime",
          routeKey: "$context.routeKey",
          status: "$context.status",
          latency: "$context.responseLatency",
          integrationStatus: "$context.integrationStatus",
          integrationError: "$context.integrationErrorMessage",
          authorizerError: "$context.authorizer.error",
          user: "$context.authorizer.claims.sub",
        }),
      },
    });
    this.authorizer = new Apigatewayv2Authorizer(this, "jwt", {
      apiId: this.api.id,
      name: "cognito",
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: props.jwt.issuer, audience: [props.jwt.audience] },
    });
    this.endpoint = this.api.apiEndpoint;
  }

  /** Routes `ANY <prefix>/{proxy+}` (and each admin path) to the service's NLB listener. */
  addService(service: ResolvedService, target: LoadBalancerTarget): string {
    const prefix = service.routes?.prefix;
    if (!prefix || !/^\/[a-z0-9-]+$/.test(prefix)) {
      throw new ValidationError(`public service ${service.name} needs routes.prefix like /model; got ${JSON.stringify(prefix)}`, this);
    }
    new VpcSecurityGroupEgressRule(this, `${service.name}-out`, {
      securityGroupId: this.securityGroup.id,
      // The NLB's security group, not the VPC range: the link reaches the listeners and nothing else.
      referencedSecurityGroupId: target.loadBalancerSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: target.port,
      toPort: target.port,
      description: `${service.name} through the load balancer`,
    });
    const jwt = service.auth === "jwt";
    const route = (key: string, id: string, path: string, scopes: string[]) => {
      const integration = new Apigatewayv2Integration(this, `${id}-integration`, {
        apiId: this.api.id,
        integrationType: "HTTP_PROXY",
        integrationMethod: "ANY",
        connectionType: "VPC_LINK",
        connectionId: this.vpcLink.id,
        integrationUri: target.listener.arn,
        payloadFormatVersion: "1.0",
        requestParameters: { "overwrite:path": path },
      });
      new Apigatewayv2Route(this, id, {
        apiId: this.api.id,
        routeKey: key,
        target: `integrations/${integration.id}`,
        authorizationType: jwt ? "JWT" : "NONE",
        authorizerId: jwt ? this.authorizer.id : undefined,
        authorizationScopes: jwt ? scopes : undefined,
      });
    };
    route(`ANY ${prefix}/{proxy+}`, `${service.name}-route`, "/$request.path.proxy", [this.props.jwt.userScope]);
    // Admin paths and everything below them (`/retrain/x` would otherwise fall to the user route).
    for (const adminPath of service.routes?.adminPaths ?? []) {
      const id = `${service.name}-admin${adminPath.replace(/[^a-z0-9]+/g, "-")}`;
      route(`ANY ${prefix}${adminPath}`, id, adminPath, [this.props.jwt.adminScope]);
      route(`ANY ${prefix}${adminPath}/{proxy+}`, `${id}-below`, `${adminPath}/$request.path.proxy`, [this.props.jwt.adminScope]);
    }
    return `${this.endpoint}${prefix}`;
  }
}
