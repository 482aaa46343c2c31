/** Google monitoring: e-mail channel, log retention, alerts per catalog workload (5xx in percent), authenticated uptime checks, links. */
import { Monitoring, MonitoredWorkload, MonitoringProps } from "../../../modules/gcp/monitoring";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const workloads: MonitoredWorkload[] = SERVICE_CATALOG.map((s) => ({
  name: s.name, kind: s.kind, runName: `mlops-test-${s.name}`, maxInstances: 3,
  publicUrl: s.ingress === "public" ? `https://${s.name}-abc.a.run.app` : undefined, healthPath: s.healthPath,
}));
const BASE: MonitoringProps = { naming, ...PROJECT, alertEmail: "ops@example.com", workloads, logRetentionDays: 30, labels: { owner: "ml-platform" } };
const services = workloads.filter((w) => w.kind === "service");
const jobs = workloads.filter((w) => w.kind === "job");
const publicOnes = workloads.filter((w) => w.publicUrl);

describe("Google Monitoring", () => {
  let json: StackJson;
  let monitoring: Monitoring;
  beforeAll(() => {
    const stack = gcpTestStack();
    monitoring = new Monitoring(stack, "monitoring", BASE);
    json = synthStack(stack);
  });
  const policies = (): Record<string, unknown>[] => resources(json, "google_monitoring_alert_policy");
  const condition = (title: string): Record<string, unknown> => {
    const p = policies().find((x) => String(x.display_name).endsWith(title))!;
    return (p.conditions as { condition_threshold: Record<string, unknown> }[])[0].condition_threshold;
  };

  test("GIVEN an alert address WHEN synthesized THEN one e-mail channel with the environment's labels, and the _Default bucket keeps logs the configured days", () => {
    expect(resources(json, "google_monitoring_notification_channel")).toEqual([expect.objectContaining({ type: "email", labels: { email_address: "ops@example.com" }, user_labels: { owner: "ml-platform" } })]);
    expect(resources(json, "google_logging_project_bucket_config")).toEqual([expect.objectContaining({ bucket_id: "_Default", retention_days: 30 })]);
  });

  test("GIVEN the catalog THEN each service has 5xx, latency and at-max alerts, each job a failed-execution alert, each public service a health alert", () => {
    const titles = policies().map((p) => String(p.display_name).replace("mlops-test ", "")).sort();
    const expected = [
      ...services.flatMap((w) => [`${w.name} 5xx ratio above 5%`, `${w.name} p99 latency above 2000 ms`, `${w.name} at maximum instances (3)`]),
      ...jobs.map((w) => `${w.name} job execution failed`),
      ...publicOnes.map((w) => `${w.name} health check failing`),
    ].sort();
    expect(jobs.length).toBeGreaterThan(0);
    expect(titles).toEqual(expected);
    for (const p of policies()) expect(p).toMatchObject({ notification_channels: [expect.stringContaining("google_monitoring_notification_channel")], user_labels: { owner: "ml-platform" } });
  });

  test("GIVEN the 5xx alert THEN a ratio of 5xx to all requests of that service above 0.05 (5 percent) for 5 minutes", () => {
    const c = condition(`${services[0].name} 5xx ratio above 5%`);
    expect(c).toMatchObject({ threshold_value: 0.05, duration: "300s", comparison: "COMPARISON_GT" });
    expect(String(c.filter)).toContain(`resource.label.service_name="${services[0].runName}"`);
    expect(String(c.filter)).toContain('metric.label.response_code_class="5xx"');
    expect(String(c.denominator_filter)).not.toContain("5xx");
  });

  test("GIVEN public services THEN an HTTPS uptime check on the health path with a Monitoring OIDC token, and that agent invokes only those services", () => {
    const checks = resources(json, "google_monitoring_uptime_check_config");
    expect(checks).toHaveLength(publicOnes.length);
    for (const c of checks) expect(c.http_check).toMatchObject({ use_ssl: true, validate_ssl: true, port: 443, service_agent_authentication: { type: "OIDC_TOKEN" } });
    expect(checks.map((c) => (c.http_check as { path: string }).path).sort()).toEqual(publicOnes.map((w) => w.healthPath).sort());
    const invokers = resources(json, "google_cloud_run_v2_service_iam_member");
    expect(invokers.map((i) => i.name).sort()).toEqual(publicOnes.map((w) => w.runName).sort());
    for (const i of invokers) {
      expect(i).toMatchObject({ role: "roles/run.invoker", member: `serviceAccount:service-${PROJECT.projectNumber}@gcp-sa-monitoring-notification.iam.gserviceaccount.com` });
      expect(i.depends_on).toEqual([expect.stringContaining("google_monitoring_uptime_check_config")]);
    }
  });

  test("GIVEN links THEN the dashboard link opens this dashboard, alerting has its own, uptime checks are the one extra; one dashboard with a row per service", () => {
    // The dashboard's id part is a token here; the stack test reads it resolved (element(split("/", ...id), 3)).
    expect(monitoring.dashboardUrl.startsWith("https://console.cloud.google.com/monitoring/dashboards/builder/")).toBe(true);
    expect(monitoring.dashboardUrl.endsWith(`?project=${PROJECT.projectId}`)).toBe(true);
    expect(monitoring.alertingUrl).toBe(`https://console.cloud.google.com/monitoring/alerting?project=${PROJECT.projectId}`);
    expect(monitoring.links.map((l) => l.label)).toEqual(["Uptime checks"]);
    const dashboard = JSON.parse(String(resources(json, "google_monitoring_dashboard")[0].dashboard_json)) as { mosaicLayout: { tiles: unknown[] } };
    expect(dashboard.mosaicLayout.tiles).toHaveLength(services.length * 3);
  });

  test.each<[string, Partial<MonitoringProps>, string]>([
    ["a 0% error rate", { errorRateThresholdPercent: 0 }, "errorRateThresholdPercent must be between 0 and 100; got 0"],
    ["a 100% error rate", { errorRateThresholdPercent: 100 }, "errorRateThresholdPercent must be between 0 and 100; got 100"],
    ["a 120 s uptime period", { uptimePeriodSeconds: 120 }, "uptimePeriodSeconds must be one of 60, 300, 600, 900; got 120"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => new Monitoring(gcpTestStack(), "monitoring", { ...BASE, ...over })).toThrow(message);
  });
});
