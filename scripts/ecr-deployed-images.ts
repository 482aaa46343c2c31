/**
 * Prints, as JSON, every ECR image digest a synthesized AWS stack deploys and the protection tag
 * deploy.yml gives it before `cdktf deploy`:
 *   npx tsx scripts/ecr-deployed-images.ts --stack prod-aws [--outdir cdktf.out]
 *   [{"repository":"mlops-prod/model-api","digest":"sha256:…","tag":"deployed-<64 hex>"}]
 * The registry's lifecycle rule 1 claims every `deployed-` tag before the CI-build rule counts
 * (modules/aws/registry.ts `lifecyclePolicy`), so a digest a deployed manifest names never expires.
 * It reads the synthesized JSON only and calls no cloud. Exit 2 = bad input (nothing printed).
 */
import * as fs from "fs";
import * as path from "path";
import { DEPLOYED_TAG_PREFIX } from "../modules/aws/registry";

/** One digest the stack runs, in the repository it is pulled from. */
export interface DeployedImage {
  readonly repository: string;
  readonly digest: string;
  readonly tag: string;
}

/** The protection tag of a digest: deterministic, so re-tagging is a no-op and no other digest can take it. */
export function deployedTag(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return `${DEPLOYED_TAG_PREFIX}${m[1]}`;
}

/** Every `<repository_url>@sha256:…` the stack JSON references, deduplicated, sorted. */
export function deployedImages(stackJson: string, file = "cdk.tf.json"): DeployedImage[] {
  const json = JSON.parse(stackJson) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const repos = json.resource?.aws_ecr_repository ?? {};
  const found = new Map<string, DeployedImage>();
  for (const m of stackJson.matchAll(/\$\{aws_ecr_repository\.([A-Za-z0-9_-]+)\.repository_url\}@(sha256:[0-9a-f]{64})/g)) {
    const repo = repos[m[1]];
    if (!repo || typeof repo.name !== "string") throw new Error(`${file}: image references aws_ecr_repository.${m[1]}, which has no literal name`);
    const image = { repository: repo.name, digest: m[2], tag: deployedTag(m[2]) };
    found.set(`${image.repository}@${image.digest}`, image);
  }
  return [...found.values()].sort((a, b) => `${a.repository}@${a.digest}`.localeCompare(`${b.repository}@${b.digest}`));
}

function main(argv: readonly string[]): number {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stack = arg("--stack");
  const outdir = arg("--outdir") ?? "cdktf.out";
  if (!stack || !/^[a-z0-9-]+-aws$/.test(stack)) {
    process.stderr.write(`ecr-deployed-images: --stack must name an AWS stack (<env>-aws); got ${stack ?? "nothing"}\n`);
    return 2;
  }
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  if (!fs.existsSync(file)) {
    process.stderr.write(`ecr-deployed-images: ${file} does not exist; run \`npx cdktf synth\` first\n`);
    return 2;
  }
  try {
    process.stdout.write(`${JSON.stringify(deployedImages(fs.readFileSync(file, "utf8"), file))}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`ecr-deployed-images: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
