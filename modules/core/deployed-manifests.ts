/** Reads the promoted model manifests of one environment (deployments/<env>/models/*.json) for the stacks. */
import * as fs from "fs";
import * as path from "path";
import { ConfigProblem } from "./errors";
import { zodProblems } from "./zod-problems";
import { ModelManifest, modelManifestSchema } from "./model-manifest";

export interface DeployedManifests {
  readonly manifests: Record<string, ModelManifest>;
  readonly problems: ConfigProblem[];
}

/** Manifests keyed by model name; a missing folder means nothing promoted yet. */
export function readDeployedManifests(deploymentsDir: string, env: string, root: string = process.cwd()): DeployedManifests {
  return readManifestFolder(path.join(deploymentsDir, env, "models"), root);
}

/**
 * Reads and validates every `<name>.json` in one folder (a promotion source's `models/` or an
 * environment's). File names in problems are relative to `root`. A missing folder holds nothing.
 * Symbolic links (the folder itself or a manifest) and `.json` entries that are not files are problems,
 * never followed: a manifest must be what the folder holds, not what a link points at.
 */
export function readManifestFolder(dir: string, root: string = process.cwd()): DeployedManifests {
  const manifests: Record<string, ModelManifest> = {};
  const problems: ConfigProblem[] = [];
  const kind = entryKind(dir);
  if (kind === "missing") return { manifests, problems };
  if (kind !== "folder") {
    problems.push({ file: path.relative(root, dir) || ".", field: "", expected: "a folder of <name>.json model manifests", found: describeKind(kind) });
    return { manifests, problems };
  }
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
    const file = path.relative(root, path.join(dir, f));
    const fileKind = entryKind(path.join(dir, f));
    if (fileKind !== "file") {
      problems.push({ file, field: "", expected: "a model manifest file", found: describeKind(fileKind) });
      continue;
    }
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    // An editor's byte order mark is invisible in any message that quotes the text: name it instead.
    if (text.startsWith("\uFEFF")) {
      problems.push({ file, field: "", expected: "valid JSON in UTF-8 without a byte order mark", found: "a byte order mark (U+FEFF, bytes EF BB BF) before the JSON: save the file as UTF-8 without BOM" });
      continue;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      problems.push({ file, field: "", expected: "valid JSON", found: (e as Error).message });
      continue;
    }
    const parsed = modelManifestSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error, data));
      continue;
    }
    if (`${parsed.data.name}.json` !== f) {
      problems.push({ file, field: "name", expected: `${JSON.stringify(f.replace(/\.json$/, ""))} (the file's name)`, found: JSON.stringify(parsed.data.name) });
      continue;
    }
    manifests[parsed.data.name] = parsed.data;
  }
  return { manifests, problems };
}

/** What is at a path, without following a symbolic link. */
export type EntryKind = "missing" | "file" | "folder" | "symlink" | "other";

/** What is at `p` (lstat: a symbolic link is reported as one, never followed). */
export function entryKind(p: string): EntryKind {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return "missing";
  }
  return st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "folder" : st.isFile() ? "file" : "other";
}

/** An EntryKind as the `found` of a problem. */
export function describeKind(kind: EntryKind): string {
  return { missing: "nothing", file: "a file", folder: "a folder", symlink: "a symbolic link (links are not promoted)", other: "a special file" }[kind];
}
