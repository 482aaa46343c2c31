/**
 * Entry of the synth snapshot: everything main.ts imports (cdktf, the three providers, our modules)
 * is loaded and evaluated once, at build time, into a V8 startup snapshot; a run then starts with
 * that heap and only executes main(). Environment files are loaded at run time (see below).
 */
import "./snapshot-mode";
import * as v8 from "v8";
import { main } from "../../main";

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // A snapshot's own require only reaches Node's built-ins; environment files are TypeScript the
  // user edits, so they are loaded from disk through a real require with esbuild's transform (the
  // compiler tsx uses, so a syntax error reads exactly as on the cold path).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require("module") as typeof import("module") & {
    _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void>;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("fs") as typeof import("fs");
  // Node caches the working directory; the snapshot would keep the builder's.
  process.chdir(process.env.MLOPS_SYNTH_CWD ?? process.cwd());
  const real = Module.createRequire(`${process.env.MLOPS_SYNTH_ROOT}/package.json`);
  const esbuild = real("esbuild") as typeof import("esbuild");
  Module._extensions[".ts"] = (m, file) => {
    const out = esbuild.transformSync(fs.readFileSync(file, "utf8"), { loader: "ts", format: "cjs", sourcefile: file });
    m._compile(out.code, file);
  };
  (globalThis as { __mlopsRequire?: NodeJS.Require }).__mlopsRequire = real;
  process.exitCode = main();
});
