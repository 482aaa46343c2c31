/**
 * Secret Manager secrets for the secrets the services name (`ServiceSpec.secrets`), replicated in
 * the environment's region only (data residency), with deletion protection where the environment
 * protects its data. Workloads read them by reference (`value_source.secret_key_ref`) at start.
 *
 * Each secret gets a first version Terraform generates, so the first apply needs no value that
 * does not exist yet (a Cloud Run revision that references a secret without a version fails to
 * start, and a tainted service with deletion protection cannot be replaced without a manual step).
 * The value comes from an ephemeral `random_password` into the write-only `secret_data_wo`: it
 * lands neither in cdk.tf.json nor in the state. With `secret_data_wo_version` set, the provider's
 * Read does not call `:access` (resource_secret_manager_secret_version.go, v6.50.0: "write-only
 * attributes are null on reads, secret_data_wo_version is used instead"), so a plan needs version
 * metadata only. Rotating is adding a version out of band (`gcloud secrets versions add`); Cloud
 * Run reads `latest`, and Terraform never reads or replaces the newer one.
 * No rotation schedule: rotation needs a rotator, which is the owning team's job.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { unknownName, ValidationError } from "../core/errors";
import type { PlatformSecrets } from "../core/contracts";
import { Naming } from "../core/naming";

export interface SecretsProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  /** Secret names (kebab-case), as the services list them. */
  readonly names: readonly string[];
  /** Refuse `terraform destroy` of a secret. @default true */
  readonly deletionProtection?: boolean;
  /** Length of each generated first value (letters and digits). @default 48 */
  readonly generatedLength?: number;
}

/** One Secret Manager secret per name. */
export class Secrets extends Construct implements PlatformSecrets {
  readonly byName: ReadonlyMap<string, SecretManagerSecret>;
  /** The generated first version of each secret: workloads that read the secret wait for it. */
  readonly firstVersions: ReadonlyMap<string, SecretManagerSecretVersion>;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? true;
    const length = props.generatedLength ?? 48;
    if (!Number.isInteger(length) || length < 16) throw new ValidationError(`generatedLength must be an integer of at least 16; got ${length}`, this);
    const map = new Map<string, SecretManagerSecret>();
    const versions = new Map<string, SecretManagerSecretVersion>();
    const stack = TerraformStack.of(this);
    for (const name of new Set(props.names)) {
      if (!/^[a-z][a-z0-9-]{0,200}$/.test(name)) {
        throw new ValidationError(`secret names must be kebab-case (a-z, 0-9, -); got ${JSON.stringify(name)}`, this);
      }
      const secret = new SecretManagerSecret(this, name, {
        project: props.projectId,
        secretId: props.naming.name(name),
        replication: { userManaged: { replicas: [{ location: props.region }] } },
        deletionProtection,
        labels: { secret: name },
      });
      map.set(name, secret);
      // cdktf 0.21 has no ephemeral-resource construct and no prebuilt random package: raw JSON, pinned (as modules/azure/secrets.ts).
      stack.addOverride("terraform.required_providers.random", { source: "hashicorp/random", version: "~> 3.7" });
      const local = `${this.node.id}_${name}`.replace(/[^a-zA-Z0-9_]/g, "_");
      stack.addOverride(`ephemeral.random_password.${local}`, { length, special: false, min_upper: 2, min_lower: 2, min_numeric: 2 });
      versions.set(
        name,
        new SecretManagerSecretVersion(this, `${name}-first`, {
          secret: secret.id,
          secretDataWo: `\${ephemeral.random_password.${local}.result}`,
          // ForceNew and Default 0 in v6.50.0: bumping it writes a new generated value.
          secretDataWoVersion: 1,
          // Dropping the version from config never deletes a value a running revision may still read
          // (deletion_policy DELETE|DISABLE|ABANDON, resource_secret_manager_secret_version.go v6.50.0).
          deletionPolicy: "ABANDON",
        }),
      );
    }
    this.byName = map;
    this.firstVersions = versions;
  }

  /** The secret's resource id (`projects/<p>/secrets/<id>`), for IAM and Cloud Run references. */
  get names(): readonly string[] {
    return [...this.byName.keys()];
  }

  secretId(name: string): string {
    const s = this.byName.get(name);
    if (!s) throw unknownName(this, "secret", name, [...this.byName.keys()]);
    return s.id;
  }
}
