import type { CloudName, EnvironmentConfig } from "../../environments/schema";

/** The tags every resource of an environment carries: the environment's own plus the suite's. */
export function platformTags(env: EnvironmentConfig, cloud: CloudName): Record<string, string> {
  return {
    ...env.tags,
    environment: env.name,
    "managed-by": "cdktf",
    platform: env.namePrefix,
    cloud,
  };
}
