/**
 * `npm test`: jest, and pytest over images/ and dags/ beside it. pytest spends about half its wall time waiting
 * (storage servers starting, loopback HTTP round trips, a queue's visibility timeout), which jest's CPU-bound
 * workers fill; run one after the other, the waits added up. pytest's output is held and printed in full after
 * jest's, so neither interleaves. Arguments go to jest: with any (a selection of jest tests) pytest does not run,
 * and this says so (`npm run test:python` runs it alone). Exits with jest's status when jest fails, else pytest's.
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const jestArgs = process.argv.slice(2);

const children = new Set();

/** Runs a command; resolves with its exit status (128 + signal number when a signal ended it). */
function run(cmd, args, options) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, ...options });
    children.add(child);
    child.on("close", () => children.delete(child));
    let output = "";
    if (child.stdout) child.stdout.on("data", (d) => (output += d));
    if (child.stderr) child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ status: 127, output: `${output}${cmd}: ${e.message}\n` }));
    child.on("close", (code, signal) => resolve({ status: code ?? 128 + (require("os").constants.signals[signal] ?? 1), output }));
  });
}

// A signal to this process (a CI cancel, `kill`) is passed to jest and pytest; Ctrl-C reaches them anyway (same
// process group). This process then waits for them and exits with their status.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

async function main() {
  const python = jestArgs.length === 0 ? run("/usr/bin/python3", ["-m", "pytest", "-q"], { stdio: ["ignore", "pipe", "pipe"] }) : undefined;
  const jest = await run(path.join(ROOT, "node_modules", ".bin", "jest"), jestArgs, { stdio: "inherit" });
  if (!python) {
    console.log("pytest not run: arguments select jest tests (npm run test:python runs the Python tests)");
    return jest.status;
  }
  const pytest = await python;
  console.log("\n== pytest (images/, dags/), run beside jest");
  process.stdout.write(pytest.output);
  if (jest.status !== 0) console.error(`FAILED: jest exited ${jest.status}`);
  if (pytest.status !== 0) console.error(`FAILED: pytest exited ${pytest.status}`);
  return jest.status !== 0 ? jest.status : pytest.status;
}

main().then((status) => (process.exitCode = status));
