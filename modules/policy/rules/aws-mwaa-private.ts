import { attr, PolicyRule } from "../rule";

const LOG_TYPES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"];

/**
 * An MWAA environment keeps its web server inside the VPC (`PRIVATE_ONLY`; the default is
 * `PUBLIC_ONLY`, a sign-in page on the internet) and logs every component (MWAA's defaults log
 * nothing but tasks). The customer-managed key is MLOPS-AWS-MWAA-KMS, which an environment on
 * provider-managed keys accepts.
 */
export const awsMwaaPrivate: PolicyRule = {
  id: "MLOPS-AWS-MWAA-PRIVATE",
  description: "MWAA web server is PRIVATE_ONLY and every log type is enabled.",
  maps: ["Checkov CKV_AWS_244 (MWAA scheduler logs)", "CKV_AWS_243 (MWAA worker logs)", "CKV_AWS_242 (MWAA webserver logs)"],
  check(resource) {
    if (resource.type !== "aws_mwaa_environment") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    if (a.webserver_access_mode !== "PRIVATE_ONLY") problems.push(`webserver_access_mode is ${String(a.webserver_access_mode ?? "unset (PUBLIC_ONLY)")}`);
    const off = LOG_TYPES.filter((t) => attr(a, "logging_configuration", t, "enabled") !== true);
    if (off.length > 0) problems.push(`logs off: ${off.join(", ")}`);
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
