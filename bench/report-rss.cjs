// Preloaded into benchmarked processes: appends their peak resident memory (KiB) to BENCH_RSS_FILE.
const fs = require("fs");
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) fs.appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
