/**
 * Loads every environment file, validates it, and checks what no single file can see
 * (overlapping networks, promotion chains). Returns typed configs or throws one ConfigError
 * listing every problem.
 */
import * as fs from "fs";
import * as path from "path";
import { cidrsOverlap, parseCidr } from "../modules/core/cidr";
import { ConfigError, ConfigProblem } from "../modules/core/errors";
import { zodProblems } from "../modules/core/zod-problems";
import { cloudRuleProblems } from "./cloud-rules";
import { promotionChainProblems } from "./promotion-chain";
import { CLOUDS, EnvironmentConfig, environmentSchema } from "./schema";

/** Files of environments/ that are code, not environments. */
const NOT_ENVIRONMENTS = new Set(["schema.ts", "load.ts", "index.ts", "cloud-rules.ts", "promotion-chain.ts"]);

/** Marks a file that could not be loaded: its problem is already reported, and nothing else about it is. */
const UNREADABLE = Symbol("unreadable");

/** A validated environment and the file it came from (relative to the project root). */
export interface LoadedEnvironment {
  readonly file: string;
  readonly config: EnvironmentConfig;
}

export interface LoadOptions {
  /** Folder holding `<name>.ts` files, each with a default export. */
  readonly dir: string;
  /** Root that file names in messages are relative to. @default process.cwd() */
  readonly root?: string;
  /** Comma list of environment names to keep (CDKTF_ENV). @default - all */
  readonly select?: string;
}

/** Loads, validates and selects environments; throws ConfigError with every problem found. */
export function loadEnvironments(opts: LoadOptions): LoadedEnvironment[] {
  const root = opts.root ?? process.cwd();
  const files = fs
    .readdirSync(opts.dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !NOT_ENVIRONMENTS.has(f))
    .sort();
  const unreadable: ConfigProblem[] = [];
  const raw = files.map((f) => {
    const full = path.resolve(opts.dir, f);
    const file = path.relative(root, full);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(full) as { default?: unknown };
      return { file, name: f.replace(/\.ts$/, ""), data: mod.default };
    } catch (e) {
      // A syntax error (esbuild/swc) or a throw while the file runs: name the file and the real reason.
      unreadable.push({ file, field: "(file)", expected: "a TypeScript file that compiles and runs", found: loadFailure(e) });
      return { file, name: f.replace(/\.ts$/, ""), data: UNREADABLE };
    }
  });
  return validateEnvironments(raw, opts.select, unreadable);
}

/** The first line of why a file did not load, with its position when the compiler gave one. */
export function loadFailure(e: unknown): string {
  const errors = (e as { errors?: { text?: string; location?: { line?: number; column?: number } | null }[] }).errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  if (first?.text) {
    const at = first.location ? ` at line ${first.location.line}, column ${(first.location.column ?? 0) + 1}` : "";
    return `a syntax error${at}: ${first.text}`;
  }
  // Errors from a compiler's require hook may come from another realm: read them by shape, not class.
  const err = typeof e === "object" && e !== null ? (e as { name?: unknown; message?: unknown }) : {};
  const message = typeof err.message === "string" ? err.message : String(e);
  // esbuild (tsx): "Transform failed with 1 error:\n<file>:8:14: ERROR: Expected ...".
  const esbuild = /:(\d+):(\d+): ERROR: (.+)/.exec(message);
  if (esbuild) return `a syntax error at line ${esbuild[1]}, column ${Number(esbuild[2]) + 1}: ${esbuild[3]}`;
  // swc (jest): "  x Unexpected token ..." then a code frame "╭─[<file>:1:1]".
  const swc = /^\s*(?:Error:\s*)?[x×]\s+(.+)$/m.exec(message);
  if (swc) {
    const at = /\[[^\]]*:(\d+):(\d+)\]/.exec(message);
    return `a syntax error${at ? ` at line ${at[1]}, column ${at[2]}` : ""}: ${swc[1].trim()}`;
  }
  const firstLine = message.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? message;
  const name = typeof err.name === "string" ? err.name : "thrown";
  return `${name === "SyntaxError" ? "a syntax error" : `an error while it runs (${name})`}: ${firstLine}`;
}

