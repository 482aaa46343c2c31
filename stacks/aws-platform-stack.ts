/**
 * The MLOps platform on AWS for one environment. Reads top to bottom in the order every cloud's
 * stack follows (ARCHITECTURE.md): backend, provider, network, identity, registry, storage,
 * secrets, database, runtime, ingress, trigger, monitoring, outputs. The environment's intent is
 * resolved once (modules/core/intent.ts); modules read those decisions.
 */
import { Construct } from "constructs";
import { Annotations, Fn, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PlatformCiIdentity, PlatformDatabase, PlatformIngress, PlatformMonitoring, PlatformNetwork, PlatformObjectStorage, PlatformRegistry, PlatformSecrets, PlatformDataTrigger, ConsoleLink } from "../modules/core/contracts";
import { ContainerFacts } from "../modules/core/container-contract";
import { trainJobFacts } from "../modules/aws/task-definition";
import { resolveDatabase, resolveIntent } from "../modules/core/intent";
import { movedFrom } from "../modules/core/moved-from";
import { Naming } from "../modules/core/naming";
import { platformOutputs } from "../modules/core/outputs";
import { airflowExtraOutputs } from "../modules/core/airflow";
import { Mwaa } from "../modules/aws/mwaa";
import { SelfHostedAirflow } from "../modules/aws/self-hosted-airflow";
import { platformTags } from "../modules/core/tags";
import { BUCKET_PURPOSES, BucketPurpose } from "../modules/core/workload-spec";
import { ApiGateway } from "../modules/aws/api-gateway";
import { CiIdentity, PlanState } from "../modules/aws/ci-identity";
import { ContainerCluster } from "../modules/aws/container-cluster";
import { DataTrigger } from "../modules/aws/data-trigger";
import { Database } from "../modules/aws/database";
import { DatabaseMigrationJob } from "../modules/aws/database-migration-job";
import { MIGRATION_OUTPUTS } from "../modules/core/database-migration";
import { EcsFargate } from "../modules/aws/ecs-fargate";
import { EncryptionKey } from "../modules/aws/encryption-key";
import { LoadBalancer } from "../modules/aws/load-balancer";
import { logGroupConsoleUrl, Monitoring } from "../modules/aws/monitoring";
import { Network } from "../modules/aws/network";
import { ObjectStorage } from "../modules/aws/object-storage";
import { Registry } from "../modules/aws/registry";
import { Secrets } from "../modules/aws/secrets";
import { UserPool } from "../modules/aws/user-pool";
import { applyTags } from "../modules/aws/tags";
import { suppress } from "../modules/policy/suppressions";
import { configureBackend } from "./backend";
import { stateLocation } from "./state-location";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-aws` stack. */
export class AwsPlatformStack extends TerraformStack {
  readonly network: PlatformNetwork;
  readonly ci: PlatformCiIdentity;
  readonly registry: PlatformRegistry;
  readonly storage: PlatformObjectStorage;
  readonly secrets: PlatformSecrets;
  readonly database?: PlatformDatabase;
  readonly workloads: EcsFargate[] = [];
  readonly ingress?: PlatformIngress;
  readonly triggers: PlatformDataTrigger[] = [];
  readonly monitoring: PlatformMonitoring;
  readonly links: readonly ConsoleLink[];
  /** MWAA, or the self-hosted one on ECS (`airflow.mode`), when the environment turns Airflow on and the catalog has a transform job. */
  readonly airflow?: Mwaa | SelfHostedAirflow;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const aws = env.clouds.aws;
    if (!aws) throw new Error(`${id}: environment ${env.name} has no aws section`);
    const naming = new Naming(env.namePrefix, env.name);
    const region = aws.region;
    const decide = resolveIntent(env);
    const retention = env.logRetentionDays;

    // backend
    configureBackend(this, aws.backend, id);

    // provider (and the environment's key: every later step encrypts with it)
    applyTags(new AwsProvider(this, "aws", { region, allowedAccountIds: [aws.accountId] }), platformTags(env, "aws"));
    // Construct ids: `<concept>` or `<concept>-<catalog name>` (CHANGELOG); movedFrom keeps the former addresses' state.
    const customerManagedKey = env.storage.encryption === "kms" ? movedFrom(new EncryptionKey(this, "encryption-key", { naming, accountId: aws.accountId, region }), "key").keyArn : undefined;

    // network
    const network = new Network(this, "network", {
      naming,
      region,
      accountId: aws.accountId,
      cidr: aws.network.cidr,
      zones: aws.network.zones,
      natMode: aws.network.natMode,
      enableFlowLogs: aws.network.flowLogs,
      flowLogRetentionDays: retention,
      flowLogKmsKeyArn: customerManagedKey,
    });
    if (!aws.network.flowLogs) {
      suppress(network.vpc, "MLOPS-AWS-VPC-FLOW-LOGS", `flow logs turned off in the ${env.name} environment config (clouds.aws.network.flowLogs)`);
    }
    this.network = network;
    const subnets = network.privateSubnetIds;
    const vpc = { vpcId: network.networkId, vpcCidr: network.cidr };

    // identity: CI's roles trusted through GitHub OIDC, and the user pool public services sign in with
    const ci = new CiIdentity(this, "ci", {
      naming,
      accountId: aws.accountId,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      existingOidcProviderArn: aws.githubOidcProviderArn,
      planState: planState(stateLocation(aws.backend, id)),
    });
    this.ci = ci;
    const publicServices = services.filter((s) => s.kind === "service" && s.ingress === "public");
    const users =
      publicServices.length > 0
        ? new UserPool(this, "users", {
            naming,
            region,
            scopePrefix: env.namePrefix,
            requireMfa: decide.requireMfa,
            deletionProtection: decide.deletionProtection,
            logRetentionDays: retention,
            customerManagedKey,
          })
        : undefined;

    // registry
    const registry = new Registry(this, "registry", {
      naming,
      repositories: services.map((s) => s.name),
      keepImages: env.registry.keepImages,
      customerManagedKey,
      forceDestroy: decide.forceDestroy,
    });
    ci.allowPublish(services.map((s) => registry.repositoryArn(s.name)));
    this.registry = registry;

    // storage
    const storage = new ObjectStorage(this, "storage", {
      naming,
      accountId: aws.accountId,
      encryption: env.storage.encryption,
      customerManagedKey,
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      accessLogging: env.storage.accessLogging,
      forceDestroy: decide.forceDestroy,
      eventBridgeBuckets: [...new Set(services.flatMap((s) => (s.trigger ? [s.trigger.bucket] : [])))],
    });
    this.storage = storage;

    // secrets
    const secrets = new Secrets(this, "secrets", {
      naming,
      names: services.flatMap((s) => s.secrets),
      customerManagedKey,
      recoveryWindowDays: decide.secretRecoveryDays,
    });
    this.secrets = secrets;

    // database (only when a workload needs it)
    const db = resolveDatabase(env, env.database.backupRetentionDays, "aws");
    const database = services.some((s) => s.usesDatabase)
      ? new Database(this, "database", {
          naming,
          ...vpc,
          subnetIds: subnets,
          tier: env.database.tier,
          instanceClass: aws.databaseInstanceClass,
          storageGiB: env.database.storageGiB,
          highAvailability: db.multiZone,
          deletionProtection: db.deletionProtection,
          backupRetentionDays: db.backupRetentionDays,
          customerManagedKey,
          logRetentionDays: retention,
          finalSnapshot: db.finalSnapshot,
          secretRecoveryDays: decide.secretRecoveryDays,
        })
      : undefined;
    this.database = database;

    // runtime: every workload on Fargate, services behind one internal NLB
    const cluster = new ContainerCluster(this, "cluster", { naming, spotCapacity: decide.spotCapacity });
    // day 0's migration runs inside the VPC, as a one-off task the day-0 step starts
    const migration = database
      ? new DatabaseMigrationJob(this, "db-migrate", { naming, region, accountId: aws.accountId, ...vpc, subnetIds: subnets, database, customerManagedKey, logRetentionDays: retention, after: [network] })
      : undefined;
    const nlb = new LoadBalancer(this, "nlb", { naming, ...vpc, subnetIds: subnets, deletionProtection: decide.deletionProtection });
    const mlflow = services.find((s) => s.name === "mlflow" && s.kind === "service");
    const bucketArns = Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, storage.bucketArn(p)])) as Record<BucketPurpose, string>;
    const byName = new Map<string, EcsFargate>();
    for (const spec of services) {
      const target = spec.kind === "service" ? nlb.addTarget(spec.name, spec.port!, spec.healthPath!) : undefined;
      const facts: ContainerFacts = {
        cloud: "aws",
        environment: env.name,
        bucketName: (p) => storage.bucketName(p),
        cloudEnv: { AWS_REGION: region },
        auth: users
          ? {
              issuer: users.issuer,
              audience: users.client.id,
              jwksUri: `${users.issuer}/.well-known/jwks.json`,
              adminClaim: "scope",
              adminValues: [users.adminScope],
            }
          : undefined,
        database: database ? { host: database.endpoint, port: database.port, name: database.databaseName, user: database.appUser, sslMode: "require", auth: "password" } : undefined,
        mlflowTrackingUri: mlflow ? `http://${nlb.nlb.dnsName}:${mlflow.port}` : undefined,
        mlflowAllowedHosts: mlflow ? [nlb.nlb.dnsName, `${nlb.nlb.dnsName}:${mlflow.port}`] : undefined,
        trainJob: trainJobFacts(byName.get("train"), naming.name("train"), cluster.cluster.name, subnets),
      };
      const workload = movedFrom(new EcsFargate(this, `fargate-${spec.name}`, {
        naming,
        region,
        service: spec,
        clusterArn: cluster.cluster.arn,
        clusterName: cluster.cluster.name,
        ...vpc,
        subnetIds: subnets,
        repositoryUrl: registry.repositoryUrl(spec.name),
        repositoryArn: registry.repositoryArn(spec.name),
        bucketArns,
        secretArns: Object.fromEntries(spec.secrets.map((s) => [s, secrets.arnOf(s)])),
        // MLflow's own login secret, never the master's (issue 16 item 5).
        databaseSecretArn: spec.usesDatabase ? database?.appLoginSecret.arn : undefined,
        facts,
        target,
        loadBalancerSecurityGroupId: nlb.securityGroup.id,
        customerManagedKey,
        logRetentionDays: retention,
        spotCapacity: decide.spotCapacity,
        serviceDependsOn: [cluster.capacityProviders],
      }), spec.name);
      if (spec.usesDatabase && database) workload.waitFor(database.allowFrom(spec.name, workload.securityGroup.id));
      this.workloads.push(workload);
      byName.set(spec.name, workload);
    }
    // The model API's retrain starts the train job (TRAIN_JOB and its placement are in its environment).
    const train = byName.get("train");
    if (train) byName.get("model-api")?.allowStarting(train, cluster.cluster.arn);
    registry.allowAccess(
      [ci.publisherRole.arn],
      Object.fromEntries(services.map((s) => [s.name, [byName.get(s.name)!.executionRole.arn]])),
    );

    // ingress: public services behind API Gateway, signed in through Cognito
    const api = users
      ? new ApiGateway(this, "api", {
          naming,
          ...vpc,
          subnetIds: subnets,
          jwt: { issuer: users.issuer, audience: users.client.id, userScope: users.userScope, adminScope: users.adminScope },
          logRetentionDays: retention,
          customerManagedKey,
        })
      : undefined;
    for (const s of publicServices) byName.get(s.name)!.publicUrl = api!.addService(s, nlb.targets[s.name]);
    this.ingress = api;
    admitCallers(nlb, this.workloads, api?.securityGroup.id, database);

    // trigger: data arrival runs the job
    for (const job of services.filter((s) => s.kind === "job" && s.trigger)) {
      const workload = byName.get(job.name)!;
      this.triggers.push(
        movedFrom(new DataTrigger(this, `trigger-${job.name}`, {
          naming,
          accountId: aws.accountId,
          jobName: job.name,
          storage,
          bucket: job.trigger!.bucket,
          prefix: job.trigger!.prefix,
          clusterArn: cluster.cluster.arn,
          taskDefinitionArn: workload.taskDefinition.arn,
          passRoleArns: [workload.executionRole.arn, workload.taskRole.arn],
          subnetIds: subnets,
          securityGroupIds: [workload.securityGroup.id],
        }), `${job.name}-trigger`),
      );
    }

    // monitoring
    const monitoring = new Monitoring(this, "monitoring", {
      naming,
      region,
      alertEmail: env.alertEmail,
      customerManagedKey,
      workloads: this.workloads.flatMap((w) => {
        const spec = services.find((s) => s.name === w.name)!;
        if (!w.ecsService) return [];
        return [
          {
            name: w.name,
            clusterName: cluster.cluster.name,
            serviceName: w.ecsService.name,
            logGroupName: w.logGroupName,
            targetGroupArnSuffix: nlb.targets[w.name]?.targetGroup.arnSuffix,
            loadBalancerArnSuffix: nlb.nlb.arnSuffix,
            api: api && w.publicUrl ? { apiId: api.api.id, prefix: spec.routes!.prefix } : undefined,
          },
        ];
      }),
    });
    this.monitoring = monitoring;

    // airflow: MWAA or the self-hosted one starts the transform (and, once the catalog has it, train) job; the deploy identity mirrors DAGs
    this.airflow = env.airflow?.enabled
      ? airflow(this, { naming, region, accountId: aws.accountId, network, cluster, byName, storage, database, alertTopicArn: monitoring.topic.arn, customerManagedKey, forceDestroy: decide.forceDestroy, spotCapacity: decide.spotCapacity, secretRecoveryDays: decide.secretRecoveryDays, logRetentionDays: retention, config: env.airflow })
      : undefined;
    // It sat at the stack's root before issue 14's rename: the moved block keeps Terraform from deleting and re-putting it.
    this.airflow?.allowDagWriter("ci-dag-writer", ci.builderRole.id).moveFromId("aws_iam_role_policy.ci-dag-writer");

    // outputs
    const awsConsole = `https://${region}.console.aws.amazon.com`;
    this.links = platformOutputs(this, {
      console: "AWS console",
      network,
      registry,
      services: services.map((s) => s.name),
      storage,
      workloads: this.workloads,
      ci,
      database,
      monitoring: this.monitoring,
      consoleLinks: {
        dashboard: monitoring.dashboardUrl,
        alerting: monitoring.alertingUrl,
        network: `${awsConsole}/vpcconsole/home?region=${region}#VpcDetails:VpcId=${network.networkId}`,
        runtime: `${awsConsole}/ecs/v2/clusters/${cluster.cluster.name}/services?region=${region}`,
        registry: `${awsConsole}/ecr/private-registry/repositories?region=${region}`,
        storage: `https://s3.console.aws.amazon.com/s3/buckets?region=${region}`,
        database: database ? `${awsConsole}/rds/home?region=${region}#database:id=${database.instance.identifier};is-cluster=false` : undefined,
        logs: Object.fromEntries(this.workloads.map((w) => [w.name, logGroupConsoleUrl(region, w.logGroupName)])),
      },
      extra: [
        ...airflowExtraOutputs(this.airflow),
        ...(migration
          ? [
              { key: MIGRATION_OUTPUTS.job, value: migration.taskDefinition.family, description: "Day-0 database migration task definition (family)" },
              { key: MIGRATION_OUTPUTS.cluster, value: cluster.cluster.name, description: "ECS cluster the migration task runs in" },
              { key: MIGRATION_OUTPUTS.subnets, value: Fn.join(",", [...migration.subnetIds]), description: "Private subnets of the migration task" },
              { key: MIGRATION_OUTPUTS.securityGroup, value: migration.securityGroup.id, description: "Security group of the migration task" },
            ]
          : []),
        ...(api ? [{ key: "url_api", value: api.endpoint, description: "Public API (sign in through Cognito)" }] : []),
        ...(users
          ? [
              { key: "user_pool_id", value: users.pool.id, description: "Cognito user pool (add users, the admins group)" },
              { key: "user_pool_client_id", value: users.client.id, description: "App client id for sign-in" },
            ]
          : []),
      ],
    });
  }
}

