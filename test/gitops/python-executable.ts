/**
 * Points `$PYTHON` (what the promoter's Python reader runs, gitops/python-reader.ts) at the interpreter
 * `python3` on PATH resolves to, found once per test run. Where `python3` is a version manager's shim
 * (pyenv's is a shell script that runs several processes first), every DAG check paid about 0.4 s for
 * the shim before Python started; the interpreter itself is the same. A `$PYTHON` already set is kept;
 * when `python3` does not run here, `$PYTHON` stays unset and the tests meet the promoter's own error.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The run's answer, shared by its test files (test/global-setup.js makes the folder). */
function cacheFile(): string | undefined {
  const dir = process.env.MLOPS_TEST_TMPDIR;
  return dir ? path.join(dir, "python3-executable") : undefined;
}

/** The interpreter `python3` starts (its `sys.executable`), resolved at most once per run; "python3" when that fails. */
export function python3Executable(): string {
  const cache = cacheFile();
  if (cache !== undefined && fs.existsSync(cache)) return fs.readFileSync(cache, "utf8");
  let exe: string;
  try {
    exe = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "python3";
  }
  if (!exe || !fs.existsSync(exe)) return "python3";
  if (cache !== undefined) {
    // Written aside and renamed: a test file starting meanwhile reads the whole path or nothing.
    const aside = `${cache}.${process.pid}`;
    fs.writeFileSync(aside, exe);
    fs.renameSync(aside, cache);
  }
  return exe;
}

if (process.env.PYTHON === undefined) {
  const exe = python3Executable();
  if (exe !== "python3") process.env.PYTHON = exe;
}
