/**
 * Alerting and console links: an action group mailing the environment's alert address (common
 * alert schema), and per container app three metric alerts: HTTP 5xx responses, container
 * restarts, and CPU above 80% of the app's allocation. Links point into the Azure portal.
 * The Log Analytics workspace and Application Insights are in `log-workspace.ts` (they must exist
 * before the apps that write into them).
 *
 * Deliberately not created: log-query alerts, availability (web) tests, alerts on job failures
 * (Container Apps job metrics have no failed-execution count in azurerm's metric alert checks yet),
 * dashboards.
 */
import { Construct } from "constructs";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { ConsoleLink, PlatformMonitoring } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import type { ContainerAppService } from "./container-app-service";

export interface MonitoringProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly alertEmail: string;
  /** The services to watch (jobs have no request metrics). */
  readonly workloads: readonly ContainerAppService[];
  /** Portal link prefix: `https://portal.azure.com/#@<tenant>/resource`. */
  readonly portalResourceUrl: string;
  /** Resources linked in the portal, by label. @default - none */
  readonly resources?: readonly { readonly label: string; readonly id: string }[];
  /**
   * 5xx responses per 5 minutes that raise an alert. A count, not the percent AWS and Google use:
   * Container Apps' `Requests` metric has no ratio form for a metric alert. @default 5
   */
  readonly errorCountThreshold?: number;
  /** Percent of the allocated CPU, averaged over 15 minutes. @default 80 */
  readonly cpuThresholdPercent?: number;
}

/** Action group, metric alerts and portal links. */
export class Monitoring extends Construct implements PlatformMonitoring {
  readonly actionGroup: MonitorActionGroup;
  readonly alerts: MonitorMetricAlert[] = [];
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const errors = props.errorCountThreshold ?? 5;
    const cpuPercent = props.cpuThresholdPercent ?? 80;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
      throw new ValidationError(`alertEmail must be an e-mail address; got ${JSON.stringify(props.alertEmail)}`, this);
    }
    if (cpuPercent <= 0 || cpuPercent > 100) throw new ValidationError(`cpuThresholdPercent must be 1 to 100; got ${cpuPercent}`, this);
    const n = props.naming;
    this.actionGroup = new MonitorActionGroup(this, "action-group", {
      name: n.name("alerts"),
      resourceGroupName: props.resourceGroupName,
      shortName: n.bounded(12, "ag").replace(/-/g, "").slice(0, 12),
      emailReceiver: [{ name: "on-call", emailAddress: props.alertEmail, useCommonAlertSchema: true }],
    });

    for (const svc of props.workloads) {
      const app = svc.app;
      const alert = (kind: string, description: string, severity: number, criteria: MonitorMetricAlertCriteria, windowSize: string) => {
        const a = new MonitorMetricAlert(this, `${svc.name}-${kind}`, {
          name: n.name(svc.name, kind),
          resourceGroupName: props.resourceGroupName,
          scopes: [app.id],
          description,
          severity,
          frequency: "PT1M",
          windowSize,
          autoMitigate: true,
          criteria: [{ metricNamespace: "Microsoft.App/containerApps", ...criteria }],
          action: [{ actionGroupId: this.actionGroup.id }],
        });
        this.alerts.push(a);
      };
      alert("5xx", `${svc.name} answers with server errors`, 1, {
        metricName: "Requests",
        aggregation: "Total",
        operator: "GreaterThan",
        threshold: errors,
        dimension: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }],
      }, "PT5M");
      alert("restarts", `${svc.name} containers restart`, 2, {
        metricName: "RestartCount",
        aggregation: "Maximum",
        operator: "GreaterThan",
        threshold: 2,
      }, "PT15M");
      alert("cpu", `${svc.name} uses more than ${cpuPercent}% of its CPU`, 3, {
        metricName: "UsageNanoCores",
        aggregation: "Average",
        operator: "GreaterThan",
        threshold: Math.round(svc.workload.cpu * 1e9 * (cpuPercent / 100)),
      }, "PT15M");
    }
    for (const r of props.resources ?? []) this.links.push({ label: r.label, url: `${props.portalResourceUrl}${r.id}` });
  }
}

type MonitorMetricAlertCriteria = {
  readonly metricName: string;
  readonly aggregation: string;
  readonly operator: string;
  readonly threshold: number;
  readonly dimension?: { readonly name: string; readonly operator: string; readonly values: string[] }[];
};