/**
 * Who may reach whom inside the VPC (issue 16 item 4): public services only from the API Gateway
 * VPC link, MLflow only from the workloads the container contract points at it, the database only
 * from its users. Every task's egress names those targets; nothing else in the VPC is reachable.
 */
function admitCallers(nlb: LoadBalancer, workloads: readonly EcsFargate[], vpcLinkGroupId: string | undefined, database: Database | undefined): void {
  for (const w of workloads) {
    if (w.kind !== "service" || !nlb.targets[w.name]) continue;
    const callers: Record<string, string> =
      w.name === "mlflow"
        ? Object.fromEntries(workloads.filter((c) => c.mlflowClient).map((c) => [c.name, c.securityGroup.id]))
        : w.publicUrl && vpcLinkGroupId
          ? { "api-vpc-link": vpcLinkGroupId }
          : {};
    nlb.admit(w.name, w.securityGroup.id, callers);
  }
  const mlflow = nlb.targets.mlflow;
  for (const c of workloads) {
    if (c.mlflowClient && mlflow) c.allowEgress("mlflow", nlb.securityGroup.id, mlflow.port);
    if (database && c.usesDatabase) c.allowEgress("database", database.securityGroup.id, database.port);
  }
}

/** The S3 state object a pull-request plan of this stack reads (none for local state). */
function planState(location: ReturnType<typeof stateLocation>): PlanState | undefined {
  if (location.type !== "s3") return undefined;
  return { bucket: location.storage.bucket, key: location.key, region: location.storage.region, kmsKeyId: location.storage.kmsKeyId };
}

