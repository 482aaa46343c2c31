/** AWS tags: the environment's tags as the provider's default tags, so every AWS resource carries them. */
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { applyTags } from "../../../modules/aws/tags";
import { Registry } from "../../../modules/aws/registry";
import { platformTags } from "../../../modules/core/tags";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING } from "./aws-test-stack";

const TAGS = platformTags({ name: "test", namePrefix: "mlops", tags: { owner: "ml-platform" } }, "aws");

describe("AWS applyTags", () => {
  let json: StackJson;
  let returned: Record<string, string>;
  beforeAll(() => {
    const stack = new TerraformStack(Testing.app(), "test");
    returned = applyTags(new AwsProvider(stack, "aws", { region: "eu-central-1" }), TAGS);
    new Registry(stack, "registry", { naming: AWS_NAMING, repositories: SERVICE_CATALOG.map((s) => s.name) });
    json = synthStack(stack);
  });

  test("GIVEN the platform tags WHEN applied THEN the provider's default_tags hold exactly them and the function returns them", () => {
    expect(json.provider?.aws?.[0].default_tags).toEqual([{ tags: TAGS }]);
    expect(returned).toEqual(TAGS);
  });

  test("GIVEN default tags THEN resources carry no copy of their own (one source of truth, no tag drift in plans)", () => {
    for (const repo of Object.values(json.resource?.aws_ecr_repository ?? {})) expect(repo).not.toHaveProperty("tags");
  });
});
