/**
 * The day-0 runbook of one (environment, cloud) as data: each step a title, an optional note, the
 * shell commands that do it and what it needs and makes, in an order where no step needs something a
 * later one creates. The first apply is split so that nothing runs before its image and secrets exist:
 * a targeted foundation apply (registries, CI identities, secret containers: read from the synthesized
 * stack, `scripts/day0-foundation.ts`), images and secret values, the database and MLflow's role, then
 * the full apply. Pure:
 * `scripts/day0.ts` prints the steps (`--dry-run`) or runs them, and the README's day-0 section is
 * this plan's rendering (a test compares the two).
 */
import type { AwsCloudConfig, AzureCloudConfig, CloudName, EnvironmentConfig, GcpCloudConfig } from "../environments/schema";
import type { ResolvedService } from "../services/service-spec";
import { stateLocation, stateStackName } from "../stacks/state-location";
import { MIGRATION_CONTAINER, MIGRATION_OUTPUTS, MIGRATION_SQL_VARIABLE } from "../modules/core/database-migration";
import { DEFAULT_PASSWORD_ENV, MLFLOW_SCHEMA } from "./database-migrate";
import { DatabaseLogin, databaseLogins, databaseTargets, foundationTargets, migrationAdminSecret, mlflowDatabase, MlflowDatabase, secretsWithoutValue, secretValueTargets, StackJson } from "./day0-foundation";

/**
 * What a step needs before it can run, or makes for the steps after it. A test checks every list: each
 * need is made by an earlier step, so no step depends on something a later step creates.
 */
export type Day0Capability =
  | "login"
  | "account"
  | "state-storage"
  | "registries"
  | "ci-identities"
  | "secret-containers"
  | "github"
  | "images"
  | "secret-values"
  | "database"
  | "database-role"
  | "platform"
  | "ci-deploy";

/** One step of the runbook. */
export interface Day0Step {
  readonly title: string;
  /** Why, or what to watch for; printed under the title. */
  readonly note?: string;
  /** Shell commands, run in order by bash from the project root; the first failure stops the run. */
  readonly commands: readonly string[];
  readonly needs: readonly Day0Capability[];
  readonly makes: readonly Day0Capability[];
}

export interface Day0Options {
  /** The environment's enabled services. */
  readonly services: readonly ResolvedService[];
  /** The synthesized platform stack (`cdktf.out/stacks/<env>-<cloud>/cdk.tf.json`): targets and names come from it. */
  readonly stack: StackJson;
  /** GitHub logins who must approve deploys of a pull-request environment. @default [] */
  readonly reviewers?: readonly string[];
  /** The environment's file, for messages. @default - `environments/<name>.ts` */
  readonly file?: string;
}

/** Where cdktf writes the synthesized stacks, relative to the project root. */
export const STACKS_DIR = "cdktf.out/stacks";
/** The Terraform override that runs a state-storage stack on local state for its first apply. */
export const BOOTSTRAP_OVERRIDE_FILE = "day0_override.tf.json";

/** Terraform JSON that replaces the stack's backend with a local file (override files replace a backend block whole). */
export function bootstrapOverride(statePath: string): object {
  return { terraform: { backend: { local: { path: statePath } } } };
}

/** Quotes a word for bash when it is not plainly safe. */
export function sh(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The runbook of `cloud` for `env`. Throws when the cloud is not configured or keeps local state
 * (CI never deploys such a stack, so there is nothing to hand over); the CLI turns that into exit 2.
 */
export function day0Steps(env: EnvironmentConfig, cloud: CloudName, opts: Day0Options): Day0Step[] {
  const cfg = env.clouds[cloud];
  const file = opts.file ?? `environments/${env.name}.ts`;
  if (!cfg) throw new Day0InputError(`${file}: clouds.${cloud}: expected a ${cloud} section, found none (this environment has ${Object.keys(env.clouds).join(", ")})`);
  if (cfg.backend.type === "local") {
    throw new Day0InputError(`${file}: clouds.${cloud}.backend: expected a remote backend (CI takes over from day 0 and never deploys local state), found { type: "local" }`);
  }
  const ctx = new Context(env, cloud, opts);
  return cloud === "aws" ? awsSteps(ctx, env.clouds.aws!) : cloud === "azure" ? azureSteps(ctx, env.clouds.azure!) : gcpSteps(ctx, env.clouds.gcp!);
}

/** Bad input the user can fix: printed as one line, exit 2. */
export class Day0InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Day0InputError";
  }
}

