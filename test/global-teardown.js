const fs = require("fs");
const path = require("path");

module.exports = async () => {
  const dir = process.env.MLOPS_TEST_TMPDIR;
  if (!dir) return;
  // The run's initialized PostgreSQL cluster (test/support/postgres.ts) lives outside the run's folder when the
  // tests run as root (the postgres user cannot enter it): its path is noted inside.
  const note = path.join(dir, "once", "postgres-template", "result", "data-path");
  if (fs.existsSync(note)) fs.rmSync(path.dirname(fs.readFileSync(note, "utf8")), { recursive: true, force: true });
  // Retries: a terraform process of a timed-out suite may still be writing into the folder for a moment.
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
};
