/** Reason texts for environment-driven choices: they name the config field, so the fix is findable. */
import { RiskEnvironment } from "../accepted-risk";

/** `storage.encryption is "managed" in the dev environment config (environments/dev.ts): <why>` */
export function configChoice(env: RiskEnvironment, field: string, value: unknown, why: string): string {
  return `${field} is ${JSON.stringify(value)} in the ${env.name} environment config (environments/${env.name}.ts): ${why}`;
}

/** Encryption with provider-managed keys, chosen by `storage.encryption`. */
export function managedKeys(env: RiskEnvironment): string {
  return configChoice(env, "storage.encryption", env.storage.encryption, "provider-managed keys, no customer key to pay for, rotate or lose");
}