/** Renders the steps as the CLI prints them. */
export function renderSteps(env: EnvironmentConfig, cloud: CloudName, steps: readonly Day0Step[]): string {
  const lines = [`# day 0 of ${env.name} on ${cloud}: ${steps.length} steps, run from the project root`];
  steps.forEach((s, i) => {
    lines.push("", `# ${i + 1}. ${s.title}`);
    if (s.note) for (const n of s.note.split("\n")) lines.push(`#    ${n}`);
    lines.push(...s.commands);
  });
  return `${lines.join("\n")}\n`;
}

/** One command that applies only `targets` (and what they depend on), one target a line. */
function targetedApply(tf: string, targets: readonly string[]): string {
  return [`${tf} apply`, ...targets.map((t) => `-target=${t}`)].join(" \\\n  ");
}

class Context {
  readonly stack: string;
  readonly stateStack: string;
  readonly repo: string;
  readonly githubEnv: string;
  readonly envVar: string;

  constructor(
    readonly env: EnvironmentConfig,
    readonly cloud: CloudName,
    readonly opts: Day0Options,
  ) {
    this.stack = `${env.name}-${cloud}`;
    this.stateStack = stateStackName(env.name, cloud);
    this.repo = env.github.repository;
    this.githubEnv = env.github.environment ?? env.name;
    this.envVar = env.name.toUpperCase();
  }

  /** `terraform -chdir=cdktf.out/stacks/<stack>` */
  tf(stack: string): string {
    return `terraform -chdir=${STACKS_DIR}/${stack}`;
  }

  output(name: string): string {
    return `"$(${this.tf(this.stack)} output -raw ${name})"`;
  }

  loginStep(title: string, commands: readonly string[]): Day0Step {
    return { title, commands, needs: [], makes: ["login"] };
  }

  prepareStep(title: string, note: string, commands: readonly string[]): Day0Step {
    return { title, note, commands, needs: ["login"], makes: ["account"] };
  }

  /** The state-storage stack: applied on local state, then its state moved into what it created. */
  stateSteps(beforeMigration: readonly string[] = []): Day0Step {
    const dir = `${STACKS_DIR}/${this.stateStack}`;
    const localState = `terraform.${this.stateStack}.tfstate`;
    // The override's path is relative to the stack folder: the state file sits in the project root, out of cdktf.out.
    const override = JSON.stringify(bootstrapOverride(`../../../${localState}`));
    return {
      title: `Create the state storage (${this.stateStack}), then move its own state into it`,
      note:
        `The stack always names its remote backend; the override file runs the first apply on a local file,\n` +
        `then \`init -migrate-state\` copies that state into the storage just created. Later changes: npx cdktf deploy ${this.stateStack}`,
      commands: [
        `CDKTF_ENV=${this.env.name} npm run synth`,
        `printf '%s\\n' ${sh(override)} > ${dir}/${BOOTSTRAP_OVERRIDE_FILE}`,
        `${this.tf(this.stateStack)} init -input=false`,
        `${this.tf(this.stateStack)} apply`,
        ...beforeMigration,
        `rm ${dir}/${BOOTSTRAP_OVERRIDE_FILE}`,
        `${this.tf(this.stateStack)} init -input=false -migrate-state -force-copy`,
        `${this.tf(this.stateStack)} state list`,
        `rm -f ${localState} ${localState}.backup`,
      ],
      needs: ["login"],
      makes: ["state-storage"],
    };
  }

