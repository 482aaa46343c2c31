/** A stack with a Google provider whose default labels carry the test tags, for module and policy tests. */
import { App, TerraformStack, Testing } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Naming } from "../../../modules/core/naming";
import type { ContainerFacts } from "../../../modules/core/container-contract";
import type { ResolvedService } from "../../../services/service-spec";
import { receiver } from "../../../services/receiver";

export const GCP_TEST_TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "gcp" };
export const naming = new Naming("mlops", "test");
export const PROJECT = { projectId: "mlops-test-1234", projectNumber: "100000000009", region: "europe-west3" };

/** What the container contract needs, as the Google stack would pass it. */
export const GCP_FACTS: ContainerFacts = {
  cloud: "gcp",
  environment: "test",
  bucketName: (p) => `mlops-test-${p}`,
  cloudEnv: { GOOGLE_CLOUD_PROJECT: PROJECT.projectId, GOOGLE_CLOUD_REGION: PROJECT.region },
  auth: { issuer: "https://accounts.google.com", audience: "https://api.example", jwksUri: "https://www.googleapis.com/oauth2/v3/certs", adminClaim: "email", adminValues: ["admin@example.com"] },
};

/** A stack named `test` with the Google provider and the test labels as default labels. */
export function gcpTestStack(app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, "test");
  const p = new GoogleProvider(stack, "google", { project: PROJECT.projectId, region: PROJECT.region });
  p.addOverride("default_labels", GCP_TEST_TAGS);
  return stack;
}

/**
 * A resolved public JWT service to vary in tests: the catalog's receiver (so it follows the catalog),
 * renamed `api`, scaled 0..3, with no buckets or routes unless a test adds them.
 */
export function serviceSpec(over: Partial<ResolvedService> = {}): ResolvedService {
  return {
    ...receiver,
    name: "api",
    description: "test api",
    routes: undefined,
    scaling: { min: 0, max: 3, targetCpuPercent: 60 },
    buckets: {},
    image: { kind: "tag", tag: "v1" },
    ...over,
  };
}
