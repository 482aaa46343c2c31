/** `npm run synth` (main.ts, a real process) writes each stack's scanner skip lists next to its cdk.tf.json. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");

test("GIVEN CDKTF_ENV=prod WHEN synthesized THEN every prod stack has .checkov.yaml, .trivyignore and accepted-risks.json that agree with the summary", () => {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "skip-main-")), "cdktf.out");
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "main.ts")], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_ENV: "prod", CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", MLOPS_DEPLOYMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "dep-")) },
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
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
