import { PolicyRule } from "../rule";

/**
 * Every route of an HTTP API checks a token. A service whose catalog entry says `auth: "none"` gets
 * open routes only through a suppression that says why.
 */
export const awsApiRouteAuthorized: PolicyRule = {
  id: "MLOPS-AWS-API-ROUTE-AUTHORIZED",
  description: "API Gateway v2 routes require authorization (JWT, IAM or a custom authorizer).",
  maps: ["Checkov CKV_AWS_309", "cdk-nag AwsSolutions-APIG4"],
  check(resource) {
    if (resource.type !== "aws_apigatewayv2_route") return "not-applicable";
    const type = resource.attributes.authorization_type;
    return type === undefined || type === "NONE" ? { status: "non-compliant", detail: `route ${String(resource.attributes.route_key)} is open` } : "compliant";
  },
};
