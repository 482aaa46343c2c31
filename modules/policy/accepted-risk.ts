/**
 * Accepted risks: findings a stack keeps on purpose, declared in one register per cloud
 * (`accepted/<cloud>-accepted-risks.ts`) instead of on the constructs, so the choice and its reason are
 * reviewed in one place and the modules stay free of policy. The PolicyAspect treats a matching entry as
 * a suppression: it is listed in the synth summary with the rule's scanner ids and written into the
 * scanner skip list; an entry that matches nothing fails synth, as a stale suppression does.
 */
import { ResourceView } from "./rule";

/** One accepted finding: which rule, on which resources, and why. */
export interface AcceptedRisk {
  readonly ruleId: string;
  /** The resources it covers, in words for the summary (`the Cognito pre-token Lambda`). */
  readonly resources: string;
  /** Picks the resources among those the rule finds non-compliant. */
  readonly appliesTo: (resource: ResourceView) => boolean;
  /**
   * Why the finding stays (10+ characters). An environment-driven choice names the config field it
   * comes from, like `storage.encryption is "managed" in the dev environment config`.
   */
  readonly reason: string;
}

/**
 * What the registers read from an environment's config (a structural subset of `EnvironmentConfig`,
 * so the policy folder does not depend on `environments/`).
 */
export interface RiskEnvironment {
  readonly name: string;
  readonly logRetentionDays: number;
  readonly lifecycle: "throwaway" | "persistent";
  readonly resilience: "minimal" | "zonal";
  readonly storage: { readonly encryption: "kms" | "managed"; readonly accessLogging: boolean };
  readonly clouds: {
    readonly azure?: { readonly registrySku?: "Basic" | "Standard" | "Premium"; readonly network: { readonly zoneRedundant: boolean } };
  };
}

/** The accepted risks of one cloud for one environment: entries only where the config makes the choice. */
export type RiskRegister = (env: RiskEnvironment) => AcceptedRisk[];

/** The construct path of a resource ends with `suffix` (a module's id, then its child's: `users/trigger`). */
export function pathEndsWith(...suffixes: string[]): (resource: ResourceView) => boolean {
  return (r) => suffixes.some((s) => r.path.endsWith(`/${s}`));
}

/** Every resource the rule finds non-compliant. */
export const everyResource = (): boolean => true;
