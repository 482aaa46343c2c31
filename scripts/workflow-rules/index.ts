/** Every workflow rule, in the order their problems are reported. */
import { actionsPinnedBySha } from "./actions-pinned-by-sha";
import { awsLoginAllowedAccounts } from "./aws-login-allowed-accounts";
import { deployInEnvironment } from "./deploy-in-environment";
import { leastPrivilegePermissions } from "./least-privilege-permissions";
import { noLongLivedSecrets } from "./no-long-lived-secrets";
import { noTokenInGitConfig } from "./no-token-in-git-config";
import { promotionNotCancelled } from "./promotion-not-cancelled";
import { WorkflowRule } from "./workflow-rule";

export const WORKFLOW_RULES: readonly WorkflowRule[] = [
  noLongLivedSecrets,
  leastPrivilegePermissions,
  actionsPinnedBySha,
  awsLoginAllowedAccounts,
  deployInEnvironment,
  noTokenInGitConfig,
  promotionNotCancelled,
];

export * from "./workflow-rule";
export { parseWorkflow } from "./parse-workflow";
