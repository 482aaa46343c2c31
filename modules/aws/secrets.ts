/**
 * Secrets Manager secrets for the names the workloads ask for. Only the containers are created:
 * values are put in out of band (console, CLI, a rotation function), so no value ever sits in
 * the Terraform configuration or state. Containers read them by ARN through ECS `secrets`.
 */
import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import type { PlatformSecrets } from "../core/contracts";
import { lookup } from "../core/errors";
import { Naming } from "../core/naming";

export interface SecretsProps {
  readonly naming: Naming;
  readonly names: readonly string[];
  /** @default - the AWS managed key aws/secretsmanager */
  readonly customerManagedKey?: string;
  /** Days a deleted secret can be restored; 0 deletes at once (throwaway environments rebuild under the same names). @default 30 */
  readonly recoveryWindowDays?: number;
}

/** One secret per name, at `<prefix>/<env>/<name>`. */
export class Secrets extends Construct implements PlatformSecrets {
  readonly secrets: Record<string, SecretsmanagerSecret> = {};

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    for (const name of [...new Set(props.names)]) {
      this.secrets[name] = new SecretsmanagerSecret(this, name, {
        name: `${props.naming.prefix}/${props.naming.env}/${name}`,
        description: `MLOps ${props.naming.env}: ${name} (value set out of band)`,
        kmsKeyId: props.customerManagedKey,
        recoveryWindowInDays: props.recoveryWindowDays ?? 30,
      });
    }
  }

  get names(): readonly string[] {
    return Object.keys(this.secrets);
  }

  arnOf(name: string): string {
    return lookup(this, "secret", this.secrets, name).arn;
  }
}
