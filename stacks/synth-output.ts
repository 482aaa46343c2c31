/**
 * The output folder synth writes to (cdktf.out or CDKTF_OUTDIR). Synth owns only what it writes:
 * `manifest.json` and, in `stacks/<name>/`, the stack's `cdk.tf.json` (or `cdk.tf`), `metadata.json`,
 * `assets/` and the scanner skip lists. Terraform's working files in a stack folder (`.terraform/`, the lock file, local
 * state, plans) are kept where they are. A folder holding anything else (a project, a `.git`,
 * someone's files) is refused before anything is written, and nothing in it is removed.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, ConfigProblem } from "../modules/core/errors";
import { SKIP_LIST_FILES } from "../modules/policy/checkov-skip-list";

/** What cdktf writes into `stacks/<name>/` (cdktf/lib/manifest.js, stack synthesizer), and the scanner skip lists. */
const SYNTH_OWNED = new Set<string>(["cdk.tf.json", "cdk.tf", "metadata.json", "assets", ...SKIP_LIST_FILES]);
/** What terraform and the cdktf CLI leave in a stack folder; kept across syntheses, never removed. */
const TERRAFORM_FILE = /^(\.terraform(\..*)?|.*\.tfstate(\..*)?|plan|.*\.tfplan)$/;
/** At most this many foreign names are listed; the count says how many more there are. */
const LISTED = 5;

function kind(p: string): "missing" | "dir" | "file" | "link" | "other" {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return "missing";
  }
  if (st.isSymbolicLink()) return "link";
  return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
}

/** Entries of an existing output folder that synth did not write, as paths relative to it. */
export function foreignEntries(outdir: string): string[] {
  const foreign: string[] = [];
  for (const name of fs.readdirSync(outdir).sort()) {
    const k = kind(path.join(outdir, name));
    if (name === "manifest.json" && k === "file") continue;
    if (name !== "stacks" || k !== "dir") {
      foreign.push(k === "dir" ? `${name}/` : name);
      continue;
    }
    for (const stack of fs.readdirSync(path.join(outdir, "stacks")).sort()) {
      const dir = path.join(outdir, "stacks", stack);
      if (kind(dir) !== "dir") {
        foreign.push(`stacks/${stack}`);
        continue;
      }
      for (const entry of fs.readdirSync(dir).sort()) {
        if (!SYNTH_OWNED.has(entry) && !TERRAFORM_FILE.test(entry)) foreign.push(`stacks/${stack}/${entry}`);
      }
    }
  }
  return foreign;
}

/**
 * Why synth may not write to `outdir`, or nothing when it may. `label` names the folder in the
 * message (CDKTF_OUTDIR when the user set it).
 */
export function outputFolderProblems(outdir: string, label: string): ConfigProblem[] {
  const parent = path.dirname(outdir);
  const problem = (expected: string, found: string): ConfigProblem[] => [{ file: label, field: "(folder)", expected, found }];
  // The first ancestor that exists is the real reason: a file in the way, or the parent is missing.
  for (let up = parent; ; up = path.dirname(up)) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(up);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) break;
    if (st) return problem("a folder whose parent folders exist", `${JSON.stringify(outdir)}: ${up} is a file, not a folder`);
    if (path.dirname(up) === up) break;
  }
  if (!fs.existsSync(parent)) return problem("a folder whose parent folder exists (synth creates only the output folder itself)", `${JSON.stringify(outdir)}: ${parent} does not exist`);
  const k = kind(outdir);
  if (k === "missing") return [];
  if (k !== "dir") return problem("a folder (synth writes manifest.json and stacks/ into it)", `${JSON.stringify(outdir)} is ${k === "link" ? "a symbolic link" : "a file"}`);
  const foreign = foreignEntries(outdir);
  if (foreign.length === 0) return [];
  const listed = foreign.slice(0, LISTED).join(", ") + (foreign.length > LISTED ? ` and ${foreign.length - LISTED} more` : "");
  return problem(
    "an empty folder, or one holding only what synth wrote (manifest.json, stacks/<name>/); synth removes nothing else, so choose another folder",
    `${JSON.stringify(outdir)} holding ${listed}`,
  );
}

/** Creates the staging folder next to `outdir`; it fails rather than reuse a folder it did not create. */
export function createStaging(outdir: string, label: string): string {
  const staging = `${outdir}.staging-${process.pid}`;
  try {
    fs.mkdirSync(staging);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    // Not writable, read-only, or a folder of that name already there: bad input, not a bug.
    if (!["EACCES", "EPERM", "EROFS", "EEXIST"].includes(code)) throw e;
    throw new ConfigError([{ file: label, field: "(folder)", expected: "a folder synth may create its staging folder next to", found: `${JSON.stringify(staging)}: ${code}` }]);
  }
  return staging;
}

/**
 * Moves a finished synthesis from `staging` into `outdir`: each stack's synth files are replaced,
 * synth files of stacks no longer synthesized are removed (their folder too once empty), terraform's
 * files stay, `manifest.json` is replaced last. Everything else was refused by outputFolderProblems.
 */
export function replaceOutput(staging: string, outdir: string): void {
  if (!fs.existsSync(outdir)) fs.mkdirSync(outdir);
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) fs.mkdirSync(stacksDir);
  const fresh = new Set(fs.readdirSync(path.join(staging, "stacks")));
  for (const old of fs.readdirSync(stacksDir)) {
    if (fresh.has(old)) continue;
    const dir = path.join(stacksDir, old);
    for (const entry of fs.readdirSync(dir)) {
      if (SYNTH_OWNED.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  for (const stack of fresh) {
    const from = path.join(staging, "stacks", stack);
    const to = path.join(stacksDir, stack);
    if (!fs.existsSync(to)) fs.mkdirSync(to);
    const written = new Set(fs.readdirSync(from));
    for (const entry of fs.readdirSync(to)) {
      if (SYNTH_OWNED.has(entry)) fs.rmSync(path.join(to, entry), { recursive: true, force: true });
    }
    for (const entry of written) fs.renameSync(path.join(from, entry), path.join(to, entry));
  }
  fs.renameSync(path.join(staging, "manifest.json"), path.join(outdir, "manifest.json"));
}
