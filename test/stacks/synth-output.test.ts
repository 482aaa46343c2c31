/** The output folder rules with real folders: synth replaces only what it wrote. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createStaging, outputFolderProblems, replaceOutput } from "../../stacks/synth-output";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "synth-out-"));
}

/** Writes `files` (path -> content) under `dir`, creating folders. */
function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

function lines(outdir: string, label = "CDKTF_OUTDIR"): string[] {
  return outputFolderProblems(outdir, label).map((p) => `${p.file}: ${p.field}: expected ${p.expected}, found ${p.found}`);
}

describe("outputFolderProblems", () => {
  test("GIVEN a new folder, an empty one, or one holding a previous synthesis with terraform's files WHEN checked THEN synth may write", () => {
    const dir = tmp();
    expect(lines(path.join(dir, "new"))).toEqual([]);
    fs.mkdirSync(path.join(dir, "empty"));
    expect(lines(path.join(dir, "empty"))).toEqual([]);
    write(path.join(dir, "old"), {
      "manifest.json": "{}",
      "stacks/dev-aws/cdk.tf.json": "{}",
      "stacks/dev-aws/assets/a/b.zip": "zip",
      "stacks/dev-aws/.terraform/providers/x": "bin",
      "stacks/dev-aws/.terraform.lock.hcl": "lock",
      "stacks/dev-aws/terraform.dev-aws.tfstate": "{}",
      "stacks/dev-aws/terraform.dev-aws.tfstate.backup": "{}",
      "stacks/dev-aws/plan": "plan",
      "stacks/dev-aws/.checkov.yaml": "skip-check: []",
      "stacks/dev-aws/.trivyignore": "",
      "stacks/dev-aws/accepted-risks.json": "{}",
    });
    expect(lines(path.join(dir, "old"))).toEqual([]);
  });

  test("GIVEN the project root (package.json, .git, sources) WHEN checked THEN it is refused in one line naming what synth did not write", () => {
    const root = tmp();
    write(root, { "package.json": "{}", ".git/HEAD": "ref: refs/heads/main\n", "main.ts": "", "environments/dev.ts": "" });
    const before = tree(root);
    const [line, ...rest] = lines(root);
    expect(rest).toEqual([]);
    expect(line).toBe(
      `CDKTF_OUTDIR: (folder): expected an empty folder, or one holding only what synth wrote (manifest.json, stacks/<name>/); synth removes nothing else, so choose another folder, found ${JSON.stringify(root)} holding .git/, environments/, main.ts, package.json`,
    );
    expect(tree(root)).toEqual(before);
  });

  test("GIVEN a foreign file next to a previous synthesis, or inside a stack folder WHEN checked THEN it is named", () => {
    const dir = tmp();
    write(dir, { "manifest.json": "{}", "stacks/dev-aws/cdk.tf.json": "{}", "stacks/dev-aws/notes.txt": "mine", "README.md": "mine" });
    expect(lines(dir, "cdktf.out")[0]).toMatch(/^cdktf\.out: \(folder\): expected an empty folder.*, found ".*" holding README\.md, stacks\/dev-aws\/notes\.txt$/);
  });

  test("GIVEN an output folder whose parent is missing, or that sits under a file WHEN checked THEN the real reason is named", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "file"), "x");
    expect(lines(path.join(dir, "missing", "out"))).toEqual([
      `CDKTF_OUTDIR: (folder): expected a folder whose parent folder exists (synth creates only the output folder itself), found ${JSON.stringify(path.join(dir, "missing", "out"))}: ${path.join(dir, "missing")} does not exist`,
    ]);
    expect(lines(path.join(dir, "file", "a", "out"))).toEqual([
      `CDKTF_OUTDIR: (folder): expected a folder whose parent folders exist, found ${JSON.stringify(path.join(dir, "file", "a", "out"))}: ${path.join(dir, "file")} is a file, not a folder`,
    ]);
    expect(lines(path.join(dir, "file"))).toEqual([
      `CDKTF_OUTDIR: (folder): expected a folder (synth writes manifest.json and stacks/ into it), found ${JSON.stringify(path.join(dir, "file"))} is a file`,
    ]);
  });
});

describe("replaceOutput", () => {
  test("GIVEN a previous synthesis with terraform state WHEN a new one replaces it THEN synth files are replaced, stale ones removed, terraform's kept", () => {
    const dir = tmp();
    const outdir = path.join(dir, "cdktf.out");
    write(outdir, {
      "manifest.json": "old",
      "stacks/dev-aws/cdk.tf.json": "old",
      "stacks/dev-aws/assets/old/x.zip": "old",
      "stacks/dev-aws/.terraform/providers/p": "bin",
      "stacks/dev-aws/terraform.dev-aws.tfstate": "state",
      "stacks/retired-aws/cdk.tf.json": "old",
      "stacks/sandbox-aws/cdk.tf.json": "old",
      "stacks/sandbox-aws/terraform.sandbox-aws.tfstate": "state",
    });
    const staging = createStaging(outdir, "cdktf.out");
    write(staging, { "manifest.json": "new", "stacks/dev-aws/cdk.tf.json": "new", "stacks/dev-aws/assets/new/y.zip": "new", "stacks/dev-gcp/cdk.tf.json": "new" });
    replaceOutput(staging, outdir);
    expect(tree(outdir)).toEqual([
      "manifest.json",
      "stacks/dev-aws/.terraform/providers/p",
      "stacks/dev-aws/assets/new/y.zip",
      "stacks/dev-aws/cdk.tf.json",
      "stacks/dev-aws/terraform.dev-aws.tfstate",
      "stacks/dev-gcp/cdk.tf.json",
      "stacks/sandbox-aws/terraform.sandbox-aws.tfstate",
    ]);
    expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe("new");
    expect(fs.readFileSync(path.join(outdir, "stacks/dev-aws/terraform.dev-aws.tfstate"), "utf8")).toBe("state");
  });

  test("GIVEN a staging folder of that name already exists WHEN staging is created THEN it fails instead of reusing (and later removing) it", () => {
    const outdir = path.join(tmp(), "cdktf.out");
    fs.mkdirSync(`${outdir}.staging-${process.pid}`);
    expect(() => createStaging(outdir, "cdktf.out")).toThrow(`cdktf.out: (folder): expected a folder synth may create its staging folder next to, found ${JSON.stringify(`${outdir}.staging-${process.pid}`)}: EEXIST`);
  });
});
