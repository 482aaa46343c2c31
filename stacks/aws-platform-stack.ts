/**
 * The MLOps platform on AWS for one environment. Reads top to bottom in the order every cloud's
 * stack follows: backend, provider, network, (identity,) registry, storage, secrets, database,
 * runtime, ingress, trigger, monitoring, outputs.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BUCKET_PURPOSES, BucketPurpose } from "../services/service-spec";
import { ConsoleLink } from "../modules/core/contracts";
import { Naming } from "../modules/core/naming";
import { platformTags } from "../modules/core/tags";
import { ApiGateway } from "../modules/aws/api-gateway";
import { CiIdentity } from "../modules/aws/ci-identity";
import { ContainerCluster } from "../modules/aws/container-cluster";
import { ContainerService } from "../modules/aws/container-service";
import { DataTrigger } from "../modules/aws/data-trigger";
import { Database } from "../modules/aws/database";
import { EncryptionKey } from "../modules/aws/encryption-key";
import { LoadBalancer } from "../modules/aws/load-balancer";
import { Monitoring } from "../modules/aws/monitoring";
import { Network } from "../modules/aws/network";
import { ObjectStorage } from "../modules/aws/object-storage";
import { Registry } from "../modules/aws/registry";
import { Secrets } from "../modules/aws/secrets";
import { UserPool } from "../modules/aws/user-pool";
import { suppress } from "../modules/policy/suppressions";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-aws` stack. */
export class AwsPlatformStack extends TerraformStack {
  readonly network: Network;
  readonly registry: Registry;
  readonly storage: ObjectStorage;
  readonly database?: Database;
  readonly services: Record<string, ContainerService> = {};
  readonly api?: ApiGateway;
  readonly ci: CiIdentity;
  readonly monitoring: Monitoring;
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const aws = env.clouds.aws;
    if (!aws) throw new Error(`${id}: environment ${env.name} has no aws section`);
    const naming = new Naming(env.namePrefix, env.name);
    const region = aws.region;
    const prod = env.database.highAvailability;
    const retention = env.logRetentionDays;

    // backend, provider
    configureBackend(this, aws.backend, id);
    new AwsProvider(this, "aws", { region, allowedAccountIds: [aws.accountId], defaultTags: [{ tags: platformTags(env, "aws") }] });
    const kmsKeyArn = env.storage.encryption === "kms" ? new EncryptionKey(this, "key", { naming, accountId: aws.accountId, region }).keyArn : undefined;

    // network
    this.network = new Network(this, "network", {
      naming,
      region,
      accountId: aws.accountId,
      cidr: aws.network.cidr,
      zones: aws.network.zones,
      natMode: aws.network.natMode,
      enableFlowLogs: aws.network.flowLogs,
      flowLogRetentionDays: retention,
      flowLogKmsKeyArn: kmsKeyArn,
    });
    if (!aws.network.flowLogs) {
      suppress(this.network.vpc, "MLOPS-AWS-VPC-FLOW-LOGS", `flow logs turned off in the ${env.name} environment config (clouds.aws.network.flowLogs)`);
    }
    const subnets = this.network.privateSubnetIds;
    const vpc = { vpcId: this.network.networkId, vpcCidr: this.network.cidr };

    // identity for CI, then the registry it publishes to
    this.ci = new CiIdentity(this, "ci", {
      naming,
      accountId: aws.accountId,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      existingOidcProviderArn: aws.githubOidcProviderArn,
      dataKeyArn: kmsKeyArn,
      region,
    });
    this.registry = new Registry(this, "registry", {
      naming,
      repositories: services.map((s) => s.name),
      keepImages: env.registry.keepImages,
      kmsKeyArn,
      forceDelete: env.storage.forceDestroy,
    });
    this.ci.allowPublish(services.map((s) => this.registry.repositoryArn(s.name)));

    // storage
    const triggered = [...new Set(services.flatMap((s) => (s.trigger ? [s.trigger.bucket] : [])))];
    this.storage = new ObjectStorage(this, "storage", {
      naming,
      accountId: aws.accountId,
      encryption: env.storage.encryption,
      kmsKeyArn,
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      enableAccessLogging: env.storage.accessLogging,
      forceDestroy: env.storage.forceDestroy,
      eventBridgeBuckets: triggered,
    });
    const buckets = Object.fromEntries(
      BUCKET_PURPOSES.map((p) => [p, { name: this.storage.bucketName(p), arn: this.storage.bucketArn(p) }]),
    ) as Record<BucketPurpose, { name: string; arn: string }>;

    // secrets
    const secrets = new Secrets(this, "secrets", {
      naming,
      names: services.flatMap((s) => s.secrets),
      kmsKeyArn,
      recoveryWindowDays: env.storage.forceDestroy ? 0 : 30,
    });

    // database
    if (services.some((s) => s.usesDatabase)) {
      this.database = new Database(this, "database", {
        naming,
        ...vpc,
        subnetIds: subnets,
        tier: env.database.tier,
        instanceClass: aws.databaseInstanceClass,
        storageGiB: env.database.storageGiB,
        highAvailability: env.database.highAvailability,
        deletionProtection: env.database.deletionProtection,
        backupRetentionDays: env.database.backupRetentionDays,
        kmsKeyArn,
        logRetentionDays: retention,
        skipFinalSnapshot: env.storage.forceDestroy,
      });
    }

