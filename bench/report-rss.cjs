// Preloaded into benchmarked processes: appends their peak resident memory (KiB) and the CPU time
// they used (user + system, microseconds) to BENCH_RSS_FILE, one line per process.
const fs = require("fs");
process.on("exit", () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const u = process.resourceUsage();
  fs.appendFileSync(process.env.BENCH_RSS_FILE, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
});
