/** Reading synthesized Terraform JSON in tests; imports nothing from the stacks, so it loads no provider code. */
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");

/** Terraform JSON of one stack, as written to cdk.tf.json. */
export type StackJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  data?: Record<string, Record<string, Record<string, unknown>>>;
};

/** All resources of a type in a stack's JSON, as a list of attribute objects. */
export function resources(json: StackJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource?.[type] ?? {});
}
