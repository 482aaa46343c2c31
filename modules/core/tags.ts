import type { CloudName } from "./cloud-name";

/** What tagging needs to know about an environment (an EnvironmentConfig satisfies it). */
export interface TagInput {
  /** Environment name (`dev`). */
  readonly name: string;
  /** Resource name prefix (`mlops`). */
  readonly namePrefix: string;
  /** The environment's own tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The tags every resource of an environment carries: the environment's own plus the suite's. */
export function platformTags(env: TagInput, cloud: CloudName): Record<string, string> {
  return {
    ...env.tags,
    environment: env.name,
    "managed-by": "cdktf",
    platform: env.namePrefix,
    cloud,
  };
}
