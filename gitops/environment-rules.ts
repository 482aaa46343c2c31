/**
 * The environments a promotion follows, loaded from the --environments folder, with every way that
 * folder can be wrong (missing, a file, empty, a file that does not load) as one InputError line.
 */
import * as fs from "fs";
import * as path from "path";
import { LoadedEnvironment, loadEnvironments } from "../environments/load";
import { EnvironmentConfig } from "../environments/schema";
import { ConfigError } from "../modules/core/errors";
import { describeKind, entryKind } from "../modules/core/deployed-manifests";
import { InputError } from "./errors";

const EXPECTED = "a folder with one <name>.ts environment file per environment";

/** Loads every environment of `dir`; file names in problems are relative to `root`. */
export function loadRules(dir: string, root: string = process.cwd()): LoadedEnvironment[] {
  const shown = path.relative(root, dir) || ".";
  const kind = entryKind(dir);
  const isFolder = kind === "folder" || (kind === "symlink" && fs.existsSync(dir) && fs.statSync(dir).isDirectory());
  if (!isFolder) {
    throw new InputError([{ file: "command line", field: "--environments", expected: EXPECTED, found: `${shown}: ${kind === "missing" ? "no such file or folder" : describeKind(kind)}` }]);
  }
  let envs: LoadedEnvironment[];
  try {
    envs = loadEnvironments({ dir, root });
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(e.problems);
    const first = (e instanceof Error ? e.message : String(e)).split("\n").find((l) => l.trim() !== "") ?? "an error";
    throw new InputError([{ file: shown, field: "", expected: "environment files that load", found: first.trim() }]);
  }
  if (envs.length === 0) {
    const held = fs.readdirSync(dir).sort();
    throw new InputError([{ file: "command line", field: "--environments", expected: EXPECTED, found: `${shown}: ${held.length ? `no environment file (it holds only ${held.join(", ")})` : "an empty folder"}` }]);
  }
  return envs;
}

/** One environment's rules; an unknown name is bad input listing the known ones. */
export function environmentRules(dir: string, name: string, root: string): EnvironmentConfig {
  const envs = loadRules(dir, root);
  const hit = envs.find((e) => e.config.name === name);
  if (!hit) {
    throw new InputError([{ file: "command line", field: "--env", expected: `one of ${envs.map((e) => e.config.name).join(", ")}`, found: JSON.stringify(name) }]);
  }
  return hit.config;
}
