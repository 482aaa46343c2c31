/** AVM's `diagnostic_settings` interface, reduced to what the platform uses: logs and metrics to the workspace. */
import { Construct } from "constructs";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";

/**
 * Sends the resource's log category groups (default `allLogs`) and metrics to the workspace. `metrics`:
 * true for `AllMetrics`, or the categories the resource type exposes where Azure returns those instead
 * (storage services: `Capacity` and `Transaction`; azurerm v4.55.0 writes back exactly what the API returns,
 * internal/services/monitor/monitor_diagnostic_setting_resource.go `flattenMonitorDiagnosticEnabledMetrics`,
 * so `AllMetrics` there is a change on every plan), or false for none.
 */
export function addDiagnostics(
  scope: Construct,
  id: string,
  targetResourceId: string,
  workspaceId: string | undefined,
  categoryGroups: readonly string[] = ["allLogs"],
  metrics: boolean | readonly string[] = true,
): MonitorDiagnosticSetting | undefined {
  const categories = metrics === true ? ["AllMetrics"] : metrics === false ? [] : metrics;
  if (!workspaceId) return undefined;
  return new MonitorDiagnosticSetting(scope, id, {
    name: "to-log-analytics",
    targetResourceId,
    logAnalyticsWorkspaceId: workspaceId,
    enabledLog: categoryGroups.map((categoryGroup) => ({ categoryGroup })),
    enabledMetric: categories.length ? categories.map((category) => ({ category })) : undefined,
  });
}