  /** Registries, CI identities with their trust and grants, secret containers and their keys; nothing that runs. */
  foundationStep(): Day0Step {
    const targets = foundationTargets(this.cloud, this.opts.stack);
    return {
      title: `Foundation apply of ${this.stack}: registries, CI identities, secret containers (${targets.length} target${targets.length === 1 ? "" : "s"})`,
      note:
        "Only what the next steps need; Terraform adds what these depend on. No workload is created yet:\n" +
        "it would start before its image and its secret values exist. The list is read from the synthesized stack.",
      commands: [`${this.tf(this.stack)} init -input=false`, targetedApply(this.tf(this.stack), targets)],
      needs: ["login", "account", "state-storage"],
      makes: ["registries", "ci-identities", "secret-containers"],
    };
  }

  /** GitHub environment (reviewers and main-only deploys outside direct-promotion environments) and variables. */
  handOverStep(variables: readonly { name: string; scope: "environment" | "repository"; output: string }[]): Day0Step {
    const envPath = `repos/${this.repo}/environments/${this.githubEnv}`;
    const protectedEnv = this.env.promotion.mode === "pull-request";
    const reviewers = this.opts.reviewers ?? [];
    const commands: string[] = [];
    if (protectedEnv) {
      const body = `{"reviewers":[${reviewers.map(() => `{"type":"User","id":%s}`).join(",")}],"deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}}`;
      const ids = reviewers.map((r) => ` "$(gh api users/${sh(r)} --jq .id)"`).join("");
      commands.push(`printf ${sh(body)}${ids} | gh api --method PUT ${envPath} --input -`);
      commands.push(`gh api --method POST ${envPath}/deployment-branch-policies -f name=main -f type=branch`);
    } else {
      commands.push(`gh api --method PUT ${envPath}`);
    }
    for (const v of variables) {
      const scope = v.scope === "environment" ? ` --env ${this.githubEnv}` : "";
      commands.push(`gh variable set ${v.name} --repo ${this.repo}${scope} --body ${this.output(v.output)}`);
    }
    return {
      title: `Hand over to GitHub (environment ${this.githubEnv}, variables from the foundation's outputs)`,
      note: protectedEnv
        ? `Deploys of ${this.githubEnv} wait for ${reviewers.length > 0 ? reviewers.join(", ") : "the reviewers you add in Settings > Environments (pass --reviewers)"} and run from main only.`
        : undefined,
      commands,
      needs: ["ci-identities", "registries"],
      makes: ["github"],
    };
  }

  latest(wf: string): string {
    return `"$(gh run list --repo ${this.repo} --workflow ${wf} --limit 1 --json databaseId --jq '.[0].databaseId')"`;
  }

  imagesStep(): Day0Step {
    // dev's run builds and pushes; a later environment gets the digests (and release tags) copied in.
    const first = this.env.promotion.from === undefined;
    const jobs = first ? `startswith("build ")` : `endswith(" to ${this.env.name}")`;
    return {
      title: first
        ? "Push the images (images.yml: build, push to dev with each images/<service>/RELEASE tag, copy to later environments)"
        : `Push the images (images.yml: copy the digests and images/<service>/RELEASE tags into ${this.env.name}'s registries)`,
      note:
        `Needs the publisher variables of the step before. Only the ${first ? "build" : `copy-to-${this.env.name}`} jobs must succeed: copies into environments\n` +
        "not set up yet fail until their day 0. Without GitHub: docker build --build-context common=images/common \\\n" +
        `  -t "$(${this.tf(this.stack)} output -raw registry_<service>):$(cat images/<service>/RELEASE)" images/<service>, then docker push it.`,
      commands: [
        `gh workflow run images.yml --repo ${this.repo} --ref main`,
        "sleep 10",
        `run=${this.latest("images.yml")}; gh run watch "$run" --repo ${this.repo} || true; ` +
          `test "$(gh run view "$run" --repo ${this.repo} --json jobs --jq '[.jobs[] | select(.name | ${jobs})] | length > 0 and all(.conclusion == "success")')" = true`,
      ],
      needs: ["registries", "github"],
      makes: ["images"],
    };
  }

