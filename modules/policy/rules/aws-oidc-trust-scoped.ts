import { PolicyRule } from "../rule";

interface Statement {
  Principal?: { Federated?: string };
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A role trusted by GitHub's OIDC provider names exact subjects: no wildcard, no missing audience. */
export const awsOidcTrustScoped: PolicyRule = {
  id: "MLOPS-AWS-OIDC-TRUST-SCOPED",
  description: "Roles federated with GitHub OIDC trust exact repository subjects (no wildcard) and check the audience.",
  maps: ["Checkov CKV_AWS_358"],
  check(resource) {
    if (resource.type !== "aws_iam_role" || typeof resource.attributes.assume_role_policy !== "string") return "not-applicable";
    const doc = JSON.parse(resource.attributes.assume_role_policy) as { Statement?: Statement[] };
    const federated = (doc.Statement ?? []).filter((s) => s.Principal?.Federated !== undefined);
    if (federated.length === 0) return "not-applicable";
    for (const s of federated) {
      const conditions = Object.values(s.Condition ?? {});
      const values = (key: string) => conditions.flatMap((c) => (c[key] === undefined ? [] : Array.isArray(c[key]) ? c[key] : [c[key]])) as string[];
      const subs = values("token.actions.githubusercontent.com:sub");
      if (subs.length === 0) return { status: "non-compliant", detail: "no sub condition: any repository could assume it" };
      if (subs.some((v) => v.includes("*") || v.includes("?"))) return { status: "non-compliant", detail: `wildcard subject ${JSON.stringify(subs)}` };
      if (values("token.actions.githubusercontent.com:aud").length === 0) return { status: "non-compliant", detail: "no aud condition" };
    }
    return "compliant";
  },
};
