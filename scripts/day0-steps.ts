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
import { DEFAULT_PASSWORD_ENV, MLFLOW_SCHEMA } from "./database-migrate";
import { DatabaseLogin, databaseLogins, databaseTargets, foundationTargets, mlflowDatabase, MlflowDatabase, secretsWithoutValue, StackJson } from "./day0-foundation";

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
/** The local port a tunnel to the database listens on. */
export const DATABASE_TUNNEL_PORT = 15432;

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
    // The logins' passwords Terraform generates (Azure's Key Vault secrets): the next steps read them back.
    const passwords = databaseLogins(this.cloud, this.opts.stack).flatMap((l) => (l.passwordSecret?.address && !l.writtenByRunbook ? [l.passwordSecret.address] : []));
    const targets = [...new Set([...servers, ...passwords])].sort();
    return {
      title: `Database apply of ${this.stack}: MLflow's server, database and users (${targets.length} target${targets.length === 1 ? "" : "s"})`,
      note:
        "The network comes with them. MLflow's own role is made in the next step, before MLflow first starts." +
        (passwords.length > 0 ? "\nWith the generated passwords of the database logins, which the next steps give their roles." : "") +
        (extraNote ? `\n${extraNote}` : ""),
      commands: [targetedApply(this.tf(this.stack), targets)],
      needs: ["login", "account", "state-storage"],
      makes: ["database"],
    };
  }

  /**
   * One step per database login (MLflow's, then each the stack declares: a self-hosted Airflow's), each a
   * least-privilege role made by scripts/database-migrate.ts from where the private database is reachable.
   */
  databaseRoleSteps(reach: string, commands: (login: DatabaseLogin) => readonly string[]): Day0Step[] | undefined {
    const db = mlflowDatabase(this.cloud, this.opts.stack);
    if (!db) return undefined;
    if (db.role === db.adminUser) {
      return [
        {
          title: `Create MLflow's database role (${db.role}) with scripts/database-migrate.ts`,
          note: `MLflow connects as the server's admin user (${db.adminUser}) in this stack: there is no role of its own to create yet.`,
          commands: [],
          needs: ["database"],
          makes: ["database-role"],
        },
      ];
    }
    return databaseLogins(this.cloud, this.opts.stack).map((login) => ({
      title: `Create ${login.owner}'s database role (${login.role}) with scripts/database-migrate.ts`,
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

/** The migration of one login, reaching the server at `host:port` (defaults of database-migrate.ts left out). */
function migrateCommand(login: DatabaseLogin, host: string, sslmode: string, port?: number): string {
  return [
    MIGRATE,
    `--host ${host}`,
    ...(port !== undefined ? [`--port ${port}`] : []),
    `--admin-user ${sh(login.adminUser)} --database ${login.database} --role ${sh(login.role)} --login ${login.login}`,
    ...(login.schema !== MLFLOW_SCHEMA ? [`--schema ${login.schema}`] : []),
    ...(login.login === "password" && login.passwordEnv !== DEFAULT_PASSWORD_ENV ? [`--password-env ${login.passwordEnv}`] : []),
    ...login.extensions.map((e) => `--extension ${e}`),
    `--sslmode ${sslmode}`,
  ].join(" ");
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
        "The database is private: this tunnels to it through SSM from DAY0_SSM_TARGET, an instance with the SSM agent in the VPC\n" +
        "(or run the migration from a runner in the VPC with --host set to the endpoint). The admin password is RDS's own secret.",
      migrate: (db) => {
        const describe = (q: string) => `"$(aws rds describe-db-instances ${r} --db-instance-identifier ${db.server} --query '${q}' --output text)"`;
        const v = db.passwordEnv;
        // The role's password is the one the secrets step put into the login secret ({"username","password"}): the same value on both sides.
        const rolePassword =
          db.login !== "password"
            ? []
            : db.passwordSecret
              ? [`${v}="$(aws secretsmanager get-secret-value ${r} --secret-id ${db.passwordSecret.name} --query SecretString --output text | jq -r .password)"; export ${v}`]
              : [`: "\${${v}:?set ${v} to the password ${db.owner} reads for ${db.role}}"`];
        return [
          `: "\${DAY0_SSM_TARGET:?set DAY0_SSM_TARGET to an instance id in the VPC of ${ctx.stack} that runs the SSM agent}"`,
          `${rolePassword.map((c) => `${c}; `).join("")}host=${describe("DBInstances[0].Endpoint.Address")}; secret=${describe("DBInstances[0].MasterUserSecret.SecretArn")}; ` +
            `aws ssm start-session ${r} --target "$DAY0_SSM_TARGET" --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters "host=$host,portNumber=5432,localPortNumber=${DATABASE_TUNNEL_PORT}" & tunnel=$!; trap 'kill $tunnel' EXIT; sleep 10; ` +
            `PGPASSWORD="$(aws secretsmanager get-secret-value ${r} --secret-id "$secret" --query SecretString --output text | jq -r .password)" ` +
            migrateCommand(db, "127.0.0.1", "require", DATABASE_TUNNEL_PORT),
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
        "The server has no public endpoint (delegated subnet): run this from a machine in the VNet (a self-hosted runner,\n" +
        "or a VM reached with az network bastion ssh), with DAY0_IN_VNET=1. The admin password is Terraform's Key Vault secret.",
      migrate: (db) => {
        const secret = (name: string) => `"$(az keyvault secret show --vault-name ${azureVault(ctx.opts.stack)} --name ${name} --query value --output tsv)"`;
        const v = db.passwordEnv;
        // The role gets the password the application reads: the secret Terraform generated into Key Vault.
        const rolePassword = db.passwordSecret
          ? `${v}=${secret(db.passwordSecret.name)}; export ${v}; `
          : `: "\${${v}:?set ${v} to the password ${db.owner} reads from Key Vault for ${db.role}}"; `;
        return [
          `: "\${DAY0_IN_VNET:?run this step from a machine inside the VNet of ${ctx.stack}, then set DAY0_IN_VNET=1}"`,
          `${rolePassword}PGPASSWORD=${secret("mlflow-db-password")} ` + migrateCommand(db, `${db.server}.postgres.database.azure.com`, "require"),
        ];
      },
      fullApplyNote:
        azure.allowedIpRanges.length > 0
          ? undefined
          : `Key Vault and the data account deny by default: add your public address to clouds.azure.allowedIpRanges first\n(or run from inside the VNet), or the secret writes of this apply (the admin password among them) are refused.`,
    }),
  ];
}

/** The Key Vault the Azure stack creates (its name is in the synthesized JSON). */
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
        "The instance has a private IP only: run this from a machine in the VPC, where the Cloud SQL Auth Proxy reaches it\n" +
        "(--private-ip), with DAY0_IN_VPC=1. The admin is the built-in postgres user, given a fresh password here.",
      migrate: (db) => [
        `: "\${DAY0_IN_VPC:?run this step from a machine inside the VPC of ${ctx.stack} with cloud-sql-proxy installed, then set DAY0_IN_VPC=1}"`,
        // A password login (a declared one; MLflow signs in with IAM) gets the value its secret holds.
        (db.login !== "password"
          ? ""
          : db.passwordSecret
            ? `${db.passwordEnv}="$(gcloud secrets versions access latest --secret ${db.passwordSecret.name} --project ${p})"; export ${db.passwordEnv}; `
            : `: "\${${db.passwordEnv}:?set ${db.passwordEnv} to the password ${db.owner} reads for ${db.role}}"; `) +
          `PGPASSWORD="$(openssl rand -base64 32 | tr -d '/+=')"; export PGPASSWORD; ` +
          `gcloud sql users set-password ${db.adminUser} --instance ${db.server} --password "$PGPASSWORD" --project ${p}; ` +
          `cloud-sql-proxy --private-ip --port ${DATABASE_TUNNEL_PORT} ${p}:${gcp.region}:${db.server} & proxy=$!; trap 'kill $proxy' EXIT; sleep 5; ` +
          migrateCommand(db, "127.0.0.1", "disable", DATABASE_TUNNEL_PORT),
      ],
    }),
  ];
}
