/** AWS monitoring: an encrypted alert topic mailing the environment, alarms per catalog service, a 5xx-rate alarm per public API, links. */
import { logGroupConsoleUrl, Monitoring, MonitoredService } from "../../../modules/aws/monitoring";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const services = SERVICE_CATALOG.filter((s) => s.kind === "service");
const watched: MonitoredService[] = services.map((s) => ({
  name: s.name, clusterName: "mlops-test", serviceName: s.name, logGroupName: `/mlops/test/${s.name}`,
  targetGroupArnSuffix: `targetgroup/${s.name}/1`, loadBalancerArnSuffix: "net/mlops-test-nlb/1",
  api: s.ingress === "public" ? { apiId: "api-1", prefix: s.routes!.prefix } : undefined,
}));
const publicCount = watched.filter((w) => w.api).length;

describe("AWS Monitoring", () => {
  let json: StackJson;
  let custom: StackJson;
  let monitoring: Monitoring;
  beforeAll(() => {
    const stack = awsTestStack();
    monitoring = new Monitoring(stack, "monitoring", { naming: AWS_NAMING, region: REGION, alertEmail: "ops@example.com", customerManagedKey: KEY, workloads: watched, links: [{ label: "VPC", url: "https://vpc" }] });
    json = synthStack(stack);
    const other = awsTestStack();
    new Monitoring(other, "monitoring", { naming: AWS_NAMING, region: REGION, alertEmail: "ops@example.com", workloads: watched, utilizationThresholdPercent: 70, errorRateThresholdPercent: 1 });
    custom = synthStack(other);
  });
  const alarms = (j: StackJson): Record<string, unknown>[] => resources(j, "aws_cloudwatch_metric_alarm");

  test("GIVEN an alert address WHEN synthesized THEN one topic encrypted with the key and an e-mail subscription to it", () => {
    expect(resources(json, "aws_sns_topic")).toEqual([expect.objectContaining({ name: "mlops-test-alerts", kms_master_key_id: KEY })]);
    expect(resources(json, "aws_sns_topic_subscription")).toEqual([expect.objectContaining({ protocol: "email", endpoint: "ops@example.com" })]);
  });

  test("GIVEN the catalog's services THEN each has CPU, memory and unhealthy-target alarms, and each public one a 5xx-rate alarm", () => {
    const names = alarms(json).map((a) => a.alarm_name).sort();
    const expected = watched.flatMap((w) => [`mlops-test-${w.name}-cpu`, `mlops-test-${w.name}-memory`, `mlops-test-${w.name}-unhealthy`, ...(w.api ? [`mlops-test-${w.name}-5xx-rate`] : [])]);
    expect(publicCount).toBeGreaterThan(0);
    expect(names).toEqual(expected.sort());
  });

  test("GIVEN any alarm THEN it notifies the topic on alarm and recovery and treats missing data as fine", () => {
    for (const a of alarms(json)) expect(a).toMatchObject({ alarm_actions: [expect.stringContaining("aws_sns_topic")], ok_actions: [expect.stringContaining("aws_sns_topic")], treat_missing_data: "notBreaching" });
  });

  test.each([["defaults", () => json, 85, 5], ["thresholds given", () => custom, 70, 1]])("GIVEN %s THEN utilization alarms fire above %p% and the 5xx rate above %p% (one unit: percent)", (_c, get, util, rate) => {
    const all = alarms(get());
    for (const a of all.filter((x) => x.metric_name === "CPUUtilization" || x.metric_name === "MemoryUtilization")) expect(a.threshold).toBe(util);
    const rates = all.filter((a) => String(a.alarm_name).endsWith("5xx-rate"));
    expect(rates).toHaveLength(publicCount);
    for (const a of rates) {
      expect(a.threshold).toBe(rate);
      expect((a.metric_query as { expression?: string }[]).find((q) => q.expression)!.expression).toBe("IF(requests > 0, 100 * errors / requests, 0)");
    }
  });

  test("GIVEN links THEN the dashboard and the alarms have their console addresses, the extra links stay as given; one dashboard is created", () => {
    expect(monitoring.dashboardUrl).toBe(`https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/mlops-test`);
    expect(monitoring.alertingUrl).toBe(`https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#alarmsV2:`);
    expect(monitoring.links).toEqual([{ label: "VPC", url: "https://vpc" }]);
    expect(resources(json, "aws_cloudwatch_dashboard")).toHaveLength(1);
  });
});

describe("logGroupConsoleUrl", () => {
  test("GIVEN a log group with slashes THEN the console address encodes them as $252F", () => {
    expect(logGroupConsoleUrl("eu-central-1", "/mlops/prod/model-api")).toBe(
      "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#logsV2:log-groups/log-group/$252Fmlops$252Fprod$252Fmodel-api",
    );
  });
});