  /** `command(name, db)`: `db` is given for the secret MLflow reads its database login from (its role's password). */
  secretsStep(command: (name: string, login?: MlflowDatabase) => string): Day0Step {
    const secrets = secretsWithoutValue(this.cloud, this.opts.stack);
    const db = mlflowDatabase(this.cloud, this.opts.stack);
    const login = secrets.find((s) => s.address === db?.loginSecret?.address);
    return {
      title: "Set the secret values (secrets the stack creates without a value)",
      note:
        secrets.length > 0
          ? "A random value is generated here and never printed; put your own where a service needs a given one." +
            (login && db
              ? `\n${login.name} is MLflow's database login, {"username":"${db.role}","password":"..."} with a fresh password;\nthe step that creates MLflow's database role reads it back from there, so ${db.role} gets the same one.`
              : "")
          : "Nothing to set: Terraform writes the value of every secret the services read.",
      commands: secrets.map((s) => command(s.name, s === login ? db : undefined)),
      needs: ["secret-containers"],
      makes: ["secret-values"],
    };
  }

  databaseStep(extraNote?: string): Day0Step | undefined {
    const servers = databaseTargets(this.cloud, this.opts.stack);
    if (servers.length === 0) return undefined;
    // The logins' passwords Terraform generates, with what writes their values: the next steps read them back.
    const passwords = databaseLogins(this.cloud, this.opts.stack).flatMap((l) =>
      l.passwordSecret?.address && !l.writtenByRunbook ? secretValueTargets(this.cloud, this.opts.stack, l.passwordSecret.address) : [],
    );
    const targets = [...new Set([...servers, ...passwords])].sort();
    return {
      title: `Database apply of ${this.stack}: MLflow's server, database and users, the migration job (${targets.length} target${targets.length === 1 ? "" : "s"})`,
      note:
        "The network comes with them. The migration job runs inside it: the next steps start it to make the database logins,\n" +
        "before MLflow first starts." +
        (passwords.length > 0 ? "\nWith the generated passwords of the database logins, which the next steps give their roles." : "") +
        (extraNote ? `\n${extraNote}` : ""),
      commands: [targetedApply(this.tf(this.stack), targets)],
      needs: ["login", "account", "state-storage"],
      makes: ["database"],
    };
  }

  /**
   * One step per database login (MLflow's, then each the stack declares: a self-hosted Airflow's), each a
   * least-privilege role made by scripts/database-migrate.ts, run by the migration job inside the cloud's network.
   */
  databaseRoleSteps(reach: string, commands: (login: DatabaseLogin) => readonly string[]): Day0Step[] | undefined {
    const db = mlflowDatabase(this.cloud, this.opts.stack);
    if (!db) return undefined;
    if (db.role === db.adminUser) {
      return [
        {
          title: `Create MLflow's database role (${db.role}) with scripts/database-migrate.ts, in the migration job`,
          note: `MLflow connects as the server's admin user (${db.adminUser}) in this stack: there is no role of its own to create yet.`,
          commands: [],
          needs: ["database"],
          makes: ["database-role"],
        },
      ];
    }
    return databaseLogins(this.cloud, this.opts.stack).map((login) => ({
      title: `Create ${login.owner}'s database role (${login.role}) with scripts/database-migrate.ts, in the migration job`,
      note:
        reach +
        (login.extensions.length > 0 ? `\nAlso creates the extension${login.extensions.length > 1 ? "s" : ""} ${login.extensions.join(", ")} in ${login.database}: the server's flags load ${login.extensions.length > 1 ? "them" : "it"}, the database needs CREATE EXTENSION.` : ""),
      commands: commands(login),
      needs: ["database"],
      makes: ["database-role"],
    }));
  }

  fullApplyStep(note?: string): Day0Step {
    return {
      title: `Full apply of ${this.stack} from this workstation: the workloads start on the pushed images`,
      note,
      commands: [`CDKTF_ENV=${this.env.name} npx cdktf deploy ${this.stack}`],
      needs: ["images", "secret-values", "database-role", "ci-identities", "registries"],
      makes: ["platform"],
    };
  }

