import type { EnvironmentConfig } from "../environments/schema";
import type { ResolvedService } from "../modules/core/workload-spec";

/** What main.ts hands every platform stack: validated, typed, nothing left to read from disk. */
export interface PlatformStackProps {
  readonly env: EnvironmentConfig;
  /** The environment's enabled services and jobs, sized and imaged. */
  readonly services: readonly ResolvedService[];
}
