/** AVM's `diagnostic_settings` interface, reduced to what the platform uses: logs and metrics to the workspace. */
import { Construct } from "constructs";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";

/** Sends the resource's log category groups (default `allLogs`) and all metrics to the workspace. */
export function addDiagnostics(
  scope: Construct,
  id: string,
  targetResourceId: string,
  workspaceId: string | undefined,
  categoryGroups: readonly string[] = ["allLogs"],
  metrics = true,
): MonitorDiagnosticSetting | undefined {
  if (!workspaceId) return undefined;
  return new MonitorDiagnosticSetting(scope, id, {
    name: "to-log-analytics",
    targetResourceId,
    logAnalyticsWorkspaceId: workspaceId,
    enabledLog: categoryGroups.map((categoryGroup) => ({ categoryGroup })),
    enabledMetric: metrics ? [{ category: "AllMetrics" }] : undefined,
  });
}