  ciDeployStep(): Day0Step {
    return {
      title: `First CI deploy of ${this.stack} (deploy.yml, with the builder identity)`,
      commands: [
        `gh workflow run deploy.yml --repo ${this.repo} --ref main -f environment=${this.env.name} -f stacks=${this.stack}`,
        "sleep 10",
        `gh run watch ${this.latest("deploy.yml")} --repo ${this.repo} --exit-status`,
      ],
      needs: ["platform", "github"],
      makes: ["ci-deploy"],
    };
  }

  /** Everything from the foundation on, in order; a stack without a database skips its two steps. */
  afterState(p: {
    handOver: Parameters<Context["handOverStep"]>[0];
    secret: (name: string, login?: MlflowDatabase) => string;
    reach: string;
    migrate: (login: DatabaseLogin) => readonly string[];
    fullApplyNote?: string;
  }): Day0Step[] {
    const db = this.databaseStep(p.fullApplyNote);
    const roles = this.databaseRoleSteps(p.reach, p.migrate);
    return [
      this.foundationStep(),
      this.handOverStep(p.handOver),
      this.imagesStep(),
      this.secretsStep(p.secret),
      ...(db ? [db] : []),
      ...(roles ?? [{ title: "No database in this stack", commands: [], needs: ["login"], makes: ["database", "database-role"] } satisfies Day0Step]),
      this.fullApplyStep(p.fullApplyNote),
      this.ciDeployStep(),
    ];
  }
}

const MIGRATE = "npx tsx scripts/database-migrate.ts";

/** RunTask refuses overrides over 8 KiB (ECS API reference, RunTask `overrides`). */
export const ECS_OVERRIDES_LIMIT = 8192;

/**
 * The line that builds one login's psql script (scripts/database-migrate.ts --emit-sql; its defaults left out)
 * into `$sql`, base64 on one line (modules/core/database-migration.ts: the form every cloud's CLI passes unchanged).
 */
function emitSql(login: DatabaseLogin): string {
  const args = [
    `--admin-user ${sh(login.adminUser)} --database ${login.database} --role ${sh(login.role)} --login ${login.login}`,
    ...(login.schema !== MLFLOW_SCHEMA ? [`--schema ${login.schema}`] : []),
    ...(login.login === "password" && login.passwordEnv !== DEFAULT_PASSWORD_ENV ? [`--password-env ${login.passwordEnv}`] : []),
    ...login.extensions.map((e) => `--extension ${e}`),
    ...(login.createDatabase ? ["--create-database"] : []),
  ].join(" ");
  return `sql="$(${MIGRATE} --emit-sql ${args} | base64 | tr -d '\\n')"`;
}

/** One bash command of several lines (each runs under errexit and pipefail, variables carry over). */
function script(lines: readonly string[]): string {
  return lines.join("\n");
}