/** Validates already-loaded environment data; exported so tests can feed bad input without files. */
export function validateEnvironments(
  raw: readonly { file: string; name: string; data: unknown }[],
  select?: string,
  loadProblems: readonly ConfigProblem[] = [],
): LoadedEnvironment[] {
  const problems: ConfigProblem[] = [...loadProblems];
  const loaded: LoadedEnvironment[] = [];
  for (const r of raw) {
    if (r.data === UNREADABLE) continue;
    if (r.data === undefined) {
      problems.push({ file: r.file, field: "default export", expected: "an environment object (export default {...})", found: "nothing" });
      continue;
    }
    const parsed = environmentSchema.safeParse(r.data);
    if (!parsed.success) {
      problems.push(...zodProblems(r.file, parsed.error, r.data));
      continue;
    }
    if (parsed.data.name !== r.name) {
      problems.push({ file: r.file, field: "name", expected: `the file's name ${JSON.stringify(r.name)}`, found: JSON.stringify(parsed.data.name) });
    }
    problems.push(...cloudRuleProblems(r.file, parsed.data));
    loaded.push({ file: r.file, config: parsed.data });
  }
  // Every file that exists counts as an environment name: a broken dev.ts is reported in dev.ts only,
  // not again as an unknown promotion.from in staging.ts (one cause, one line).
  problems.push(...crossEnvironmentProblems(loaded, raw.map((r) => r.name)));
  const names = loaded.map((l) => l.config.name);
  let selected = loaded;
  if (select !== undefined && select.trim() !== "") {
    const wanted = select.split(",").map((s) => s.trim()).filter(Boolean);
    if (wanted.length === 0) {
      problems.push({ file: "CDKTF_ENV", field: "", expected: `a comma list of environment names (${raw.map((r) => r.name).join(", ")}), or unset for all`, found: JSON.stringify(select) });
    }
    for (const w of wanted) {
      if (!names.includes(w) && !raw.some((r) => r.name === w)) {
        problems.push({ file: "CDKTF_ENV", field: "", expected: `one of ${raw.map((r) => r.name).join(", ")}`, found: JSON.stringify(w) });
      }
    }
    selected = loaded.filter((l) => wanted.includes(l.config.name));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return inPromotionOrder(selected);
}

/** dev before staging before prod: environments sorted by how far they are down the promotion chain. */
function inPromotionOrder(envs: readonly LoadedEnvironment[]): LoadedEnvironment[] {
  const byName = new Map(envs.map((e) => [e.config.name, e]));
  const depth = (e: LoadedEnvironment, seen = new Set<string>()): number => {
    const from = e.config.promotion.from;
    const up = from ? byName.get(from) : undefined;
    if (!up || seen.has(e.config.name)) return 0;
    seen.add(e.config.name);
    return 1 + depth(up, seen);
  };
  return [...envs].sort((a, b) => depth(a) - depth(b) || a.config.name.localeCompare(b.config.name));
}

function crossEnvironmentProblems(loaded: readonly LoadedEnvironment[], fileNames: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Set([...loaded.map((l) => l.config.name), ...fileNames]);
  for (const { file, config } of loaded) {
    const from = config.promotion.from;
    if (from !== undefined && (!names.has(from) || from === config.name)) {
      problems.push({ file, field: "promotion.from", expected: `another environment (${[...names].filter((n) => n !== config.name).join(", ") || "none is defined"})`, found: JSON.stringify(from) });
    }
    if (config.promotion.mode === "pull-request" && from === undefined) {
      problems.push({ file, field: "promotion.from", expected: "the environment promotions come from (pull-request mode needs one)", found: "nothing" });
    }
    // Networks of one environment must not overlap: the clouds may be peered or joined by VPN.
    const nets = CLOUDS.flatMap((cloud) => {
      const c = config.clouds[cloud];
      return c ? [{ cloud, cidr: c.network.cidr }] : [];
    });
    for (let i = 0; i < nets.length; i++) {
      for (let j = i + 1; j < nets.length; j++) {
        if (cidrsOverlap(parseCidr(nets[i].cidr)!, parseCidr(nets[j].cidr)!)) {
          problems.push({
            file,
            field: `clouds.${nets[j].cloud}.network.cidr`,
            expected: `a block that does not overlap clouds.${nets[i].cloud}.network.cidr (${nets[i].cidr})`,
            found: JSON.stringify(nets[j].cidr),
          });
        }
      }
    }
  }
  problems.push(...promotionChainProblems(loaded));
  // The same cloud in two environments must not reuse address space either (shared transit, peering).
  for (const cloud of CLOUDS) {
    const seen: { file: string; name: string; cidr: string }[] = [];
    for (const { file, config } of loaded) {
      const c = config.clouds[cloud];
      if (!c) continue;
      const clash = seen.find((s) => cidrsOverlap(parseCidr(s.cidr)!, parseCidr(c.network.cidr)!));
      if (clash) {
        problems.push({
          file,
          field: `clouds.${cloud}.network.cidr`,
          expected: `a block that does not overlap ${clash.name}'s ${cloud} network (${clash.cidr} in ${clash.file})`,
          found: JSON.stringify(c.network.cidr),
        });
      }
      seen.push({ file, name: config.name, cidr: c.network.cidr });
    }
  }
  return problems;
}
