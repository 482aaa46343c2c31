/**
 * Entry of the synth snapshot: everything main.ts imports (cdktf, the three providers, our modules)
 * is loaded and evaluated once, at build time, into a V8 startup snapshot; a run then starts with
 * that heap and only executes main(). Environment files are loaded at run time (see below).
 */
import "./snapshot-mode";
import * as v8 from "v8";
import { main } from "../../main";
import { EnvironmentConfig, environmentSchema } from "../../environments/schema";
import { warmUp } from "./warm-up";

// zod compiles a schema into a fast parser on its first parse (~0.1 s for the environment schema):
// validating the project's environments once here keeps those parsers in the snapshot. The results
// are dropped; a run validates its files itself.
const parsed: EnvironmentConfig[] = [];
for (const code of Object.values((globalThis as { __mlopsCompiledEnvironments?: Record<string, string> }).__mlopsCompiledEnvironments ?? {})) {
  const mod = { exports: {} as { default?: unknown } };
  try {
    new Function("module", "exports", "require", code)(mod, mod.exports, () => ({}));
    const r = mod.exports.default === undefined ? undefined : environmentSchema.safeParse(mod.exports.default);
    if (r?.success) parsed.push(r.data);
  } catch {
    // Only a warm-up: a file that does not run here is loaded and reported at run time.
  }
}
warmUp(parsed);

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // A snapshot's own require only reaches Node's built-ins; environment files are TypeScript the
  // user edits, so they are loaded from disk through a real require. A file whose content was
  // compiled when the snapshot was built (build.cjs) runs that code; any other is compiled now with
  // esbuild's transform (the compiler tsx uses, so a syntax error reads exactly as on the cold path).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require("module") as typeof import("module") & {
    _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void>;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("fs") as typeof import("fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto = require("crypto") as typeof import("crypto");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require("path") as typeof import("path");
  // Node caches the working directory; the snapshot would keep the builder's.
  process.chdir(process.env.MLOPS_SYNTH_CWD ?? process.cwd());
  const real = Module.createRequire(`${process.env.MLOPS_SYNTH_ROOT}/package.json`);
  const compiled = (globalThis as { __mlopsCompiledEnvironments?: Record<string, string> }).__mlopsCompiledEnvironments ?? {};
  Module._extensions[".ts"] = (m, file) => {
    const source = fs.readFileSync(file, "utf8");
    // Same key as build.cjs envKey(): esbuild names the module's variables after the file.
    const known = compiled[crypto.createHash("sha256").update(`${path.basename(file)}\0${source}`).digest("hex")];
    if (known !== undefined) return m._compile(known, file);
    const esbuild = real("esbuild") as typeof import("esbuild");
    m._compile(esbuild.transformSync(source, { loader: "ts", format: "cjs", sourcefile: file }).code, file);
  };
  (globalThis as { __mlopsRequire?: NodeJS.Require }).__mlopsRequire = real;
  void main().then((code) => (process.exitCode = code));
});