    // runtime
    const useSpot = !prod && env.storage.forceDestroy; // throwaway environments run on Spot
    const scopePrefix = env.namePrefix;
    const cluster = new ContainerCluster(this, "cluster", { naming, preferSpot: useSpot });
    const nlb = new LoadBalancer(this, "nlb", { naming, ...vpc, subnetIds: subnets, deletionProtection: env.database.deletionProtection });
    for (const spec of services) {
      const target = spec.kind === "service" ? nlb.addTarget(spec.name, spec.port!, spec.healthPath!) : undefined;
      const svc = new ContainerService(this, spec.name, {
        naming,
        region,
        service: spec,
        clusterArn: cluster.cluster.arn,
        clusterName: cluster.cluster.name,
        ...vpc,
        subnetIds: subnets,
        repositoryUrl: this.registry.repositoryUrl(spec.name),
        repositoryArn: this.registry.repositoryArn(spec.name),
        buckets,
        secretArns: Object.fromEntries(spec.secrets.map((s) => [s, secrets.arnOf(s)])),
        target,
        loadBalancerSecurityGroupId: nlb.securityGroup.id,
        database:
          spec.usesDatabase && this.database
            ? { host: this.database.endpoint, port: this.database.port, name: this.database.databaseName, user: "mlflow", passwordSecretArn: this.database.masterSecretArn }
            : undefined,
        kmsKeyArn,
        logRetentionDays: retention,
        useSpot,
        adminScope: `${scopePrefix}/admin`,
      });
      if (spec.usesDatabase) this.database?.allowFrom(spec.name, svc.securityGroup.id);
      this.services[spec.name] = svc;
    }
    this.registry.setAccess(
      [this.ci.publisherRole.arn],
      Object.fromEntries(services.map((s) => [s.name, [this.services[s.name].executionRole.arn, this.ci.developerRole.arn]])),
    );

    // ingress: public services behind API Gateway, signed in through Cognito
    const publicServices = services.filter((s) => s.kind === "service" && s.ingress === "public");
    const publicUrls: Record<string, string> = {};
    if (publicServices.length > 0) {
      const users = new UserPool(this, "users", {
        naming,
        region,
        scopePrefix,
        requireMfa: prod,
        deletionProtection: env.database.deletionProtection,
        logRetentionDays: retention,
        kmsKeyArn,
      });
      this.api = new ApiGateway(this, "api", {
        naming,
        ...vpc,
        subnetIds: subnets,
        jwt: { issuer: users.issuer, audience: users.client.id, userScope: users.userScope, adminScope: users.adminScope },
        logRetentionDays: retention,
        kmsKeyArn,
      });
      for (const s of publicServices) publicUrls[s.name] = this.api.addService(s, nlb.targets[s.name]);
      new TerraformOutput(this, "user_pool_id", { value: users.pool.id, description: "Cognito user pool (add users, the admins group)" });
      new TerraformOutput(this, "user_pool_client_id", { value: users.client.id, description: "App client id for sign-in" });
    }

    // trigger: data arrival runs the job
    for (const job of services.filter((s) => s.kind === "job" && s.trigger)) {
      const svc = this.services[job.name];
      new DataTrigger(this, `${job.name}-trigger`, {
        naming,
        accountId: aws.accountId,
        jobName: job.name,
        bucketName: this.storage.bucketName(job.trigger!.bucket),
        keyPrefix: job.trigger!.prefix,
        clusterArn: cluster.cluster.arn,
        taskDefinitionArn: svc.taskDefinition.arn,
        passRoleArns: [svc.executionRole.arn, svc.taskRole.arn],
        subnetIds: subnets,
        securityGroupIds: [svc.securityGroup.id],
      });
    }

    // monitoring
    this.monitoring = new Monitoring(this, "monitoring", { naming, region, alertEmail: env.alertEmail, kmsKeyArn });
    for (const spec of services) {
      const svc = this.services[spec.name];
      if (!svc.ecsService) continue;
      const target = nlb.targets[spec.name];
      this.monitoring.addService({
        name: spec.name,
        clusterName: cluster.cluster.name,
        serviceName: svc.ecsService.name,
        logGroupName: svc.logGroupName,
        targetGroupArnSuffix: target?.targetGroup.arnSuffix,
        loadBalancerArnSuffix: nlb.nlb.arnSuffix,
        api: this.api && publicUrls[spec.name] ? { apiId: this.api.api.id, prefix: spec.routes!.prefix } : undefined,
      });
    }
    this.monitoring.finish([
      { label: "VPC", url: `https://${region}.console.aws.amazon.com/vpcconsole/home?region=${region}#VpcDetails:VpcId=${this.network.networkId}` },
      { label: "ECS cluster", url: `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster.cluster.name}/services?region=${region}` },
    ]);
    this.links.push(...this.monitoring.links);

    // outputs
    new TerraformOutput(this, "vpc_id", { value: this.network.networkId, description: "VPC of the platform" });
    if (this.api) new TerraformOutput(this, "api_endpoint", { value: this.api.endpoint, description: "Public API (sign in through Cognito)" });
    for (const [name, url] of Object.entries(publicUrls)) new TerraformOutput(this, `url_${name.replace(/-/g, "_")}`, { value: url, description: `${name} endpoint` });
    for (const p of BUCKET_PURPOSES) new TerraformOutput(this, `bucket_${p.replace(/-/g, "_")}`, { value: this.storage.bucketName(p), description: `${p} bucket (DVC remote)` });
    for (const [name, repo] of Object.entries(this.registry.repositories)) {
      new TerraformOutput(this, `registry_${name.replace(/-/g, "_")}`, { value: repo.repositoryUrl, description: `${name} image repository` });
    }
    for (const [name, role] of Object.entries({ publisher: this.ci.publisherRole, builder: this.ci.builderRole, developer: this.ci.developerRole })) {
      new TerraformOutput(this, `ci_role_${name}`, { value: role.arn, description: `GitHub OIDC role: ${name}` });
    }
    for (const l of this.links) {
      new TerraformOutput(this, `console_${l.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`, { value: l.url, description: `${l.label} in the AWS console` });
    }
  }
}
