/**
 * What the day-0 runbook reads from a synthesized platform stack (its cdk.tf.json), so the runbook cannot
 * drift from the stack: the foundation targets (registries, CI identities with their trust and grants,
 * secret containers and the keys they use), the database targets, the secrets nobody writes a value for,
 * and the facts of MLflow's database role. Everything is found by resource type per cloud and by the
 * references between resources (`${type.name.attr}` tokens and `depends_on`), never by construct path.
 */
import type { CloudName } from "../environments/schema";
import { DATABASE_LOGIN_LOCAL_PREFIX, DeclaredDatabaseLogin } from "../modules/core/database-login";

/** The parts of a cdk.tf.json the runbook reads. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { readonly value: unknown }>;
  /** Declared database logins live here (modules/core/database-login.ts). */
  readonly locals?: Record<string, unknown>;
}

/** Resource types by role, per cloud. */
interface CloudTypes {
  readonly registry: readonly string[];
  /** Identities a CI job can become; which of them are CI's is decided by their trust. */
  readonly identity: readonly string[];
  /** Federation: the OIDC provider, federated credentials, workload identity pools and their bindings. */
  readonly trust: readonly string[];
  /** Grants: a CI identity's is in the foundation when everything else it names is too. */
  readonly grant: readonly string[];
  readonly secretContainer: readonly string[];
  readonly key: readonly string[];
  /** What a grant of a CI identity may name besides foundation resources (the account's scaffolding). */
  readonly base: readonly string[];
  /** A resource that writes a secret container's value (Terraform-generated secrets need no day-0 step). */
  readonly secretValue: readonly string[];
  readonly database: readonly string[];
}

const TYPES: Record<CloudName, CloudTypes> = {
  aws: {
    registry: ["aws_ecr_repository"],
    identity: ["aws_iam_role"],
    trust: ["aws_iam_openid_connect_provider"],
    grant: ["aws_iam_role_policy", "aws_iam_role_policy_attachment"],
    secretContainer: ["aws_secretsmanager_secret"],
    key: ["aws_kms_key"],
    base: [],
    secretValue: ["aws_secretsmanager_secret_version"],
    database: ["aws_db_instance"],
  },
  azure: {
    registry: ["azurerm_container_registry"],
    identity: ["azurerm_user_assigned_identity"],
    trust: ["azurerm_federated_identity_credential"],
    grant: ["azurerm_role_assignment"],
    secretContainer: ["azurerm_key_vault"],
    key: ["azurerm_key_vault_key"],
    base: ["azurerm_resource_group"],
    // Key Vault secrets are written by Terraform itself (generated or referenced values).
    secretValue: ["azurerm_key_vault_secret"],
    database: ["azurerm_postgresql_flexible_server", "azurerm_postgresql_flexible_server_database"],
  },
  gcp: {
    registry: ["google_artifact_registry_repository"],
    identity: ["google_service_account"],
    trust: ["google_iam_workload_identity_pool", "google_iam_workload_identity_pool_provider", "google_service_account_iam_binding", "google_service_account_iam_member"],
    grant: ["google_project_iam_member", "google_artifact_registry_repository_iam_member", "google_storage_bucket_iam_member", "google_secret_manager_secret_iam_member", "google_kms_crypto_key_iam_member"],
    secretContainer: ["google_secret_manager_secret"],
    key: ["google_kms_crypto_key"],
    base: ["google_project_service", "google_kms_key_ring"],
    secretValue: ["google_secret_manager_secret_version"],
    database: ["google_sql_database_instance", "google_sql_database", "google_sql_user"],
  },
};

const TOKEN = /\$\{([^}]*)\}/g;
const ADDRESS = /(?<![\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;
const NOT_RESOURCES = new Set(["var", "local", "each", "count", "path", "self", "terraform", "module", "ephemeral"]);

/** Addresses (`type.name`, `data.type.name`) a value refers to, through tokens anywhere inside it and `depends_on`. */
export function referencesOf(body: Record<string, unknown>): Set<string> {
  const refs = new Set<string>();
  const { ["//"]: _meta, depends_on: dependsOn, ...rest } = body;
  for (const token of JSON.stringify(rest).matchAll(TOKEN)) {
    for (const [, a] of token[1].matchAll(ADDRESS)) if (!NOT_RESOURCES.has(a.split(".")[0])) refs.add(a);
  }
  if (Array.isArray(dependsOn)) for (const d of dependsOn) if (typeof d === "string") refs.add(d);
  return refs;
}

interface Node {
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly refs: Set<string>;
}

function nodes(json: StackJson): Node[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => ({ address: `${type}.${name}`, type, body, refs: referencesOf(body) })),
  );
}

