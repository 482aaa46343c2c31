// cdktf's Testing helpers leave cdktf.outdir.* folders in the temp dir: give the run its own, removed at the end.
// The run's shared synthesis (test/support/shared-synth.ts) and prepared terraform folders (test/terraform/harness.ts) live there too.
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-suite-test-"));
  process.env.MLOPS_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  process.env.CHECKPOINT_DISABLE = "1";
};
