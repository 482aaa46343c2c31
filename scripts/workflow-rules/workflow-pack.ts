import { actionsPinnedBySha } from "./actions-pinned-by-sha";
import { awsLoginAllowedAccounts } from "./aws-login-allowed-accounts";
import { deployInEnvironment } from "./deploy-in-environment";
import { leastPrivilegePermissions } from "./least-privilege-permissions";
import { noLongLivedSecrets } from "./no-long-lived-secrets";
import { noTokenInGitConfig } from "./no-token-in-git-config";
import { promotionNotCancelled } from "./promotion-not-cancelled";
import { WorkflowRule } from "./workflow-rule";

/** Which workflow rules run, in the order their problems are reported (as the policy packs do for resources). */
export const WORKFLOW_RULES: readonly WorkflowRule[] = [
  noLongLivedSecrets,
  leastPrivilegePermissions,
  actionsPinnedBySha,
  awsLoginAllowedAccounts,
  deployInEnvironment,
  noTokenInGitConfig,
  promotionNotCancelled,
];
