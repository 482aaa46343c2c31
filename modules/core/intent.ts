/**
 * Environment intent, resolved once: what an environment is for (throwaway or persistent, how
 * resilient, how users sign in) becomes the concrete decisions each cloud's modules read. No module
 * reads one setting to mean another; they read these decisions.
 */

/** `throwaway`: torn down and rebuilt at will (dev). `persistent`: holds data and users that must survive. */
export type Lifecycle = "throwaway" | "persistent";
/** `minimal`: interruptions accepted. `zonal`: survives the loss of one zone. */
export type Resilience = "minimal" | "zonal";
/** How platform users sign in at the identity provider. */
export type SignIn = "password" | "mfa";

/** The explicit settings an environment file writes. */
export interface EnvironmentIntent {
  readonly lifecycle: Lifecycle;
  readonly resilience: Resilience;
  readonly signIn: SignIn;
}

/** What the modules read. */
export interface PlatformDecisions {
  /** Refuse `terraform destroy` of edges, identity pools, runtimes and secrets (databases have their own setting). */
  readonly deletionProtection: boolean;
  /** Buckets and registries may be destroyed with their content. */
  readonly forceDestroy: boolean;
  /** Take a final database snapshot on destroy. */
  readonly finalSnapshot: boolean;
  /** Days a deleted secret can be recovered (AWS Secrets Manager: 0 deletes at once, else 7-30). */
  readonly secretRecoveryDays: number;
  /** Days a deleted key vault and its secrets stay soft-deleted (Azure: 7-90). */
  readonly softDeleteRetentionDays: number;
  /** Run workloads on interruptible capacity (Fargate Spot). */
  readonly spotCapacity: boolean;
  /** Sign-in requires a second factor. */
  readonly requireMfa: boolean;
  /** Spread what can be spread over zones (databases: standby in another zone). */
  readonly multiZone: boolean;
}

/** Resolves an environment's intent into the decisions every cloud reads. */
export function resolveIntent(intent: EnvironmentIntent): PlatformDecisions {
  const throwaway = intent.lifecycle === "throwaway";
  return {
    deletionProtection: !throwaway,
    forceDestroy: throwaway,
    finalSnapshot: !throwaway,
    secretRecoveryDays: throwaway ? 0 : 30,
    softDeleteRetentionDays: throwaway ? 7 : 90,
    // Interruptible capacity only where nothing must survive and no zone resilience is promised.
    spotCapacity: throwaway && intent.resilience === "minimal",
    requireMfa: intent.signIn === "mfa",
    multiZone: intent.resilience === "zonal",
  };
}
