/**
 * Monitoring for the platform: an e-mail notification channel, the project's _Default log bucket
 * with the environment's retention, per service alert policies (5xx ratio, p99 latency, instance
 * count at its maximum), a failed-execution alert per job, an authenticated uptime check with an
 * alert on each public service's health path, and one dashboard with a row per service. Exposes
 * console links for the synth summary.
 *
 * Uptime checks call the services with an OIDC token of the Monitoring service agent, which gets
 * `roles/run.invoker` on exactly those services: public services keep requiring authentication.
 * Each grant names the service by its `name` attribute (so it waits for the service) and is created
 * after its uptime check: Monitoring provisions its agent lazily, at the latest with the first check
 * that uses service agent authentication, and IAM rejects a grant to an agent that does not exist.
 * Checks may fail for the seconds between check and grant on a first apply. If the grant is still
 * rejected on a brand-new project, re-running the apply succeeds once the agent exists.
 * It deliberately creates no SLOs (they need traffic history to set) and no database alerts
 * beyond what Cloud SQL's own recommender raises.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringDashboard } from "@cdktf/provider-google/lib/monitoring-dashboard";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { MonitoringUptimeCheckConfig } from "@cdktf/provider-google/lib/monitoring-uptime-check-config";
import { ConsoleLink, PlatformMonitoring } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";

/** What monitoring needs to know of one workload. */
export interface MonitoredWorkload {
  /** Catalog name, for titles. */
  readonly name: string;
  readonly kind: "service" | "job";
  /**
   * Cloud Run service or job name. Pass the resource's `name` attribute (a token), not the string:
   * the uptime invoker grant must wait for the service it grants on.
   */
  readonly runName: string;
  /** Maximum instances (services). */
  readonly maxInstances: number;
  /** run.app URL when the service is public: gets an uptime check. */
  readonly publicUrl?: string;
  readonly healthPath?: string;
}

export interface MonitoringProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly region: string;
  readonly alertEmail: string;
  readonly workloads: readonly MonitoredWorkload[];
  /** The environment's labels: monitoring resources keep them in `user_labels`, which provider default labels do not reach. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Days the _Default log bucket keeps logs. */
  readonly logRetentionDays: number;
  /** Percent of requests answered 5xx that alerts (the unit every cloud's monitoring uses). @default 5 */
  readonly errorRateThresholdPercent?: number;
  /** Console links beyond monitoring's own. @default - none */
  readonly links?: readonly ConsoleLink[];
  /** p99 latency that alerts, in milliseconds. @default 2000 */
  readonly latencyThresholdMs?: number;
  /** Seconds between uptime checks: 60, 300, 600 or 900. @default 300 */
  readonly uptimePeriodSeconds?: number;
}

const RUN_REVISION = 'resource.type="cloud_run_revision"';