/**
 * The `-target` list of the foundation apply, sorted: every registry, every CI identity (an identity
 * the trust resources name, or that names one), the trust itself, the grants of CI identities whose
 * other references are all foundation or account scaffolding (a developer's read grant on a data bucket
 * waits for the full apply), every secret container and every key a foundation resource names.
 * Terraform adds what the targets depend on; nothing here depends on a workload.
 */
export function foundationTargets(cloud: CloudName, json: StackJson): string[] {
  const t = TYPES[cloud];
  const all = nodes(json);
  const of = (types: readonly string[]) => all.filter((n) => types.includes(n.type));
  const trust = of(t.trust);
  const trustAddresses = new Set(trust.map((n) => n.address));
  const ci = of(t.identity).filter((n) => [...n.refs].some((r) => trustAddresses.has(r)) || trust.some((x) => x.refs.has(n.address)));
  const picked = new Set([...of(t.registry), ...trust, ...ci, ...of(t.secretContainer)].map((n) => n.address));
  const ciAddresses = new Set(ci.map((n) => n.address));
  for (const n of all) {
    for (const r of n.refs) if (picked.has(n.address) && t.key.includes(r.split(".")[0])) picked.add(r);
  }
  const isFoundationRef = (r: string) => picked.has(r) || t.base.includes(r.split(".")[0]);
  for (const g of of(t.grant)) {
    if ([...g.refs].some((r) => ciAddresses.has(r)) && [...g.refs].every(isFoundationRef)) picked.add(g.address);
  }
  return [...picked].sort();
}

/** Outputs of the migration job (modules/core/database-migration.ts MIGRATION_OUTPUTS): their names start so. */
const MIGRATION_OUTPUT_PREFIX = "database_migration_";

/**
 * The `-target` list of the database apply: the server, its database and users (network comes with them),
 * and the migration job with what the day-0 step reads from its outputs (the job, and on AWS the cluster,
 * subnets and security group), so the next step can start it.
 */
export function databaseTargets(cloud: CloudName, json: StackJson): string[] {
  const servers = nodes(json)
    .filter((n) => TYPES[cloud].database.includes(n.type))
    .map((n) => n.address);
  const job = Object.entries(json.output ?? {})
    .filter(([name]) => name.startsWith(MIGRATION_OUTPUT_PREFIX))
    .flatMap(([, o]) => [...referencesOf({ value: o.value })]);
  return [...new Set([...servers, ...job])].sort();
}

/**
 * The Secret Manager secret (its `secret_id`) the Google migration job reads PGPASSWORD from: found through
 * the job the `database_migration_job` output names. Undefined when there is no such job.
 */
