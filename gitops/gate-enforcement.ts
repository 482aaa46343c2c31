/** Whether the metric gate holds a promotion, decided from the environment's mode and the kind of run. Pure. */
import { PromotionRequest } from "./context";

/** The gate's enforcement for one run. */
export interface GateEnforcement {
  readonly enforced: boolean;
  /** Why not, for the reason line (`direct mode`, `rollback`, `retire`). @default - enforced */
  readonly notEnforcedBecause?: string;
}

/**
 * Enforced for promotions into pull-request environments only. Direct environments (dev) report the
 * decision without holding; a rollback restores what ran before and a retire writes no manifest.
 */
export function gateEnforcement(mode: "direct" | "pull-request", kind: PromotionRequest["kind"]): GateEnforcement {
  if (kind !== "promote") return { enforced: false, notEnforcedBecause: kind };
  if (mode !== "pull-request") return { enforced: false, notEnforcedBecause: "direct mode" };
  return { enforced: true };
}
