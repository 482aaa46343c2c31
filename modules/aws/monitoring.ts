/**
 * Alerts and a view of the environment: an SNS topic (KMS-encrypted when a key is given) that
 * mails the environment's alert address; per service alarms on CPU, memory and unhealthy load
 * balancer targets; a 5xx-rate alarm per public service's routes at the API; one CloudWatch
 * dashboard; and the console addresses of the dashboard and the alarms. The e-mail subscription must be confirmed
 * by its recipient once (AWS sends the mail); until then alarms fire but nobody is told.
 */
import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ConsoleLink, PlatformMonitoring } from "../core/contracts";
import { Naming } from "../core/naming";

export interface MonitoringProps {
  readonly naming: Naming;
  readonly region: string;
  readonly alertEmail: string;
  readonly customerManagedKey?: string;
  /** The workloads to watch (services; jobs have no ECS service). */
  readonly workloads: readonly MonitoredService[];
  /** Console links beyond the dashboard (the log groups' are {@link logGroupConsoleUrl}). @default - none */
  readonly links?: readonly ConsoleLink[];
  /** Percent for CPU and memory alarms. @default 85 */
  readonly utilizationThresholdPercent?: number;
  /** Percent of requests answered 5xx. @default 5 */
  readonly errorRateThresholdPercent?: number;
}

/** What one service exposes to monitoring. */
export interface MonitoredService {
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly logGroupName: string;
  /** `targetgroup/...` and `net/...` ARN suffixes, for NLB metrics. */
  readonly targetGroupArnSuffix?: string;
  readonly loadBalancerArnSuffix?: string;
  /** API id and route prefix for public services. */
  readonly api?: { apiId: string; prefix: string };
}

/** The topic, alarms, dashboard and links. */
export class Monitoring extends Construct implements PlatformMonitoring {
  readonly topic: SnsTopic;
  /** The CloudWatch dashboard in the console: output `console_dashboard`. */
  readonly dashboardUrl: string;
  /** The CloudWatch alarms page: output `console_alerting`. */
  readonly alertingUrl: string;
  readonly links: ConsoleLink[] = [];
  private readonly props: MonitoringProps;
  private readonly widgets: object[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    this.topic = new SnsTopic(this, "alerts", { name: props.naming.name("alerts"), kmsMasterKeyId: props.customerManagedKey });
    new SnsTopicSubscription(this, "alerts-email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.alertEmail });
    for (const w of props.workloads) this.addService(w);
    this.dashboardUrl = this.finish(props.links ?? []);
    this.alertingUrl = `https://${props.region}.console.aws.amazon.com/cloudwatch/home?region=${props.region}#alarmsV2:`;
  }

  /** Alarms and dashboard widgets for one service. */
  private addService(s: MonitoredService): void {
    const util = this.props.utilizationThresholdPercent ?? 85;
    const ecsDims = { ClusterName: s.clusterName, ServiceName: s.serviceName };
    for (const metric of ["CPUUtilization", "MemoryUtilization"]) {
      this.alarm(`${s.name}-${metric === "CPUUtilization" ? "cpu" : "memory"}`, {
        description: `${s.name}: ${metric} above ${util}% for 10 minutes`,
        namespace: "AWS/ECS",
        metricName: metric,
        dimensions: ecsDims,
        statistic: "Average",
        threshold: util,
        periods: 2,
        periodSeconds: 300,
      });
    }
    if (s.targetGroupArnSuffix && s.loadBalancerArnSuffix) {
      this.alarm(`${s.name}-unhealthy`, {
        description: `${s.name}: unhealthy targets behind the load balancer`,
        namespace: "AWS/NetworkELB",
        metricName: "UnHealthyHostCount",
        dimensions: { TargetGroup: s.targetGroupArnSuffix, LoadBalancer: s.loadBalancerArnSuffix },
        statistic: "Maximum",
        threshold: 0,
        periods: 3,
        periodSeconds: 60,
      });
    }
    if (s.api) {
      const rate = this.props.errorRateThresholdPercent ?? 5;
      // Detailed HTTP API metrics are keyed by ApiId, Stage, Method and Resource (the route's path).
      const route = { ApiId: s.api.apiId, Stage: "$default", Method: "ANY", Resource: `${s.api.prefix}/{proxy+}` };
      new CloudwatchMetricAlarm(this, `${s.name}-5xx-rate`, {
        alarmName: this.props.naming.name(s.name, "5xx-rate"),
        alarmDescription: `${s.name}: more than ${rate}% of API requests answered 5xx`,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 3,
        threshold: rate,
        treatMissingData: "notBreaching",
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        metricQuery: [
          { id: "errors", metric: { namespace: "AWS/ApiGateway", metricName: "5xx", dimensions: route, period: 300, stat: "Sum" } },
          { id: "requests", metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: route, period: 300, stat: "Sum" } },
          { id: "rate", expression: "IF(requests > 0, 100 * errors / requests, 0)", label: "5xx rate (%)", returnData: true },
        ],
      });
    }
    this.widgets.push({
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title: `${s.name}: CPU and memory`,
        region: this.props.region,
        metrics: [
          ["AWS/ECS", "CPUUtilization", "ClusterName", s.clusterName, "ServiceName", s.serviceName],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", s.clusterName, "ServiceName", s.serviceName],
        ],
        stat: "Average",
        period: 300,
      },
    });
  }

  /** Creates the dashboard from the widgets of every service. */
  private finish(extraLinks: readonly ConsoleLink[] = []): string {
    const name = this.props.naming.name();
    new CloudwatchDashboard(this, "dashboard", { dashboardName: name, dashboardBody: JSON.stringify({ widgets: this.widgets }) });
    this.links.push(...extraLinks);
    const r = this.props.region;
    return `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}#dashboards/dashboard/${name}`;
  }

  private alarm(
    id: string,
    a: { description: string; namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string; threshold: number; periods: number; periodSeconds: number },
  ): void {
    new CloudwatchMetricAlarm(this, id, {
      alarmName: this.props.naming.name(id),
      alarmDescription: a.description,
      namespace: a.namespace,
      metricName: a.metricName,
      dimensions: a.dimensions,
      statistic: a.statistic,
      period: a.periodSeconds,
      evaluationPeriods: a.periods,
      threshold: a.threshold,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
  }
}

/** A log group in the CloudWatch console (output `console_logs_<workload>`): the console wants `/` as `$252F`. */
export function logGroupConsoleUrl(region: string, logGroupName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encodeURIComponent(logGroupName).replace(/%/g, () => "$25")}`;
}