/** Channel, alerts, uptime checks, dashboard, log retention. */
export class Monitoring extends Construct implements PlatformMonitoring {
  readonly channel: MonitoringNotificationChannel;
  readonly dashboard: MonitoringDashboard;
  /** The platform's dashboard in the console: output `console_dashboard`. */
  readonly dashboardUrl: string;
  /** The alerting page (incidents and policies): output `console_alerting`. */
  readonly alertingUrl: string;
  readonly links: ConsoleLink[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const errorRatio = (props.errorRateThresholdPercent ?? 5) / 100;
    const latencyMs = props.latencyThresholdMs ?? 2000;
    const uptimePeriod = props.uptimePeriodSeconds ?? 300;
    if (!(errorRatio > 0 && errorRatio < 1)) throw new ValidationError(`errorRateThresholdPercent must be between 0 and 100; got ${errorRatio * 100}`, this);
    if (![60, 300, 600, 900].includes(uptimePeriod)) {
      throw new ValidationError(`uptimePeriodSeconds must be one of 60, 300, 600, 900; got ${uptimePeriod}`, this);
    }
    const n = props.naming;
    const project = props.projectId;

    new LoggingProjectBucketConfig(this, "default-logs", {
      project,
      location: "global",
      bucketId: "_Default",
      retentionDays: props.logRetentionDays,
      description: "Platform logs; retention from the environment config",
    });

    this.channel = new MonitoringNotificationChannel(this, "email", {
      project,
      displayName: `${n.name("alerts")} (${props.alertEmail})`,
      type: "email",
      labels: { email_address: props.alertEmail },
      userLabels: { ...(props.labels ?? {}) },
      forceDelete: false,
    });
    const alert = (key: string, title: string, condition: MonitoringAlertPolicyConditions["conditionThreshold"], doc: string, severity = "ERROR") =>
      new MonitoringAlertPolicy(this, key, {
        project,
        displayName: `${n.name()} ${title}`,
        combiner: "OR",
        severity,
        notificationChannels: [this.channel.id],
        conditions: [{ displayName: title, conditionThreshold: condition }],
        documentation: { content: doc, mimeType: "text/markdown" },
        alertStrategy: { autoClose: "86400s" },
        userLabels: { ...(props.labels ?? {}) },
      });

    for (const w of props.workloads) {
      if (w.kind === "job") {
        alert(
          `${w.name}-failed`,
          `${w.name} job execution failed`,
          {
            filter: `metric.type="run.googleapis.com/job/completed_execution_count" AND resource.type="cloud_run_job" AND resource.label.job_name="${w.runName}" AND metric.label.result="failed"`,
            comparison: "COMPARISON_GT",
            thresholdValue: 0,
            duration: "0s",
            aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.job_name"] }],
          },
          `An execution of Cloud Run job ${w.runName} failed. Check its logs in the Cloud Run console.`,
        );
        continue;
      }
      const svc = `${RUN_REVISION} AND resource.label.service_name="${w.runName}"`;
      const byService = { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.service_name"] };
      alert(
        `${w.name}-5xx`,
        `${w.name} 5xx ratio above ${errorRatio * 100}%`,
        {
          filter: `metric.type="run.googleapis.com/request_count" AND ${svc} AND metric.label.response_code_class="5xx"`,
          denominatorFilter: `metric.type="run.googleapis.com/request_count" AND ${svc}`,
          comparison: "COMPARISON_GT",
          thresholdValue: errorRatio,
          duration: "300s",
          aggregations: [byService],
          denominatorAggregations: [byService],
        },
        `More than ${errorRatio * 100}% of requests to ${w.runName} failed with 5xx for 5 minutes.`,
      );
      alert(
        `${w.name}-latency`,
        `${w.name} p99 latency above ${latencyMs} ms`,
        {
          filter: `metric.type="run.googleapis.com/request_latencies" AND ${svc}`,
          comparison: "COMPARISON_GT",
          thresholdValue: latencyMs,
          duration: "300s",
          aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_99", groupByFields: ["resource.label.service_name"] }],
        },
        `The 99th percentile latency of ${w.runName} stayed above ${latencyMs} ms for 5 minutes.`,
        "WARNING",
      );
      alert(
        `${w.name}-at-max`,
        `${w.name} at maximum instances (${w.maxInstances})`,
        {
          filter: `metric.type="run.googleapis.com/container/instance_count" AND ${svc} AND metric.label.state="active"`,
          comparison: "COMPARISON_GT",
          thresholdValue: w.maxInstances - 0.5,
          duration: "600s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.service_name"] }],
        },
        `${w.runName} ran at its maximum of ${w.maxInstances} instances for 10 minutes: requests may queue. Raise maxCount for the environment or find the slow path.`,
        "WARNING",
      );

