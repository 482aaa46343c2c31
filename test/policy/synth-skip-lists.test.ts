/**
 * `npm run synth` (a real process: the run's shared synthesis, test/support/shared-synth.ts) writes each stack's
 * scanner skip lists next to its cdk.tf.json.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { sharedSynth } from "../support/shared-synth";

test("GIVEN npm run synth WHEN it succeeds THEN every prod stack has .checkov.yaml, .trivyignore and accepted-risks.json that agree with the summary", () => {
  const r = sharedSynth(); // it threw with synth's output if synth failed
  const outdir = r.outdir;
  expect(r.stderr).toBe("");
  for (const stack of ["prod-aws", "prod-azure", "prod-gcp"]) {
    const dir = path.join(outdir, "stacks", stack);
    const skip = (parse(fs.readFileSync(path.join(dir, ".checkov.yaml"), "utf8")) as { "skip-check": string[] })["skip-check"];
    const data = JSON.parse(fs.readFileSync(path.join(dir, "accepted-risks.json"), "utf8")) as { accepted: { scanner: string; id: string }[] };
    expect(skip).toEqual(data.accepted.filter((a) => a.scanner === "checkov").map((a) => a.id));
    expect(skip.length).toBeGreaterThan(0);
    const summaryLine = r.stdout.split("\n").find((l) => l.includes(`skip list in stacks/${stack}/.checkov.yaml`))!;
    expect(summaryLine.split(": ").pop()!.split(" ")).toEqual(data.accepted.map((a) => a.id));
    const trivy = fs.readFileSync(path.join(dir, ".trivyignore"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(trivy).toEqual(data.accepted.filter((a) => a.scanner === "trivy").map((a) => a.id));
  }
  expect(r.stdout).toContain("CKV_AWS_144");
});
