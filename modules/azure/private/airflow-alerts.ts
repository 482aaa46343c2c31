/**
 * Alerts of the self-hosted Airflow, to the environment's action group: the scheduler has no
 * running replica (its `/health` liveness probe failing keeps it restarting, and a revision that
 * cannot start has none), any component restarting, and failed task instances, found in the
 * scheduler's console logs (no metric counts them without a StatsD/OpenTelemetry collector).
 */
import { Construct } from "constructs";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { MonitorMetricAlert, MonitorMetricAlertCriteria } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { Naming } from "../../core/naming";

export interface AirflowAlertsProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly apps: Readonly<Record<string, ContainerApp>>;
  readonly actionGroupId: string;
  readonly logWorkspaceId: string;
}

/** Metric alerts per component and one log alert on failed tasks. */
export class AirflowAlerts extends Construct {
  constructor(scope: Construct, id: string, props: AirflowAlertsProps) {
    super(scope, id);
    const n = props.naming;
    const metric = (key: string, app: ContainerApp, description: string, severity: number, criteria: Omit<MonitorMetricAlertCriteria, "metricNamespace">) =>
      new MonitorMetricAlert(this, key, {
        name: n.name(key),
        resourceGroupName: props.resourceGroupName,
        scopes: [app.id],
        description,
        severity,
        frequency: "PT5M",
        windowSize: "PT15M",
        autoMitigate: true,
        criteria: [{ metricNamespace: "Microsoft.App/containerApps", ...criteria }],
        action: [{ actionGroupId: props.actionGroupId }],
      });
    metric("airflow-scheduler-down", props.apps.scheduler, "Airflow scheduler has no running replica: nothing is scheduled", 1, {
      metricName: "Replicas",
      aggregation: "Maximum",
      operator: "LessThan",
      threshold: 1,
    });
    for (const [component, app] of Object.entries(props.apps)) {
      metric(`airflow-${component}-restarts`, app, `Airflow ${component} restarts (failing health probe, database unreachable, or crash)`, 2, {
        metricName: "RestartCount",
        aggregation: "Maximum",
        operator: "GreaterThan",
        threshold: 2,
      });
    }
    new MonitorScheduledQueryRulesAlertV2(this, "task-failures", {
      name: n.name("airflow-task-failures"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      scopes: [props.logWorkspaceId],
      description: "Airflow task instances failed (scheduler log lines with state=failed)",
      severity: 2,
      evaluationFrequency: "PT5M",
      windowDuration: "PT5M",
      criteria: [
        {
          query: `ContainerAppConsoleLogs | where ContainerAppName == "${props.apps.scheduler.name}" and ContainerName == "scheduler" | where Log has "state=failed"`,
          timeAggregationMethod: "Count",
          operator: "GreaterThan",
          threshold: 0,
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      action: { actionGroups: [props.actionGroupId] },
      // The table appears with the first log line; do not fail the apply before that.
      skipQueryValidation: true,
    });
  }
}
