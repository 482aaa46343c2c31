/**
 * A pause after IAM grants (or an API enablement) before the resources that use them: Google IAM
 * and the service agents an API creates are eventually consistent, so a CMEK bucket created the
 * second after its key grant fails with "Permission denied on Cloud KMS key", and an Eventarc
 * trigger on a fresh project with "Permission denied while using the Eventarc Service Agent".
 *
 * It is a `time_sleep` of hashicorp/time, which Google stacks may use (their plans and deploys run
 * online; only the AWS plan test is offline and AWS stacks never call this). cdktf 0.21 has no
 * prebuilt time package: raw JSON, pinned, as modules/azure/secrets.ts declares random. The sleep
 * runs on create only: once in state, later applies do not wait again; replacing what it waits for
 * (a new grant id in `triggers`) waits again.
 */
import { IConstruct } from "constructs";
import { TerraformResource, TerraformStack } from "cdktf";
import { addressOf } from "./depends-on";

/** Waits `seconds` after `after` are created; returns the `time_sleep.<name>` address for depends_on. */
export function propagationWait(scope: IConstruct, name: string, after: readonly TerraformResource[], seconds = 60): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`propagation wait names are snake_case Terraform names; got ${JSON.stringify(name)}`);
  if (after.length === 0) throw new Error(`propagation wait ${name} waits for nothing`);
  const stack = TerraformStack.of(scope);
  stack.addOverride("terraform.required_providers.time", { source: "hashicorp/time", version: "~> 0.13" });
  stack.addOverride(`resource.time_sleep.${name}`, {
    create_duration: `${seconds}s`,
    depends_on: after.map(addressOf),
    triggers: Object.fromEntries(after.map((r, i) => [`after_${i}`, `\${${addressOf(r)}.id}`])),
  });
  return `time_sleep.${name}`;
}

/** Adds `address` to the depends_on of every resource under each of `targets`. */
export function waitFor(address: string, ...targets: IConstruct[]): void {
  for (const target of targets) {
    for (const r of target.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))) {
      const current = r.dependsOn ?? [];
      if (!current.includes(address)) r.dependsOn = [...current, address];
    }
  }
}
