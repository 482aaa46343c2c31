/** The clouds the suite deploys to; `environments/schema.ts` validates against the same list. */
export const CLOUD_NAMES = ["aws", "azure", "gcp"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];
