/**
 * The day-0 runbook of one (environment, cloud) as data: each step a title, an optional note and the
 * shell commands that do it, in an order where no step needs something a later one creates. Pure:
 * `scripts/day0.ts` prints the steps (`--dry-run`) or runs them, and the README's day-0 section is
 * this plan's rendering (a test compares the two).
 */
import type { AwsCloudConfig, AzureCloudConfig, CloudName, EnvironmentConfig, GcpCloudConfig } from "../environments/schema";
import type { ResolvedService } from "../services/service-spec";
import { stateLocation, stateStackName } from "../stacks/state-location";

/** One step of the runbook. */
export interface Day0Step {
  readonly title: string;
  /** Why, or what to watch for; printed under the title. */
  readonly note?: string;
  /** Shell commands, run in order by bash from the project root; the first failure stops the run. */
  readonly commands: readonly string[];
}

export interface Day0Options {
  /** The environment's enabled services (their secrets are set in the secrets step). */
  readonly services: readonly ResolvedService[];
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
  const cloudSteps =
    cloud === "aws" ? awsSteps(ctx, env.clouds.aws!) : cloud === "azure" ? azureSteps(ctx, env.clouds.azure!) : gcpSteps(ctx, env.clouds.gcp!);
  return cloudSteps;
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
    };
  }

  deployStep(note?: string): Day0Step {
    return {
      title: `First platform deploy (${this.stack}) from this workstation`,
      note,
      commands: [`CDKTF_ENV=${this.env.name} npx cdktf deploy ${this.stack}`],
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
    commands.push(`${this.tf(this.stack)} init -input=false`);
    for (const v of variables) {
      const scope = v.scope === "environment" ? ` --env ${this.githubEnv}` : "";
      commands.push(`gh variable set ${v.name} --repo ${this.repo}${scope} --body ${this.output(v.output)}`);
    }
    return {
      title: `Hand over to GitHub (environment ${this.githubEnv}, variables from the stack outputs)`,
      note: protectedEnv
        ? `Deploys of ${this.githubEnv} wait for ${reviewers.length > 0 ? reviewers.join(", ") : "the reviewers you add in Settings > Environments (pass --reviewers)"} and run from main only.`
        : undefined,
      commands,
    };
  }

  ciSteps(): Day0Step[] {
    const latest = (wf: string) => `"$(gh run list --repo ${this.repo} --workflow ${wf} --limit 1 --json databaseId --jq '.[0].databaseId')"`;
    return [
      {
        title: "Push the images (images.yml builds them, pushes to dev and copies the digests into every later environment)",
        note: "Needs the publisher variables of the step before; a run that finds no images/<service>/Dockerfile builds nothing and says so.",
        commands: [`gh workflow run images.yml --repo ${this.repo} --ref main`, "sleep 10", `gh run watch ${latest("images.yml")} --repo ${this.repo} --exit-status`],
      },
      {
        title: `First CI deploy of ${this.stack} (deploy.yml, with the builder identity)`,
        commands: [
          `gh workflow run deploy.yml --repo ${this.repo} --ref main -f environment=${this.env.name} -f stacks=${this.stack}`,
          "sleep 10",
          `gh run watch ${latest("deploy.yml")} --repo ${this.repo} --exit-status`,
        ],
      },
    ];
  }

  /** The secrets the enabled services read, once each. */
  secretNames(): string[] {
    return [...new Set(this.opts.services.flatMap((s) => s.secrets))];
  }
}

