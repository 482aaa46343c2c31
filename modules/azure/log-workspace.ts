/**
 * The environment's log sink: a Log Analytics workspace with the configured retention and a
 * workspace-based Application Insights. It comes early in the stack because the Container Apps
 * environment and every diagnostic setting write into it; alerts live in `monitoring.ts`.
 *
 * Deliberately not created: a dedicated cluster, customer-managed keys, private link scope (AMPLS).
 */
import { Construct } from "constructs";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";

export interface LogWorkspaceProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Days to keep logs; Log Analytics accepts 30 to 730 (shorter values are raised to 30). @default 30 */
  readonly retentionDays?: number;
  /** Daily ingestion cap in GB, a cost guard for dev. @default - no cap */
  readonly dailyQuotaGb?: number;
}

/** Log Analytics workspace and Application Insights. */
export class LogWorkspace extends Construct {
  readonly workspace: LogAnalyticsWorkspace;
  readonly appInsights: ApplicationInsights;
  readonly workspaceId: string;
  /** Retention actually applied (Log Analytics' floor is 30 days). */
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: LogWorkspaceProps) {
    super(scope, id);
    const requested = props.retentionDays ?? 30;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new ValidationError(`retentionDays must be a positive whole number of days; got ${requested}`, this);
    }
    this.retentionDays = Math.min(Math.max(requested, 30), 730);
    const n = props.naming;
    this.workspace = new LogAnalyticsWorkspace(this, "workspace", {
      name: n.name("logs"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: "PerGB2018",
      retentionInDays: this.retentionDays,
      dailyQuotaGb: props.dailyQuotaGb,
      // Queries and ingestion with Entra ID only: no workspace shared keys.
      localAuthenticationEnabled: false,
    });
    this.workspaceId = this.workspace.id;
    this.appInsights = new ApplicationInsights(this, "app-insights", {
      name: n.name("appi"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      applicationType: "web",
      workspaceId: this.workspace.id,
      retentionInDays: Math.max(this.retentionDays, 30),
      localAuthenticationDisabled: true,
    });
  }
}
