/**
 * One workload on Cloud Run v2, from its ServiceSpec: a service (`kind: "service"`) or a job
 * (`kind: "job"`), running as its own service account, with the image from Artifact Registry (by
 * digest when a promotion pinned one), cpu/memory, plain env, secrets by Secret Manager reference
 * (never values), startup and liveness probes, min/max instances, and all egress through the VPC
 * (Direct VPC egress, `ALL_TRAFFIC`: outbound calls leave through Cloud NAT and reach internal
 * services). A workload that uses the database gets the Cloud SQL Auth Proxy as a sidecar with
 * IAM authentication, so the app connects to 127.0.0.1:5432 with its account name and no password.
 *
 * Who may call a service (the auth design):
 * - `ingress: "internal"` -> INGRESS_TRAFFIC_INTERNAL_ONLY: only the VPC reaches it. With
 *   `auth: "none"` and no `callersOnly`, the invoker IAM check is disabled (the network is the
 *   boundary). With `callersOnly` (MLflow) the IAM check stays on and only the accounts given to
 *   `allowCaller` may invoke: every workload egresses into the VPC, so the network alone would let
 *   the receiver (public uploads) or the transform job (untrusted data) call MLflow, which has no
 *   auth of its own. Callers send a Google ID token for the service URL (metadata server).
 * - `ingress: "public"`, `auth: "jwt"` -> INGRESS_TRAFFIC_ALL, and Cloud Run IAM is the JWT check:
 *   Google's front end verifies the caller's Google-signed OIDC ID token (signature, audience,
 *   expiry) and its `roles/run.invoker` before the container sees the request. Invokers are the
 *   members given in `invokers` (a group, a frontend's service account); never `allUsers`. Admin
 *   paths (`routes.adminPaths`) are enforced by the app on the already verified identity: IAM is per
 *   service, not per path; the app receives them in AUTH_ADMIN_PATHS (modules/core/container-contract.ts).
 * - `ingress: "public"`, `auth: "none"` -> `allUsers` may invoke, with a policy suppression that
 *   names the spec, so the exception shows in the synth summary.
 * We deliberately do not put API Gateway in front: it exists only in the google-beta provider.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { PlatformWorkload } from "../core/contracts";
import { ContainerFacts, containerEnvironment } from "../core/container-contract";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { suppress } from "../policy/suppressions";
import type { ResolvedService, WorkloadKind } from "../core/workload-spec";
import { cloudRunSize } from "./private/cloud-run-sizing";

/** The Cloud SQL Auth Proxy image, pinned (Google publishes it; Cloud Run pulls it without VPC egress). */
export const CLOUD_SQL_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.15.2";

export interface CloudRunDatabase {
  readonly connectionName: string;
  readonly userName: string;
  readonly databaseName: string;
}

export interface CloudRunProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  readonly spec: ResolvedService;
  /** Full image reference (`<repo>:<tag>` or `<repo>@sha256:...`). */
  readonly image: string;
  /** E-mail of the workload's service account. */
  readonly serviceAccountEmail: string;
  readonly networkId: string;
  readonly subnetId: string;
  /** Secret Manager id per secret name the spec lists. */
  readonly secretIds: Readonly<Record<string, string>>;
  /** Secret version every reference pins. @default "latest" */
  readonly secretVersion?: string;
  /** What the container contract needs from Google Cloud (modules/core/container-contract.ts). */
  readonly facts: ContainerFacts;
  /** Connection for the Auth Proxy sidecar; required when the spec uses the database. @default - no sidecar */
  readonly database?: CloudRunDatabase;
  /** Members allowed to invoke a public `jwt` service. @default - none (only project owners until set) */
  readonly invokers?: readonly string[];
  /** An internal service only the accounts given to `allowCaller` may invoke (Cloud Run IAM on). @default false */
  readonly callersOnly?: boolean;
  /** Refuse `terraform destroy` of the service or job. @default true */
  readonly deletionProtection?: boolean;
  /** Requests one instance handles at once. @default 80 */
  readonly concurrency?: number;
  /** Request (service) or task (job) timeout in seconds. @default 300 services, 3600 jobs */
  readonly timeoutSeconds?: number;
}