export function migrationAdminSecret(json: StackJson): string | undefined {
  const [job] = [...referencesOf({ value: json.output?.database_migration_job?.value ?? "" })];
  if (!job) return undefined;
  const [type, name] = job.split(".");
  let secret: string | undefined;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const ref = (o.value_source as { secret_key_ref?: { secret?: unknown } } | undefined)?.secret_key_ref?.secret;
      if (o.name === "PGPASSWORD" && typeof ref === "string") {
        const [address] = [...referencesOf({ value: ref })];
        const body = address ? json.resource?.[address.split(".")[0]]?.[address.split(".")[1]] : undefined;
        if (typeof body?.secret_id === "string") secret = body.secret_id;
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(json.resource?.[type]?.[name]);
  return secret;
}

/** A secret the stack creates without a value: its name as the cloud's CLI takes it. */
export interface SecretWithoutValue {
  readonly address: string;
  readonly name: string;
}

/** Secret containers no resource of the stack writes a value into (Azure's vault holds only Terraform-written secrets). */
export function secretsWithoutValue(cloud: CloudName, json: StackJson): SecretWithoutValue[] {
  if (cloud === "azure") return [];
  const all = nodes(json);
  const written = new Set(all.filter((n) => TYPES[cloud].secretValue.includes(n.type)).flatMap((n) => [...n.refs]));
  return all
    .filter((n) => TYPES[cloud].secretContainer.includes(n.type) && !written.has(n.address))
    .map((n) => ({ address: n.address, name: String(cloud === "aws" ? n.body.name : n.body.secret_id) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What gives `secretAddress` its value: the resources of the cloud's secret-value types that reference it
 * (AWS `aws_secretsmanager_secret_version`, Google `google_secret_manager_secret_version`), or the secret
 * itself where it holds its value (Azure's `azurerm_key_vault_secret`). A targeted apply of the container
 * alone leaves AWS and Google secrets empty, and reading them back fails.
 */
export function secretValueTargets(cloud: CloudName, json: StackJson, secretAddress: string): string[] {
  if (TYPES[cloud].secretValue.includes(secretAddress.split(".")[0])) return [secretAddress];
  const writers = nodes(json).filter((n) => TYPES[cloud].secretValue.includes(n.type) && n.refs.has(secretAddress));
  return writers.length > 0 ? writers.map((n) => n.address).sort() : [secretAddress];
}

/** What MLflow's database role step needs, read from the stack. */
export interface MlflowDatabase {
  /** RDS identifier, Azure server name, Cloud SQL instance name. */
  readonly server: string;
  readonly adminUser: string;
  readonly database: string;
  /** The role MLflow connects as (its DB_USER). */
  readonly role: string;
  /** MLflow's DB_AUTH: `password` or `iam`. */
  readonly auth: string;
  /**
   * The secret container MLflow's DB_PASSWORD is read from (AWS: `${secret.arn}:password::`), when the stack
   * leaves its value to the runbook: the secrets step puts the role's login into it, the migration reads it back.
   */
  readonly loginSecret?: { readonly address: string; readonly name: string };
  /**
   * The secret MLflow's DB_PASSWORD is read from, whoever writes it (AWS: the runbook, `loginSecret`; Azure:
   * Terraform generates it into Key Vault): the migration gives the role that password.
   */
  readonly passwordSecret?: { readonly address: string; readonly name: string };
}

const WHOLE_REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*)\}$/;

/**
 * The literal a value stands for in the synthesized stack: a whole `${type.name.attr}` token is replaced by
 * that resource's `attr` argument, followed through further references (a few hops at most); anything else,
 * or a reference to an attribute only known after apply (an id, an ARN), is returned unchanged.
 */
export function resolveLiteral(json: StackJson, value: string): string {
  let v = value;
  for (let hop = 0; hop < 8; hop++) {
    const m = WHOLE_REFERENCE.exec(v);
    if (!m || m[1].startsWith("data.")) return v;
    const [type, name] = m[1].split(".");
    const attr = json.resource?.[type]?.[name]?.[m[2]];
    if (typeof attr !== "string") return v;
    v = attr;
  }
  return v;
}

/** The DB_* environment of the workload that has DB_USER (MLflow), and its server; undefined without a database. */
export function mlflowDatabase(cloud: CloudName, json: StackJson): MlflowDatabase | undefined {
  const env = new Map<string, string>();
  const secretRefs = new Map<string, string>();
  // Container Apps: env { name: "DB_PASSWORD", secret_name: "db-password" } -> secret { name: "db-password", key_vault_secret_id }.
  const secretNames = new Map<string, string>();
  const keyVaultRefs = new Map<string, string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string" && v.startsWith("[{")) {
      try {
        visit(JSON.parse(v)); // ECS container definitions are a JSON string
      } catch {
        /* not JSON: a plain value */
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.name === "string" && /^DB_[A-Z]+$/.test(o.name) && typeof o.value === "string") env.set(o.name, resolveLiteral(json, o.value));
      // ECS secrets: { name: "DB_PASSWORD", valueFrom: "${aws_secretsmanager_secret.x.arn}:password::" }
      if (typeof o.name === "string" && /^DB_[A-Z]+$/.test(o.name) && typeof o.valueFrom === "string") secretRefs.set(o.name, o.valueFrom);
      if (typeof o.name === "string" && /^DB_[A-Z]+$/.test(o.name) && typeof o.secret_name === "string") secretNames.set(o.name, o.secret_name);
      if (typeof o.name === "string" && typeof o.key_vault_secret_id === "string") keyVaultRefs.set(o.name, o.key_vault_secret_id);
      Object.values(o).forEach(visit);
    }
  };
  // Only the workload with DB_USER (MLflow) counts: other apps' secrets must not stand in for its password.
  for (const body of Object.values(json.resource ?? {}).flatMap((byName) => Object.values(byName))) {
    env.clear();
    secretNames.clear();
    keyVaultRefs.clear();
    secretRefs.clear();
    visit(body);
    if (env.has("DB_USER")) break;
  }
  const server = nodes(json).find((n) => n.type === TYPES[cloud].database[0]);
  if (!server || !env.has("DB_USER")) return undefined;
  const { adminUser, name } = serverFacts(cloud, server.body);
  const passwordRef = secretRefs.get("DB_PASSWORD") ?? keyVaultRefs.get(secretNames.get("DB_PASSWORD") ?? "") ?? "";
  const passwordSecret = secretOf(cloud, json, passwordRef);
  const loginSecret = secretsWithoutValue(cloud, json).find((s) => s.address === passwordSecret?.address);
  return {
    server: name,
    adminUser,
    database: env.get("DB_NAME") ?? "mlflow",
    role: env.get("DB_USER")!,
    auth: env.get("DB_AUTH") ?? "password",
    ...(loginSecret ? { loginSecret } : {}),
    ...(passwordSecret ? { passwordSecret } : {}),
  };
}

/** The admin user and the name (as the cloud's CLI takes it) of a database server resource. */
function serverFacts(cloud: CloudName, b: Record<string, unknown>): { adminUser: string; name: string } {
  return {
    adminUser: cloud === "aws" ? String(b.username) : cloud === "azure" ? String(b.administrator_login) : "postgres",
    name: String(cloud === "aws" ? b.identifier : b.name),
  };
}

/** The secret container a value refers to, with its name as the cloud's CLI takes it. */
function secretOf(cloud: CloudName, json: StackJson, value: string): { address: string; name: string } | undefined {
  const [address] = [...referencesOf({ value })].filter((a) => TYPES[cloud].secretContainer.includes(a.split(".")[0]) || (cloud === "azure" && a.startsWith("azurerm_key_vault_secret.")));
  if (!address) return undefined;
  const [type, n] = address.split(".");
  const body = json.resource?.[type]?.[n] ?? {};
  const name = cloud === "aws" ? body.name : cloud === "gcp" ? body.secret_id : body.name;
  return typeof name === "string" ? { address, name } : undefined;
}

/** A login the day-0 migration step creates: MLflow's, then those the stack declares (a self-hosted Airflow's). */
export interface DatabaseLogin {
  /** Who connects (`MLflow`, `Airflow`). */
  readonly owner: string;
  /** RDS identifier, Azure server name, Cloud SQL instance name. */
  readonly server: string;
  readonly adminUser: string;
  readonly database: string;
  readonly role: string;
  /** database-migrate.ts `--login`. */
  readonly login: "password" | "rds-iam" | "existing";
  /** The schema the role owns (`--schema`). */
  readonly schema: string;
  /** Extensions the server's settings need in the role's database (`--extension`): pgaudit where Cloud SQL loads it. */
  readonly extensions: readonly string[];
  /** The variable the role's password is passed in (`--password-env`): `<OWNER>_DB_PASSWORD`. */
  readonly passwordEnv: string;
  /** Where the application reads the password from: the migration gives the role the same one. */
  readonly passwordSecret?: { readonly address: string; readonly name: string };
  /** The secret is written by the runbook's secrets step (AWS), not by Terraform. */
  readonly writtenByRunbook: boolean;
  /** database-migrate.ts `--create-database`: the database has no Terraform resource (a second database on RDS). */
  readonly createDatabase?: boolean;
}

/**
 * Every database login of the stack, MLflow's first: MLflow's from its DB_* environment (none when it logs in
 * as the server's admin), then each declared one (modules/core/database-login.ts), sorted by owner. The
 * login mode follows the cloud's IAM database auth (AWS `rds-iam`, Google `existing`: the stack's IAM
 * user) or is a password; pgaudit is created where the server loads it (`cloudsql.enable_pgaudit`).
 */
export function databaseLogins(cloud: CloudName, json: StackJson): DatabaseLogin[] {
  const servers = nodes(json).filter((n) => n.type === TYPES[cloud].database[0]);
  const extensionsOf = (server: Node | undefined): string[] => {
    const flags = ((server?.body.settings as { database_flags?: { name: string; value: string }[] } | undefined)?.database_flags ?? []);
    return flags.some((f) => f.name === "cloudsql.enable_pgaudit" && f.value === "on") ? ["pgaudit"] : [];
  };
  const logins: DatabaseLogin[] = [];
  const mlflow = mlflowDatabase(cloud, json);
  if (mlflow && mlflow.role !== mlflow.adminUser) {
    const server = servers.find((n) => serverFacts(cloud, n.body).name === mlflow.server);
    logins.push({
      owner: "MLflow",
      server: mlflow.server,
      adminUser: mlflow.adminUser,
      database: mlflow.database,
      role: mlflow.role,
      login: mlflow.auth === "iam" ? (cloud === "aws" ? "rds-iam" : "existing") : "password",
      schema: "mlflow",
      extensions: extensionsOf(server),
      passwordEnv: "MLFLOW_DB_PASSWORD",
      ...(mlflow.passwordSecret && mlflow.auth !== "iam" ? { passwordSecret: mlflow.passwordSecret } : {}),
      writtenByRunbook: mlflow.loginSecret !== undefined,
    });
  }
  const declared = Object.entries(json.locals ?? {})
    .filter(([k]) => k.startsWith(DATABASE_LOGIN_LOCAL_PREFIX))
    .map(([k, v]) => ({ key: k, login: v as DeclaredDatabaseLogin }))
    .sort((a, b) => a.login.owner.localeCompare(b.login.owner));
  for (const { key, login: d } of declared) {
    const [serverAddress] = [...referencesOf({ value: d.server })];
    const server = servers.find((n) => n.address === serverAddress || serverFacts(cloud, n.body).name === d.server);
    if (!server) throw new Error(`locals.${key}: expected server to name a ${TYPES[cloud].database[0]} of the stack, found ${JSON.stringify(d.server)}`);
    // `existing` (Google's IAM login): no password, so no secret to read and nothing for the runbook to write.
    const secret = d.login === "password" ? { name: resolveLiteral(json, d.passwordSecret), address: [...referencesOf({ value: d.passwordSecret })][0] ?? "" } : undefined;
    logins.push({
      owner: d.owner,
      server: serverFacts(cloud, server.body).name,
      adminUser: serverFacts(cloud, server.body).adminUser,
      database: resolveLiteral(json, d.database),
      role: d.role,
      login: d.login,
      schema: d.schema,
      extensions: extensionsOf(server),
      passwordEnv: `${d.owner.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_DB_PASSWORD`,
      ...(secret ? { passwordSecret: secret } : {}),
      writtenByRunbook: secret !== undefined && secretsWithoutValue(cloud, json).some((s) => s.address === secret.address),
      ...(d.createDatabase ? { createDatabase: true } : {}),
    });
  }
  return logins;
}

/** Outputs whose value names only resources in `applied`: Terraform writes exactly those after a targeted apply. */
export function outputsAfter(json: StackJson, applied: ReadonlySet<string>): string[] {
  return Object.entries(json.output ?? {})
    .filter(([, o]) => [...referencesOf({ value: o.value })].every((r) => applied.has(r)))
    .map(([name]) => name);
}

/** `targets` and everything they depend on, transitively: what a `-target` apply creates. */
export function closureOf(json: StackJson, targets: readonly string[]): Set<string> {
  const byAddress = new Map(nodes(json).map((n) => [n.address, n]));
  const seen = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (seen.has(a)) continue;
    seen.add(a);
    for (const r of byAddress.get(a)?.refs ?? []) stack.push(r);
  }
  return seen;
}
