/** Tags every AWS resource of the stack through the provider's default tags (the resource's own tags win on a clash). */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/** Sets the provider's default tags. Returns the tags. */
export function applyTags(provider: AwsProvider, tags: Readonly<Record<string, string>>): Record<string, string> {
  provider.defaultTags = [{ tags: { ...tags } }];
  return { ...tags };
}