/** A Cloud Run service or job for one ServiceSpec. */
export class CloudRun extends Construct implements PlatformWorkload {
  /** Catalog name (`model-api`). */
  readonly name: string;
  readonly kind: WorkloadKind;
  /** The Cloud Run resource name (bounded to 49 characters). */
  readonly runName: string;
  readonly service?: CloudRunV2Service;
  readonly job?: CloudRunV2Job;
  /** The run.app URL of a service whose spec says public. */
  readonly publicUrl?: string;
  private readonly projectId: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: CloudRunProps) {
    super(scope, id);
    const { spec } = props;
    const deletionProtection = props.deletionProtection ?? true;
    const concurrency = props.concurrency ?? 80;
    const secretVersion = props.secretVersion ?? "latest";
    const isJob = spec.kind === "job";
    const timeout = props.timeoutSeconds ?? (isJob ? 3600 : 300);
    if (spec.usesDatabase && !props.database) {
      throw new ValidationError(`${spec.name} uses the database, so database (connection name, user) is required`, this);
    }
    if (!isJob && (spec.port === undefined || !spec.healthPath)) {
      throw new ValidationError(`service ${spec.name} needs a port and a healthPath; got port ${spec.port}, healthPath ${JSON.stringify(spec.healthPath)}`, this);
    }
    for (const s of spec.secrets) {
      if (!props.secretIds[s]) throw new ValidationError(`secret ${JSON.stringify(s)} of ${spec.name} has no Secret Manager id`, this);
    }
    if (props.callersOnly && (spec.ingress !== "internal" || spec.kind !== "service")) {
      throw new ValidationError(`callersOnly applies to internal services; ${spec.name} is ${spec.ingress} ${spec.kind}`, this);
    }
    if (spec.ingress === "internal" && props.invokers && props.invokers.length > 0 && spec.auth === "none") {
      throw new ValidationError(`invokers have no effect on ${spec.name}: internal services with auth "none" skip the IAM check`, this);
    }
    this.name = spec.name;
    this.kind = spec.kind;
    this.projectId = props.projectId;
    this.region = props.region;
    this.runName = cloudRunName(props.naming, spec.name);
    const size = cloudRunSize(spec.cpuMillicores, spec.memoryMiB);

    // The proxy logs in with the service account's IAM token: DB_AUTH=iam, no password secret.
    const contract = containerEnvironment(spec, props.facts);
    const env: { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string; version: string } } }[] = [
      ...contract.env.map((e) => ({ name: e.name, value: e.value })),
      ...contract.secrets.map((s) => ({ name: s.name, valueSource: { secretKeyRef: { secret: props.secretIds[s.secret], version: secretVersion } } })),
    ];
    const vpcAccess = { networkInterfaces: [{ network: props.networkId, subnetwork: props.subnetId }], egress: "ALL_TRAFFIC" };
    const proxy = props.database
      ? {
          name: "cloud-sql-proxy",
          image: CLOUD_SQL_PROXY_IMAGE,
          args: ["--auto-iam-authn", "--private-ip", "--structured-logs", "--port=5432", "--health-check", "--http-address=0.0.0.0", "--http-port=9090", props.database.connectionName],
          // cpu_idle must match the app container's: the provider sends cpuIdle only when true
          // (expander in resource_cloud_run_v2_service.go, v6.50.0), and with `resources` set the default is always-on CPU.
          resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: true },
          startupProbe: { httpGet: { path: "/startup", port: 9090 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1 },
        }
      : undefined;
    const labels = { service: spec.name };

    if (isJob) {
      this.job = new CloudRunV2Job(this, "job", {
        name: this.runName,
        project: props.projectId,
        location: props.region,
        deletionProtection,
        labels,
        template: {
          taskCount: 1,
          parallelism: 1,
          labels,
          template: {
            serviceAccount: props.serviceAccountEmail,
            executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
            maxRetries: 1,
            timeout: `${timeout}s`,
            vpcAccess,
            containers: [{ name: "app", image: props.image, command: spec.command ? [...spec.command] : undefined, env, resources: { limits: { cpu: size.cpu, memory: size.memory } } }],
          },
        },
      });
      return;
    }

    const probe = { httpGet: { path: spec.healthPath, port: spec.port } };
    this.service = new CloudRunV2Service(this, "service", {
      name: this.runName,
      project: props.projectId,
      location: props.region,
      description: spec.description,
      ingress: spec.ingress === "public" ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
      invokerIamDisabled: spec.ingress === "internal" && spec.auth === "none" && !props.callersOnly,
      deletionProtection,
      labels,
      template: {
        serviceAccount: props.serviceAccountEmail,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        maxInstanceRequestConcurrency: concurrency,
        timeout: `${timeout}s`,
        labels,
        scaling: { minInstanceCount: spec.scaling.min, maxInstanceCount: spec.scaling.max },
        vpcAccess,
        containers: [
          {
            name: "app",
            image: props.image,
            command: spec.command ? [...spec.command] : undefined,
            ports: { containerPort: spec.port },
            env,
            resources: { limits: { cpu: size.cpu, memory: size.memory }, cpuIdle: true, startupCpuBoost: true },
            startupProbe: { ...probe, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
            livenessProbe: { ...probe, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
            dependsOn: proxy ? [proxy.name] : undefined,
          },
          ...(proxy ? [proxy] : []),
        ],
      },
    });

    if (spec.ingress === "public") {
      this.publicUrl = this.service.uri;
      const members = spec.auth === "none" ? ["allUsers"] : [...(props.invokers ?? [])];
      members.forEach((member, i) => {
        const grant = new CloudRunV2ServiceIamMember(this, member === "allUsers" ? "public-invoker" : `invoker-${i}`, {
          project: props.projectId,
          location: props.region,
          name: this.service!.name,
          role: "roles/run.invoker",
          member,
        });
        if (member === "allUsers") {
          suppress(grant, "MLOPS-GCP-RUN-PUBLIC-INVOKER", `${spec.name} is public with auth "none" in the service catalog: anonymous calls are intended`);
        }
      });
    }
  }

  /**
   * Lets one platform workload's account invoke this service (`roles/run.invoker`), after the
   * account exists. `id` names the caller (its catalog name).
   */
  allowCaller(id: string, member: string, after: ITerraformDependable): void {
    if (!this.service) throw new ValidationError(`${this.name} is a job: callers invoke services`, this);
    new CloudRunV2ServiceIamMember(this, `caller-${id}`, {
      project: this.projectId,
      location: this.region,
      name: this.service.name,
      role: "roles/run.invoker",
      member,
      dependsOn: [after],
    });
  }

  /**
   * Lets one platform workload's account run this job (the model API's retrain,
   * images/model-api/model_api/jobs/gcp_cloud_run.py): `roles/run.invoker` on this job alone, the smallest predefined
   * role with `run.jobs.run` (Google's "Execute jobs" page; Jobs Executor adds cancel). The starter sends no
   * `overrides`, which would need `run.jobs.runWithOverrides` (not in run.invoker). A
   * google_cloud_run_v2_job_iam_member (google v6.50.0 google/services/cloudrunv2/iam_cloud_run_v2_job.go:
   * project, location, name; role and member), created after the account exists.
   */
  allowStarting(id: string, member: string, after: ITerraformDependable): CloudRunV2JobIamMember {
    if (!this.job) throw new ValidationError(`${this.name} is a service: only jobs are started`, this);
    return new CloudRunV2JobIamMember(this, `starter-${id}`, {
      project: this.projectId,
      location: this.region,
      name: this.job.name,
      role: "roles/run.invoker",
      member,
      dependsOn: [after],
    });
  }
}

/** The Cloud Run resource name of a catalog workload: known at synth, so URLs and job ids are too. */
export function cloudRunName(naming: Naming, service: string): string {
  return naming.bounded(49, service);
}

/** Cloud Run's deterministic service URL (`https://<name>-<project number>.<region>.run.app`). */
export function cloudRunUrl(naming: Naming, service: string, projectNumber: string, region: string): string {
  return `https://${cloudRunName(naming, service)}-${projectNumber}.${region}.run.app`;
}
