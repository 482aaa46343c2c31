/**
 * What every cloud's day-0 runbook shares: the step and option types, the steps that read alike on the three clouds
 * (`Context`: login, state storage, foundation, hand-over, images, secrets, database, roles, full apply, first CI
 * deploy) and the helpers that build the migration job's commands. Each cloud's steps are in
 * `scripts/day0-steps-<cloud>.ts`; `scripts/day0-steps.ts` picks one.
 */
import type { CloudName, EnvironmentConfig } from "../environments/schema";
import type { ResolvedService } from "../services/service-spec";
import { stateStackName } from "../stacks/state-location";
import { DEFAULT_PASSWORD_ENV, MLFLOW_SCHEMA } from "./database-migrate";
import { DatabaseLogin, databaseLogins, databaseTargets, foundationTargets, mlflowDatabase, MlflowDatabase, secretsWithoutValue, secretValueTargets, StackJson } from "./day0-foundation";

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

/** One command that applies only `targets` (and what they depend on), one target a line. */
export function targetedApply(tf: string, targets: readonly string[]): string {
  return [`${tf} apply`, ...targets.map((t) => `-target=${t}`)].join(" \\\n  ");
}

export class Context {
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

export const MIGRATE = "npx tsx scripts/database-migrate.ts";

/** RunTask refuses overrides over 8 KiB (ECS API reference, RunTask `overrides`). */
export const ECS_OVERRIDES_LIMIT = 8192;

/**
 * The line that builds one login's psql script (scripts/database-migrate.ts --emit-sql; its defaults left out)
 * into `$sql`, base64 on one line (modules/core/database-migration.ts: the form every cloud's CLI passes unchanged).
 */
export function emitSql(login: DatabaseLogin): string {
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
export function script(lines: readonly string[]): string {
  return lines.join("\n");
}
