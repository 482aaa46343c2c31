/**
 * ECR lifecycle versus promoted digests: the rules the registry writes, run through an evaluator of
 * ECR's documented semantics (AWS "Lifecycle policy evaluation rules": ascending rulePriority; an
 * image matched by a rule's tag selection cannot be expired by a later rule; `imageCountMoreThan`
 * keeps the newest N by push time; a tagPrefixList selects images holding a tag with every prefix),
 * against a repository where CI pushed hundreds of builds and a deployed manifest names some of them.
 */
import { deployedImages, deployedTag } from "../../../scripts/ecr-deployed-images";
import { promotedDeployments } from "../../support/deployments";
import { resources, synthProject, synthStack } from "../../support/synth";
import { Registry } from "../../../modules/aws/registry";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

interface Image {
  readonly digest: string;
  readonly tags: readonly string[];
  /** Seconds since some epoch; larger = newer. */
  readonly pushedAt: number;
}

interface Rule {
  rulePriority: number;
  selection: { tagStatus: "tagged" | "untagged" | "any"; tagPrefixList?: string[]; tagPatternList?: string[]; countType: string; countNumber: number; countUnit?: string };
  action: { type: string };
}

/** The digests ECR would expire today (`now` in seconds) under `rules`. */
function expired(rules: readonly Rule[], images: readonly Image[], now: number): Set<string> {
  const claimed = new Set<string>();
  const out = new Set<string>();
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const sel = rule.selection;
    if (sel.tagPatternList) throw new Error("the evaluator does not model tagPatternList");
    const matches = images.filter((img) => {
      if (claimed.has(img.digest)) return false;
      if (sel.tagStatus === "untagged") return img.tags.length === 0;
      if (sel.tagStatus === "any") return true;
      return (sel.tagPrefixList ?? []).every((p) => img.tags.some((t) => t.startsWith(p)));
    });
    for (const img of matches) claimed.add(img.digest);
    if (sel.countType === "imageCountMoreThan") {
      for (const img of [...matches].sort((a, b) => b.pushedAt - a.pushedAt).slice(sel.countNumber)) out.add(img.digest);
    } else if (sel.countType === "sinceImagePushed") {
      expect(sel.countUnit).toBe("days");
      for (const img of matches) if (now - img.pushedAt > sel.countNumber * 86400) out.add(img.digest);
    } else {
      throw new Error(`unknown countType ${sel.countType}`);
    }
  }
  return out;
}

const digest = (i: number) => `sha256:${i.toString(16).padStart(64, "0")}`;

function rulesOf(keepImages: number): Rule[] {
  const stack = awsTestStack();
  new Registry(stack, "registry", { naming: AWS_NAMING, repositories: ["model-api"], keepImages });
  const [policy] = resources(synthStack(stack), "aws_ecr_lifecycle_policy");
  return (JSON.parse(policy.policy as string) as { rules: Rule[] }).rules;
}

describe("ECR lifecycle and deployed digests", () => {
  const keep = 20;
  const rules = rulesOf(keep);
  const now = 1_000_000_000;
  // 500 CI builds, one per hour; the environment deployed a handful over time, including very old ones.
  const deployedAt = [3, 77, 150, 299, 420, 480];
  const images: Image[] = Array.from({ length: 500 }, (_, i) => ({
    digest: digest(i),
    tags: [`ci-${i}-1-1`, ...(deployedAt.includes(i) ? [deployedTag(digest(i))] : [])],
    pushedAt: now - (500 - i) * 3600,
  }));

  test("GIVEN 500 CI builds and deployed digests anywhere in them WHEN the rules run THEN no deployed digest expires", () => {
    const gone = expired(rules, images, now);
    for (const i of deployedAt) expect(gone.has(digest(i))).toBe(false);
  });

  test("GIVEN the same repository THEN exactly keepImages undeployed CI builds stay (the newest), everything older expires", () => {
    const gone = expired(rules, images, now);
    const undeployed = images.filter((img) => !img.tags.some((t) => t.startsWith("deployed-")));
    const newest = [...undeployed].sort((a, b) => b.pushedAt - a.pushedAt).slice(0, keep).map((img) => img.digest);
    expect(undeployed.filter((img) => !gone.has(img.digest)).map((img) => img.digest).sort()).toEqual([...newest].sort());
    expect(gone.size).toBe(undeployed.length - keep);
  });

  test("GIVEN an image with a tag that is neither ci- nor deployed- (the catalog tag) THEN no rule expires it, however old", () => {
    const old: Image = { digest: digest(9999), tags: ["latest-release"], pushedAt: 0 };
    expect(expired(rules, [...images, old], now).has(old.digest)).toBe(false);
  });

  test("GIVEN the old single any-rule policy THEN the evaluator expires a deployed digest (the test can fail)", () => {
    const anyRule: Rule[] = [{ rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep }, action: { type: "expire" } }];
    expect(expired(anyRule, images, now).has(digest(3))).toBe(true);
  });

  test("GIVEN the rules THEN a tagStatus any rule is absent (it would have to come last and would expire everything else)", () => {
    expect(rules.map((r) => r.selection.tagStatus)).toEqual(["tagged", "tagged", "untagged"]);
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3]);
  });
});

describe("scripts/ecr-deployed-images.ts on the synthesized prod-aws stack", () => {
  const DIGEST = `sha256:${"ab".repeat(32)}`;
  const built = synthProject({ select: "prod", deploymentsDir: promotedDeployments({ prod: { digest: DIGEST, version: "4.0.0" } }), clouds: ["aws"] });

  test("GIVEN a promoted model-api manifest WHEN the stack is synthesized THEN the script names that digest in prod's model-api repository with its deployed- tag", () => {
    const text = JSON.stringify(built.json("prod-aws"));
    const images = deployedImages(text);
    expect(images).toEqual([{ repository: "mlops-prod/model-api", digest: DIGEST, tag: `deployed-${"ab".repeat(32)}` }]);
  });

  test("GIVEN that tag THEN the lifecycle rules of prod's registry never expire the digest, whatever CI pushed after it", () => {
    const [policy] = resources(built.json("prod-aws"), "aws_ecr_lifecycle_policy");
    const prodRules = (JSON.parse(policy.policy as string) as { rules: Rule[] }).rules;
    const tag = deployedImages(JSON.stringify(built.json("prod-aws")))[0].tag;
    const repo: Image[] = [
      { digest: DIGEST, tags: ["ci-old-1-1", tag], pushedAt: 0 },
      ...Array.from({ length: 1000 }, (_, i) => ({ digest: digest(i), tags: [`ci-${i}-1-1`], pushedAt: 10 + i })),
    ];
    expect(expired(prodRules, repo, 2000).has(DIGEST)).toBe(false);
  });

  test("GIVEN a malformed digest THEN deployedTag refuses it", () => {
    expect(() => deployedTag("sha256:abc")).toThrow(/not a sha256 digest/);
  });
});