function awsSteps(ctx: Context, aws: AwsCloudConfig): Day0Step[] {
  const { env } = ctx;
  const secrets = ctx.secretNames();
  return [
    {
      title: "Log in with your own short-lived credentials",
      commands: ["aws sso login", `test "$(aws sts get-caller-identity --query Account --output text)" = ${aws.accountId}`],
    },
    {
      title: "Prepare the account (account-wide, once)",
      note: "ECS creates its service-linked role asynchronously on first use, and the first cluster call fails while it does.",
      commands: ["aws iam get-role --role-name AWSServiceRoleForECS >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com"],
    },
    ctx.stateSteps(),
    ctx.deployStep(),
    {
      title: "Set the secret values (Terraform creates each secret, never its value)",
      note: secrets.length > 0 ? "A random value is generated here and never printed; put your own where a service needs a given one." : "No enabled service reads a secret.",
      commands: secrets.map(
        // An assignment, so bash's errexit stops the step when openssl fails (a failed $(...) inside an argument would not).
        (s) => `value="$(openssl rand -base64 48)"; aws secretsmanager put-secret-value --region ${aws.region} --secret-id ${env.namePrefix}/${env.name}/${s} --secret-string "$value"`,
      ),
    },
    ctx.handOverStep([
      { name: "AWS_ROLE_ARN_INFRA_BUILDER", scope: "environment", output: "ci_builder" },
      { name: `AWS_ROLE_ARN_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
      { name: `AWS_ROLE_ARN_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
    ]),
    ...ctx.ciSteps(),
  ];
}

function azureSteps(ctx: Context, azure: AzureCloudConfig): Day0Step[] {
  const loc = stateLocation(azure.backend, ctx.stateStack);
  if (loc.type !== "azurerm") throw new Error("unreachable: day0Steps refuses local backends");
  const s = loc.storage;
  const account = `/subscriptions/${azure.subscriptionId}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${s.storageAccountName}`;
  return [
    {
      title: "Log in with your own account",
      commands: [`az login --tenant ${azure.tenantId}`, `az account set --subscription ${azure.subscriptionId}`],
    },
    {
      title: "Prepare the subscription (subscription-wide, once)",
      note: "azurerm 4.55 registers its legacy provider list by default, which lacks Microsoft.App (Container Apps).",
      commands: ["az provider register --namespace Microsoft.App --wait"],
    },
    ctx.stateSteps([
      // Shared keys are off: the backend reads state with Entra ID, which needs a data role, and RBAC takes minutes to apply.
      `az role assignment create --assignee "$(az ad signed-in-user show --query id --output tsv)" --role 'Storage Blob Data Contributor' --scope ${account}/blobServices/default/containers/${s.containerName}`,
      `for i in $(seq 1 30); do az storage blob list --account-name ${s.storageAccountName} --container-name ${s.containerName} --auth-mode login --num-results 1 --output none 2>/dev/null && break; sleep 10; done`,
    ]),
    ctx.deployStep(
      azure.allowedIpRanges.length > 0
        ? undefined
        : `Key Vault and the data account deny by default: add your public address to clouds.azure.allowedIpRanges first\n(or run from inside the VNet), or the secret writes of this apply are refused.`,
    ),
    {
      title: "Set the secret values",
      note: "Nothing to set: Terraform generates every secret the services read and writes it write-only into Key Vault.",
      commands: [],
    },
    ctx.handOverStep([
      { name: "AZURE_CLIENT_ID", scope: "environment", output: "ci_builder" },
      { name: `AZURE_CLIENT_ID_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
      { name: `AZURE_CLIENT_ID_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
      { name: `AZURE_REGISTRY_${ctx.envVar}`, scope: "repository", output: "registry_login_server" },
    ]),
    ...ctx.ciSteps(),
  ];
}

function gcpSteps(ctx: Context, gcp: GcpCloudConfig): Day0Step[] {
  const { env } = ctx;
  const p = gcp.projectId;
  const secrets = ctx.secretNames();
  return [
    {
      title: "Log in with your own account (gcloud, and application default credentials for Terraform)",
      commands: ["gcloud auth login", "gcloud auth application-default login", `gcloud config set project ${p}`],
    },
    {
      title: "Prepare the project (once)",
      note:
        "Service Usage and Resource Manager let Terraform enable the rest; the Artifact Registry and Eventarc service agents\n" +
        "exist only after `services identity create` (or a first use), and the platform grants them roles.",
      commands: [
        `gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com storage.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=artifactregistry.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=eventarc.googleapis.com --project ${p}`,
      ],
    },
    ctx.stateSteps(),
    ctx.deployStep(),
    {
      title: "Set the secret values (Terraform creates each secret, never its value)",
      note: secrets.length > 0 ? "A random value is generated here and never printed; put your own where a service needs a given one." : "No enabled service reads a secret.",
      commands: secrets.map((s) => `openssl rand -base64 48 | tr -d '\\n' | gcloud secrets versions add ${env.namePrefix}-${env.name}-${s} --data-file=- --project ${p}`),
    },
    ctx.handOverStep([
      { name: "GCP_WORKLOAD_IDENTITY_PROVIDER", scope: "environment", output: "ci_workload_identity_provider" },
      { name: "GCP_SERVICE_ACCOUNT", scope: "environment", output: "ci_builder" },
      { name: `GCP_WORKLOAD_IDENTITY_PROVIDER_${ctx.envVar}`, scope: "repository", output: "ci_workload_identity_provider" },
      { name: `GCP_SERVICE_ACCOUNT_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
      { name: `GCP_SERVICE_ACCOUNT_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
    ]),
    ...ctx.ciSteps(),
  ];
}