/**
 * MWAA (`airflow.mode: "managed"`) or Airflow on ECS Fargate (`"self-hosted"`) on the platform's
 * network, starting the catalog's transform and train jobs; none without a transform job, and the
 * self-hosted one none without the environment's database (its metadata lives there).
 */
function airflow(
  scope: Construct,
  p: {
    naming: Naming;
    region: string;
    accountId: string;
    network: Network;
    cluster: ContainerCluster;
    byName: ReadonlyMap<string, EcsFargate>;
    storage: ObjectStorage;
    database?: Database;
    alertTopicArn: string;
    customerManagedKey?: string;
    forceDestroy: boolean;
    spotCapacity: boolean;
    secretRecoveryDays: number;
    logRetentionDays: number;
    config: NonNullable<PlatformStackProps["env"]["airflow"]>;
  },
): Mwaa | SelfHostedAirflow | undefined {
  const job = (w: EcsFargate) => ({ taskDefinitionFamily: w.taskDefinition.family, roleArns: [w.taskRole.arn, w.executionRole.arn], logGroupArn: w.logGroup.arn });
  const transform = p.byName.get("transform");
  if (!transform) {
    Annotations.of(scope).addWarning("airflow.enabled but the catalog has no transform job: no Airflow is built");
    return undefined;
  }
  const train = p.byName.get("train");
  const bucket = (purpose: "processed" | "viz") => ({ name: p.storage.bucketName(purpose), arn: p.storage.bucketArn(purpose) });
  const common = {
    naming: p.naming,
    region: p.region,
    accountId: p.accountId,
    vpcId: p.network.networkId,
    privateSubnetIds: p.network.privateSubnetIds,
    clusterArn: p.cluster.cluster.arn,
    clusterName: p.cluster.cluster.name,
    jobs: { transform: job(transform), ...(train ? { train: job(train) } : {}) },
    jobSubnetIds: p.network.privateSubnetIds,
    jobSecurityGroupIds: [transform, ...(train ? [train] : [])].map((w) => w.securityGroup.id),
    dataBuckets: { processed: bucket("processed"), viz: bucket("viz") },
    accessLogBucket: p.storage.logBucket?.bucket,
    accessLogDependsOn: p.storage.logBucketPolicy ? [p.storage.logBucketPolicy] : undefined,
    alertTopicArn: p.alertTopicArn,
    customerManagedKey: p.customerManagedKey,
    forceDestroy: p.forceDestroy,
    size: p.config.size,
    minWorkers: p.config.minWorkers,
    maxWorkers: p.config.maxWorkers,
    extraVariables: p.config.variables,
  };
  if (p.config.mode === "managed") return new Mwaa(scope, "airflow", common);
  const db = p.database;
  if (!db) {
    Annotations.of(scope).addWarning('airflow.mode "self-hosted" but no workload uses a database, so there is no RDS instance for Airflow\'s metadata: no Airflow is built');
    return undefined;
  }
  // The construct id stays "airflow": the DAG bucket keeps its address when an environment switches mode.
  const selfHosted = new SelfHostedAirflow(scope, "airflow", {
    ...common,
    database: { server: db.instance.identifier, host: db.endpoint, port: db.port, securityGroupId: db.securityGroup.id },
    spotCapacity: p.spotCapacity,
    secretRecoveryDays: p.secretRecoveryDays,
    logRetentionDays: p.logRetentionDays,
  });
  selfHosted.waitFor(db.allowFrom("airflow", selfHosted.securityGroup.id));
  return selfHosted;
}
