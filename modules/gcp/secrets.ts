/**
 * Secret Manager secrets for the secrets the services name (`ServiceSpec.secrets`), replicated in
 * the environment's region only (data residency), with deletion protection where the environment
 * protects its data. Workloads read them by reference (`value_source.secret_key_ref`) at start.
 *
 * It deliberately creates no secret versions: a value written by Terraform lands in the state and
 * in cdk.tf.json. Operators add versions out of band (`gcloud secrets versions add`), and a Cloud
 * Run revision that references a secret without a version fails to start, which is the signal.
 * No rotation schedule either: rotation needs a rotator, which is the owning team's job.
 */
import { Construct } from "constructs";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { ValidationError } from "../core/errors";
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
}

/** One Secret Manager secret per name. */
export class Secrets extends Construct implements PlatformSecrets {
  readonly byName: ReadonlyMap<string, SecretManagerSecret>;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? true;
    const map = new Map<string, SecretManagerSecret>();
    for (const name of new Set(props.names)) {
      if (!/^[a-z][a-z0-9-]{0,200}$/.test(name)) {
        throw new ValidationError(`secret names must be kebab-case (a-z, 0-9, -); got ${JSON.stringify(name)}`, this);
      }
      map.set(
        name,
        new SecretManagerSecret(this, name, {
          project: props.projectId,
          secretId: props.naming.name(name),
          replication: { userManaged: { replicas: [{ location: props.region }] } },
          deletionProtection,
          labels: { secret: name },
        }),
      );
    }
    this.byName = map;
  }

  /** The secret's resource id (`projects/<p>/secrets/<id>`), for IAM and Cloud Run references. */
  get names(): readonly string[] {
    return [...this.byName.keys()];
  }

  secretId(name: string): string {
    const s = this.byName.get(name);
    if (!s) throw new ValidationError(`no secret named ${JSON.stringify(name)}; known: ${[...this.byName.keys()].join(", ") || "none"}`, this);
    return s.id;
  }
}
