import { PolicyRule, isExpression } from "../rule";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const AUDIENCE = "api://AzureADTokenExchange";
/**
 * GitHub's default subject forms for one repository: a branch or tag, a deployment environment, or
 * pull requests. A customised subject template (`job_workflow_ref`, owner ids) does not match and
 * needs a suppression that says why.
 */
const EXACT_SUBJECT = /^repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+:(ref:refs\/(heads|tags)\/[^\s*?]+|environment:[^\s*?:]+|pull_request)$/;

/**
 * Federated identity credentials trust GitHub Actions only, for one exact subject of one repository,
 * with Entra ID's token-exchange audience. A subject computed at apply time is non-compliant: a trust
 * boundary must be readable in the synthesized plan. Other issuers (AKS workload identity, another
 * IdP) are non-compliant too; the platform federates nothing else, so one would need a suppression.
 * No direct Checkov id: Checkov has no check on `azurerm_federated_identity_credential`; the AWS
 * counterpart is CKV_AWS_358 (GitHub OIDC trust without a subject condition).
 */
export const azureFederatedCredentialScoped: PolicyRule = {
  id: "MLOPS-AZURE-FEDERATED-CREDENTIAL-SCOPED",
  description: "Federated identity credentials trust GitHub's issuer for an exact repository subject (no wildcard) with the api://AzureADTokenExchange audience.",
  maps: ["no direct Checkov id (AWS analogue: Checkov CKV_AWS_358)"],
  check(resource) {
    if (resource.type !== "azurerm_federated_identity_credential") return "not-applicable";
    const { issuer, subject, audience } = resource.attributes;
    const problems: string[] = [];
    if (issuer !== GITHUB_ISSUER) problems.push(`issuer is ${JSON.stringify(issuer)}, not GitHub's ${GITHUB_ISSUER}`);
    if (typeof subject !== "string" || subject.length === 0) {
      problems.push("no subject: any token of the issuer would do");
    } else if (isExpression(subject)) {
      problems.push(`subject ${JSON.stringify(subject)} is computed at apply time; write the exact subject`);
    } else if (/[*?]/.test(subject)) {
      problems.push(`wildcard subject ${JSON.stringify(subject)}`);
    } else if (!EXACT_SUBJECT.test(subject)) {
      problems.push(`subject ${JSON.stringify(subject)} is not repo:<owner>/<name>:(ref:refs/heads/<branch>|ref:refs/tags/<tag>|environment:<name>|pull_request)`);
    }
    const audiences = Array.isArray(audience) ? audience : [audience];
    if (audiences.length !== 1 || audiences[0] !== AUDIENCE) problems.push(`audience is ${JSON.stringify(audience)}, not [${JSON.stringify(AUDIENCE)}]`);
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
