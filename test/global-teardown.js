const fs = require("fs");
const path = require("path");

module.exports = async () => {
  const dir = process.env.MLOPS_TEST_TMPDIR;
  if (!dir) return;
  // The run's initialized PostgreSQL cluster (test/support/postgres.ts) lives outside the run's folder when the
  // tests run as root (the postgres user cannot enter it): its path is noted inside.
  const note = path.join(dir, "once", "postgres-template", "result", "data-path");
  const template = fs.existsSync(note) ? path.dirname(fs.readFileSync(note, "utf8")) : "";
  // Only ever the folder test/support/postgres.ts made: absolute, named pg-template-*.
  if (path.isAbsolute(template) && path.basename(template).startsWith("pg-template-")) fs.rmSync(template, { recursive: true, force: true });
  // Retries: a terraform process of a timed-out suite may still be writing into the folder for a moment.
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
};