      if (w.publicUrl) {
        const check = new MonitoringUptimeCheckConfig(this, `${w.name}-uptime`, {
          project,
          displayName: `${n.name(w.name)} health`,
          timeout: "10s",
          period: `${uptimePeriod}s`,
          userLabels: { ...(props.labels ?? {}) },
          checkerType: "STATIC_IP_CHECKERS",
          monitoredResource: { type: "uptime_url", labels: { project_id: project, host: Fn.replace(w.publicUrl, "https://", "") } },
          httpCheck: {
            path: w.healthPath ?? "/",
            port: 443,
            useSsl: true,
            validateSsl: true,
            requestMethod: "GET",
            serviceAgentAuthentication: { type: "OIDC_TOKEN" },
            acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
          },
        });
        new CloudRunV2ServiceIamMember(this, `${w.name}-uptime-invoker`, {
          project,
          location: props.region,
          name: w.runName,
          role: "roles/run.invoker",
          member: `serviceAccount:service-${props.projectNumber}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`,
          dependsOn: [check],
        });
        alert(
          `${w.name}-down`,
          `${w.name} health check failing`,
          {
            filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${check.uptimeCheckId}"`,
            comparison: "COMPARISON_GT",
            thresholdValue: 1,
            duration: "60s",
            aggregations: [{ alignmentPeriod: "1200s", perSeriesAligner: "ALIGN_NEXT_OLDER", crossSeriesReducer: "REDUCE_COUNT_FALSE", groupByFields: ["resource.label.host"] }],
          },
          `${w.runName} did not answer ${w.healthPath ?? "/"} from more than one checker region.`,
          "CRITICAL",
        );
      }
    }

    this.dashboard = new MonitoringDashboard(this, "dashboard", { project, dashboardJson: JSON.stringify(dashboardOf(n.name(), props.workloads)) });
    const q = `project=${project}`;
    // The dashboard's id is the API's name, `projects/<number>/dashboards/<id>` (d.SetId(name),
    // google/services/monitoring/resource_monitoring_dashboard.go v6.50.0): the console wants the last part.
    this.dashboardUrl = `https://console.cloud.google.com/monitoring/dashboards/builder/${Fn.element(Fn.split("/", this.dashboard.id), 3)}?${q}`;
    this.alertingUrl = `https://console.cloud.google.com/monitoring/alerting?${q}`;
    this.links = [
      { label: "Uptime checks", url: `https://console.cloud.google.com/monitoring/uptime?${q}` },
      ...(props.links ?? []),
    ];
  }
}

/** A mosaic dashboard: per service a row of requests by class, p99 latency, active instances. */
function dashboardOf(title: string, workloads: readonly MonitoredWorkload[]): object {
  // The API drops proto3 zero values (0, empty lists) and the provider's diff suppression only removes keys
  // the API returned that config lacks (removeComputedKeys, resource_monitoring_dashboard.go v6.50.0):
  // a zero xPos/yPos or an empty groupByFields in config would show as a change on every plan.
  const series = (filter: string, aligner: string, reducer: string, group: string[]) => ({
    timeSeriesQuery: {
      timeSeriesFilter: { filter, aggregation: { alignmentPeriod: "60s", perSeriesAligner: aligner, crossSeriesReducer: reducer, ...(group.length ? { groupByFields: group } : {}) } },
    },
    plotType: "LINE",
  });
  const tiles: object[] = [];
  workloads
    .filter((w) => w.kind === "service")
    .forEach((w, row) => {
      const svc = `${RUN_REVISION} AND resource.label.service_name="${w.runName}"`;
      const widgets = [
        { title: `${w.name}: requests by class`, ds: series(`metric.type="run.googleapis.com/request_count" AND ${svc}`, "ALIGN_RATE", "REDUCE_SUM", ["metric.label.response_code_class"]) },
        { title: `${w.name}: p99 latency (ms)`, ds: series(`metric.type="run.googleapis.com/request_latencies" AND ${svc}`, "ALIGN_DELTA", "REDUCE_PERCENTILE_99", []) },
        { title: `${w.name}: active instances`, ds: series(`metric.type="run.googleapis.com/container/instance_count" AND ${svc} AND metric.label.state="active"`, "ALIGN_MAX", "REDUCE_SUM", []) },
      ];
      widgets.forEach((wd, col) => tiles.push({ ...(col ? { xPos: col * 16 } : {}), ...(row ? { yPos: row * 16 } : {}), width: 16, height: 16, widget: { title: wd.title, xyChart: { dataSets: [wd.ds] } } }));
    });
  return { displayName: `${title} platform`, mosaicLayout: { columns: 48, tiles } };
}
