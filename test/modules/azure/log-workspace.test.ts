/** Azure log sink: a Log Analytics workspace and Application Insights, Entra ID only, retention within Log Analytics' range. */
import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { resources, StackJson, synthStack } from "../../support/synth";
import { azureTestStack, COMMON } from "./azure-test-stack";

describe("Azure LogWorkspace", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = azureTestStack();
    new LogWorkspace(stack, "logs", { ...COMMON, retentionDays: 90, dailyQuotaGb: 2 });
    json = synthStack(stack);
  });

  test("GIVEN a retention and quota WHEN synthesized THEN the workspace keeps logs that long, caps ingestion, and refuses shared keys", () => {
    expect(resources(json, "azurerm_log_analytics_workspace")).toEqual([expect.objectContaining({ name: "mlops-test-logs", sku: "PerGB2018", retention_in_days: 90, daily_quota_gb: 2, local_authentication_enabled: false })]);
  });

  test("GIVEN the workspace THEN Application Insights is workspace-based with local authentication disabled", () => {
    expect(resources(json, "azurerm_application_insights")).toEqual([expect.objectContaining({ application_type: "web", local_authentication_disabled: true, retention_in_days: 90, workspace_id: expect.stringContaining("azurerm_log_analytics_workspace") })]);
  });

  test.each([[1, 30], [29, 30], [30, 30], [730, 730], [1000, 730]])("GIVEN %p days WHEN built THEN %p days apply (Log Analytics keeps 30 to 730)", (requested, applied) => {
    expect(new LogWorkspace(azureTestStack(), "logs", { ...COMMON, retentionDays: requested }).retentionDays).toBe(applied);
  });

  test.each([[0], [-1], [1.5]])("GIVEN %p days WHEN constructed THEN validation asks for a positive whole number", (days) => {
    expect(() => new LogWorkspace(azureTestStack(), "logs", { ...COMMON, retentionDays: days })).toThrow(`retentionDays must be a positive whole number of days; got ${days}`);
  });
});
