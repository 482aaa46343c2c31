import { PolicyRule, attr, isExpression } from "../rule";

/** Env var names that hold credentials. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|SIGNING_KEY|ACCESS_KEY|CONNECTION_?STRING|CREDENTIAL)/i;

const TYPES = new Set(["azurerm_container_app", "azurerm_container_app_job"]);

function list(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((x): x is Record<string, unknown> => x !== null && typeof x === "object");
  return v !== null && typeof v === "object" ? [v as Record<string, unknown>] : [];
}

/**
 * Container apps and jobs never carry a secret as a literal: `secret` blocks are Key Vault
 * references (or at least references to another resource), and env vars whose names say
 * password/secret/token/key take `secret_name`, not `value`.
 */
export const azureAppLiteralSecrets: PolicyRule = {
  id: "MLOPS-AZURE-APP-LITERAL-SECRET",
  description: "Container apps and jobs take secrets from Key Vault references, never literal values.",
  maps: ["cdk-nag AwsSolutions-ECS2 (analogue)", "Checkov: no check exists for azurerm_container_app"],
  check(resource) {
    if (!TYPES.has(resource.type)) return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    for (const s of list(a.secret)) {
      if (s.key_vault_secret_id !== undefined) continue;
      if (typeof s.value === "string" && !isExpression(s.value)) problems.push(`secret ${JSON.stringify(s.name)} has a literal value`);
    }
    const template = attr(a, "template");
    for (const c of [...list(attr(template as Record<string, unknown>, "container")), ...list(attr(template as Record<string, unknown>, "init_container"))]) {
      for (const e of list(c.env)) {
        const name = String(e.name ?? "");
        if (SECRET_NAME.test(name) && typeof e.value === "string" && !isExpression(e.value)) {
          problems.push(`env ${name} of container ${JSON.stringify(c.name)} is a literal; use secret_name`);
        }
      }
    }
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
