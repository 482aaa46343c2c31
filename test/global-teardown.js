const fs = require("fs");

module.exports = async () => {
  const dir = process.env.MLOPS_TEST_TMPDIR;
  // Retries: a terraform process of a timed-out suite may still be writing into the folder for a moment.
  if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
};
