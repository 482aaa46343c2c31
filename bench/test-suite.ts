/**
 * Test-suite benchmark: times `npm test` (jest with pytest beside it, REQUIRE_TERRAFORM=1 as CI runs it) end to
 * end, with the CPU time of the whole process tree and the load average before and after, against the 40 s target.
 * One run takes minutes, so it is not part of `npm run bench`: `npm run bench:tests`. Exits 1 when the suite fails
 * or is over the target.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const TARGET_S = 40;

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const before = load();
const start = process.hrtime.bigint();
// `time -p` prints the CPU of npm and every process it started (jest's workers, terraform, git, python).
const r = spawnSync("bash", ["-c", "time -p npm test >/dev/null 2>&1"], { cwd: ROOT, env: { ...process.env, REQUIRE_TERRAFORM: "1" }, encoding: "utf8" });
const wall = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = (name: string) => Number(new RegExp(`^${name} ([\\d.]+)$`, "m").exec(r.stderr)?.[1] ?? NaN);
console.log(`test-suite benchmark on ${os.availableParallelism()} cores (load average before ${before}, after ${load()})`);
console.log(`  npm test: ${wall.toFixed(1)} s wall, CPU ${cpu("user").toFixed(1)} s user + ${cpu("sys").toFixed(1)} s sys (target <= ${TARGET_S} s wall)`);
if (r.status !== 0) {
  console.error("npm test failed: run it alone to see why");
  process.exitCode = 1;
} else if (wall > TARGET_S) {
  console.error(`npm test is over ${TARGET_S} s`);
  process.exitCode = 1;
}
