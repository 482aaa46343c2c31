/**
 * The ECS container definitions of one self-hosted Airflow component (AIRFLOW3_COMPONENTS): the
 * component itself, the DAG sync sidecar beside the components that read DAG files (a task volume
 * shared by both), and, before the scheduler, the one-shot `airflow db migrate` (idempotent; the
 * scheduler starts only once it exited 0). Secrets come by ARN (`secrets[].valueFrom`), never as
 * values. Root filesystems are read-only; Airflow writes only to the volumes mounted here
 * (`/tmp`, its log folder, the DAG folder) and reads its configuration from the environment.
 */
import type { AirflowComponent } from "../../core/airflow";

export const DAG_FOLDER = "/opt/airflow/dags";
/** The official image's user (uid 50000, gid 0): the sidecar writes DAGs as the same user. */
const AIRFLOW_USER = "50000:0";

export interface AirflowContainerInput {
  readonly component: AirflowComponent;
  readonly image: string;
  readonly region: string;
  readonly logGroupName: string;
  /** Plain settings (AIRFLOW__*, AIRFLOW_VAR_*). */
  readonly environment: Readonly<Record<string, string>>;
  /** Environment variable -> Secrets Manager ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly dagBucket: string;
  /** Memory of the component container, MiB (the task's memory less the sidecar's). */
  readonly memoryMiB: number;
  readonly dagSyncScript: string;
}

/** The task volumes every component task declares (bind mounts on the task's ephemeral storage). */
export function airflowVolumes(component: AirflowComponent): { name: string }[] {
  return [{ name: "tmp" }, { name: "logs" }, ...(component.readsDags ? [{ name: "dags" }] : [])];
}

/** The containers of one component's task, in start order. */
export function airflowContainers(p: AirflowContainerInput): object[] {
  const c = p.component;
  const logs = (stream: string) => ({ logDriver: "awslogs", options: { "awslogs-group": p.logGroupName, "awslogs-region": p.region, "awslogs-stream-prefix": stream } });
  const env = Object.entries(p.environment).map(([name, value]) => ({ name, value }));
  const secrets = Object.entries(p.secrets).map(([name, valueFrom]) => ({ name, valueFrom }));
  const scratch = [
    { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
    { sourceVolume: "logs", containerPath: "/opt/airflow/logs", readOnly: false },
  ];
  const dags = { sourceVolume: "dags", containerPath: DAG_FOLDER, readOnly: false };
  const base = { image: p.image, readonlyRootFilesystem: true, privileged: false, user: AIRFLOW_USER };
  const health = c.healthPath
    ? {
        healthCheck: {
          command: ["CMD-SHELL", `curl --fail --silent http://localhost:${c.healthPort ?? c.port ?? 8080}${c.healthPath} || exit 1`],
          interval: 30,
          timeout: 10,
          retries: 5,
          startPeriod: 120,
        },
      }
    : {};
  const sync = {
    ...base,
    name: "dag-sync",
    essential: true,
    // Not through the image's entrypoint (it would wait for a database the sidecar never uses).
    entryPoint: ["python", "-c"],
    command: [p.dagSyncScript],
    memoryReservation: 256,
    environment: Object.entries({ AWS_REGION: p.region, DAG_BUCKET: p.dagBucket, DAG_PREFIX: "dags/", DAG_FOLDER }).map(([name, value]) => ({ name, value })),
    mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }, dags],
    logConfiguration: logs("dag-sync"),
  };
  const migrate = {
    ...base,
    name: "db-migrate",
    essential: false,
    command: ["db", "migrate"],
    environment: env,
    secrets,
    mountPoints: scratch,
    logConfiguration: logs("db-migrate"),
  };
  const main = {
    ...base,
    name: c.name,
    essential: true,
    command: [...c.args],
    memory: p.memoryMiB,
    environment: env,
    secrets,
    portMappings: c.port ? [{ containerPort: c.port, protocol: "tcp" }] : [],
    mountPoints: c.readsDags ? [...scratch, dags] : scratch,
    dependsOn: [...(c.readsDags ? [{ containerName: "dag-sync", condition: "START" }] : []), ...(c.name === "scheduler" ? [{ containerName: "db-migrate", condition: "SUCCESS" }] : [])],
    stopTimeout: 60,
    ...health,
    logConfiguration: logs(c.name),
  };
  return [...(c.name === "scheduler" ? [migrate] : []), ...(c.readsDags ? [sync] : []), main];
}