function awsSteps(ctx: Context, aws: AwsCloudConfig): Day0Step[] {
  const r = `--region ${aws.region}`;
  return [
    ctx.loginStep("Log in with your own short-lived credentials", ["aws sso login", `test "$(aws sts get-caller-identity --query Account --output text)" = ${aws.accountId}`]),
    ctx.prepareStep("Prepare the account (account-wide, once)", "ECS creates its service-linked role asynchronously on first use, and the first cluster call fails while it does.", [
      "aws iam get-role --role-name AWSServiceRoleForECS >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
    ]),
    ctx.stateSteps(),
    ...ctx.afterState({
      handOver: [
        { name: "AWS_ROLE_ARN_INFRA_BUILDER", scope: "environment", output: "ci_builder" },
        { name: `AWS_ROLE_ARN_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `AWS_ROLE_ARN_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
      ],
      // An assignment, so bash's errexit stops the step when openssl fails (a failed $(...) inside an argument would not).
      secret: (s, login) =>
        login
          ? // MLflow's login: a password database-migrate.ts accepts (printable, no JSON escaping), stored as the JSON MLflow reads.
            `password="$(openssl rand -base64 32 | tr -d '/+=')"; aws secretsmanager put-secret-value ${r} --secret-id ${s} --secret-string "{\\"username\\":\\"${login.role}\\",\\"password\\":\\"$password\\"}"`
          : `value="$(openssl rand -base64 48)"; aws secretsmanager put-secret-value ${r} --secret-id ${s} --secret-string "$value"`,
      reach:
        "The database is private: the stack's migration task (ECS Fargate, private subnets, a security group the database\n" +
        "admits) runs the SQL printed here as the master user, whose password ECS reads from RDS's own secret.\n" +
        "This waits for the task to stop and fails with its exit code and log stream.",
      migrate: (db) => {
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        const logGroup = `/mlops/${ctx.env.name}/db-migrate`;
        const v = db.passwordEnv;
        // The role gets the password the application reads: MLflow's login secret the secrets step wrote ({"username","password"}),
        // or the plain value Terraform generated (a self-hosted Airflow's).
        const rolePassword =
          db.login !== "password"
            ? []
            : db.passwordSecret
              ? [`${v}="$(aws secretsmanager get-secret-value ${r} --secret-id ${db.passwordSecret.name} --query SecretString --output text${db.writtenByRunbook ? " | jq -r .password" : ""})"; export ${v}`]
              : [`: "\${${v}:?set ${v} to the password ${db.owner} reads for ${db.role}}"`];
        const overrides = `{\\"containerOverrides\\":[{\\"name\\":\\"${MIGRATION_CONTAINER}\\",\\"environment\\":[{\\"name\\":\\"${MIGRATION_SQL_VARIABLE}\\",\\"value\\":\\"$sql\\"}]}]}`;
        return [
          script([
            ...rolePassword,
            emitSql(db),
            `overrides="${overrides}"`,
            `if [ "\${#overrides}" -gt ${ECS_OVERRIDES_LIMIT} ]; then echo "day0: the migration's overrides are \${#overrides} bytes, over RunTask's ${ECS_OVERRIDES_LIMIT}: run fewer statements per task (nothing was started)" >&2; exit 1; fi`,
            `cluster=${out(MIGRATION_OUTPUTS.cluster)}`,
            `task="$(aws ecs run-task ${r} --cluster "$cluster" --task-definition ${out(MIGRATION_OUTPUTS.job)} --launch-type FARGATE --count 1 ` +
              `--network-configuration "awsvpcConfiguration={subnets=[$(${ctx.tf(ctx.stack)} output -raw ${MIGRATION_OUTPUTS.subnets})],securityGroups=[$(${ctx.tf(ctx.stack)} output -raw ${MIGRATION_OUTPUTS.securityGroup})],assignPublicIp=DISABLED}" ` +
              `--overrides "$overrides" --query 'tasks[0].taskArn' --output text)"`,
            `if [ -z "$task" ] || [ "$task" = None ]; then echo "day0: ECS started no migration task (aws ecs run-task printed its failures above)" >&2; exit 1; fi`,
            `aws ecs wait tasks-stopped ${r} --cluster "$cluster" --tasks "$task"`,
            `code="$(aws ecs describe-tasks ${r} --cluster "$cluster" --tasks "$task" --query "tasks[0].containers[?name=='${MIGRATION_CONTAINER}'].exitCode | [0]" --output text)"`,
            `if [ "$code" != 0 ]; then echo "day0: the migration task \${task##*/} ended with exit code $code ($(aws ecs describe-tasks ${r} --cluster "$cluster" --tasks "$task" --query 'tasks[0].stoppedReason' --output text)); ` +
              `its output: CloudWatch Logs ${logGroup}, stream db-migrate/${MIGRATION_CONTAINER}/\${task##*/} (aws logs tail ${logGroup} ${r})" >&2; exit 1; fi`,
          ]),
        ];
      },
    }),
  ];
}

function azureSteps(ctx: Context, azure: AzureCloudConfig): Day0Step[] {
  const loc = stateLocation(azure.backend, ctx.stateStack);
  if (loc.type !== "azurerm") throw new Error("unreachable: day0Steps refuses local backends");
  const s = loc.storage;
  const account = `/subscriptions/${azure.subscriptionId}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${s.storageAccountName}`;
  return [
    ctx.loginStep("Log in with your own account", [`az login --tenant ${azure.tenantId}`, `az account set --subscription ${azure.subscriptionId}`]),
    ctx.prepareStep("Prepare the subscription (subscription-wide, once)", "azurerm 4.55 registers its legacy provider list by default, which lacks Microsoft.App (Container Apps).", [
      "az provider register --namespace Microsoft.App --wait",
    ]),
    ctx.stateSteps([
      // Shared keys are off: the backend reads state with Entra ID, which needs a data role, and RBAC takes minutes to apply.
      `az role assignment create --assignee "$(az ad signed-in-user show --query id --output tsv)" --role 'Storage Blob Data Contributor' --scope ${account}/blobServices/default/containers/${s.containerName}`,
      `for i in $(seq 1 30); do az storage blob list --account-name ${s.storageAccountName} --container-name ${s.containerName} --auth-mode login --num-results 1 --output none 2>/dev/null && break; sleep 10; done`,
    ]),
    ...ctx.afterState({
      handOver: [
        { name: "AZURE_CLIENT_ID", scope: "environment", output: "ci_builder" },
        { name: `AZURE_CLIENT_ID_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `AZURE_CLIENT_ID_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
        { name: `AZURE_REGISTRY_${ctx.envVar}`, scope: "repository", output: "registry_login_server" },
      ],
      secret: () => "",
      reach:
        "The server has no public endpoint (delegated subnet): the stack's migration job (Container Apps, in the VNet) runs\n" +
        "the SQL printed here as the server admin, whose password it reads from Key Vault with its own identity.\n" +
        "This starts one execution with the SQL added to the job's container and polls it to the end.",
      migrate: (db) => {
        const v = db.passwordEnv;
        // The role gets the password the application reads: the secret Terraform generated into Key Vault.
        const rolePassword = db.passwordSecret
          ? `${v}="$(az keyvault secret show --vault-name ${azureVault(ctx.opts.stack)} --name ${db.passwordSecret.name} --query value --output tsv)"; export ${v}`
          : `: "\${${v}:?set ${v} to the password ${db.owner} reads from Key Vault for ${db.role}}"`;
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        // The start action's body replaces the containers for this execution (Jobs - Start, JobExecutionTemplate):
        // the job's own containers with the SQL added, everything else as defined.
        const body =
          `'{containers: [.containers[] | {image, name, command, args, resources, env: ((.env // []) + (if .name == "${MIGRATION_CONTAINER}" then [{name: "${MIGRATION_SQL_VARIABLE}", value: $sql}] else [] end))} | with_entries(select(.value != null))]}'`;
        return [
          script([
            rolePassword,
            emitSql(db),
            `rg=${out("resource_group")}; job=${out(MIGRATION_OUTPUTS.job)}`,
            `id="$(az containerapp job show --name "$job" --resource-group "$rg" --query id --output tsv)"`,
            `body="$(az containerapp job show --name "$job" --resource-group "$rg" --query properties.template --output json | jq -c --arg sql "$sql" ${body})"`,
            `execution="$(az rest --method post --url "https://management.azure.com\${id}/start?api-version=2024-03-01" --body "$body" --query name --output tsv)"`,
            `if [ -z "$execution" ]; then execution="$(az containerapp job execution list --name "$job" --resource-group "$rg" --query "sort_by([], &properties.startTime)[-1].name" --output tsv)"; fi`,
            `status=Running; for i in $(seq 1 60); do status="$(az containerapp job execution show --name "$job" --resource-group "$rg" --job-execution-name "$execution" --query properties.status --output tsv)"; ` +
              `case "$status" in Succeeded|Failed|Stopped|Degraded) break;; esac; sleep 10; done`,
            `if [ "$status" != Succeeded ]; then echo "day0: migration execution $execution is $status; its output: Log Analytics, ContainerAppConsoleLogs where ContainerJobName_s == '$job' ` +
              `(az containerapp job logs show --name $job --resource-group $rg --execution $execution --container ${MIGRATION_CONTAINER})" >&2; exit 1; fi`,
          ]),
        ];
      },
      fullApplyNote:
        azure.allowedIpRanges.length > 0
          ? undefined
          : `Key Vault and the data account deny by default: add your public address to clouds.azure.allowedIpRanges first\n(or run from inside the VNet), or the secret writes of this apply (the admin password among them) are refused.`,
    }),
  ];
}

/** The stack's Key Vault name (the one the logins' passwords live in). */
function azureVault(stack: StackJson): string {
  const [vault] = Object.values(stack.resource?.azurerm_key_vault ?? {});
  return String(vault?.name ?? "<no key vault in the stack>");
}

function gcpSteps(ctx: Context, gcp: GcpCloudConfig): Day0Step[] {
  const p = gcp.projectId;
  return [
    ctx.loginStep("Log in with your own account (gcloud, and application default credentials for Terraform)", [
      "gcloud auth login",
      "gcloud auth application-default login",
      `gcloud config set project ${p}`,
    ]),
    ctx.prepareStep(
      "Prepare the project (once)",
      "Service Usage and Resource Manager let Terraform enable the rest; the Artifact Registry, Eventarc and Pub/Sub service\n" +
        "agents exist only after `services identity create` (or a first use), and the platform grants them roles\n" +
        "(Pub/Sub's a KMS role in staging and prod).",
      [
        `gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com storage.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=artifactregistry.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=eventarc.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=pubsub.googleapis.com --project ${p}`,
      ],
    ),
    ctx.stateSteps(),
    ...ctx.afterState({
      handOver: [
        { name: "GCP_WORKLOAD_IDENTITY_PROVIDER", scope: "environment", output: "ci_workload_identity_provider" },
        { name: "GCP_SERVICE_ACCOUNT", scope: "environment", output: "ci_builder" },
        { name: `GCP_WORKLOAD_IDENTITY_PROVIDER_${ctx.envVar}`, scope: "repository", output: "ci_workload_identity_provider" },
        { name: `GCP_SERVICE_ACCOUNT_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `GCP_SERVICE_ACCOUNT_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
      ],
      secret: (s) => `openssl rand -base64 48 | tr -d '\\n' | gcloud secrets versions add ${s} --data-file=- --project ${p}`,
      reach:
        "The instance has a private IP only: the stack's migration job (Cloud Run, Direct VPC egress, the Cloud SQL Auth Proxy\n" +
        "as a sidecar) runs the SQL printed here as the built-in postgres user. Its password is the Secret Manager secret the\n" +
        "job reads, set on the user here first. --wait returns when the execution ends, failing when it failed.",
      migrate: (db) => {
        const secret = migrationAdminSecret(ctx.opts.stack) ?? "<no migration job in the stack>";
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        // A password login (a declared one; MLflow signs in with IAM) gets the value its secret holds.
        const rolePassword =
          db.login !== "password"
            ? []
            : db.passwordSecret
              ? [`${db.passwordEnv}="$(gcloud secrets versions access latest --secret ${db.passwordSecret.name} --project ${p})"; export ${db.passwordEnv}`]
              : [`: "\${${db.passwordEnv}:?set ${db.passwordEnv} to the password ${db.owner} reads for ${db.role}}"`];
        return [
          `password="$(gcloud secrets versions access latest --secret ${secret} --project ${p})"; ` +
            `gcloud sql users set-password ${db.adminUser} --instance ${db.server} --password "$password" --project ${p}`,
          script([
            ...rolePassword,
            emitSql(db),
            `job=${out(MIGRATION_OUTPUTS.job)}`,
            // Flags for the execution first: those after --container apply to that container only.
            `gcloud run jobs execute "$job" --region ${gcp.region} --project ${p} --wait --container ${MIGRATION_CONTAINER} --update-env-vars "${MIGRATION_SQL_VARIABLE}=$sql" || ` +
              `{ echo "day0: the migration job failed; its output: gcloud logging read 'resource.type=\\"cloud_run_job\\" AND resource.labels.job_name=\\"$job\\"' --project ${p} --limit 50" >&2; exit 1; }`,
          ]),
        ];
      },
    }),
  ];
}
