/**
 * Alarms of the self-hosted Airflow on ECS, to the alert topic: a component with no running task
 * for 15 minutes (the scheduler's is the heartbeat: its `/health` container check failing makes ECS
 * replace it, and a task that cannot start — database login missing, secret unreadable — never
 * runs; Container Insights publishes RunningTaskCount, the platform cluster has it on), and failed
 * task instances counted from the scheduler's log lines (`state=failed`, as on Azure: no metric
 * counts them without a StatsD collector).
 */
import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Naming } from "../../core/naming";

export interface SelfHostedAirflowAlarmsProps {
  readonly naming: Naming;
  readonly clusterName: string;
  /** Component -> ECS service name. */
  readonly services: Readonly<Record<string, string>>;
  readonly schedulerLogGroupName: string;
  readonly alertTopicArn: string;
  readonly failedTaskThreshold: number;
}

/** One running-task alarm per component and a failed-task alarm. */
export class SelfHostedAirflowAlarms extends Construct {
  constructor(scope: Construct, id: string, props: SelfHostedAirflowAlarmsProps) {
    super(scope, id);
    const n = props.naming;
    const actions = { alarmActions: [props.alertTopicArn], okActions: [props.alertTopicArn] };
    for (const [component, service] of Object.entries(props.services)) {
      new CloudwatchMetricAlarm(this, `${component}-down`, {
        alarmName: n.name("airflow", component, "down"),
        alarmDescription: component === "scheduler" ? "Airflow scheduler has no running task for 15 minutes: nothing is being scheduled" : `Airflow ${component} has no running task for 15 minutes`,
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: props.clusterName, ServiceName: service },
        statistic: "Minimum",
        period: 300,
        evaluationPeriods: 3,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // No data means no task reports: the failure itself.
        treatMissingData: "breaching",
        ...actions,
      });
    }
    const metric = { namespace: "MLOps/Airflow", name: n.name("airflow-task-failures") };
    new CloudwatchLogMetricFilter(this, "task-failures-filter", {
      name: n.name("airflow-task-failures"),
      logGroupName: props.schedulerLogGroupName,
      pattern: '"state=failed"',
      metricTransformation: { namespace: metric.namespace, name: metric.name, value: "1", unit: "Count" },
    });
    new CloudwatchMetricAlarm(this, "task-failures", {
      alarmName: n.name("airflow-task-failures"),
      alarmDescription: `Airflow: ${props.failedTaskThreshold} or more task instances failed in 5 minutes`,
      namespace: metric.namespace,
      metricName: metric.name,
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: props.failedTaskThreshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });
  }
}
