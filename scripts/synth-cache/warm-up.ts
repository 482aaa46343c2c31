/**
 * Runs one synth while the snapshot is built, so that a run starts with the code it needs already
 * compiled: V8 compiles a function the first time it runs, and each process of a synth paid that
 * again for all of cdktf's, the providers' and our synth code (measured: 0.3-0.4 s of CPU per
 * process). The warm-up synthesizes one environment (dev when there is one: it has every cloud)
 * from the project's environment files as build.cjs compiled them, into a temporary folder that is
 * removed, with an empty deployments folder and cdktf's `terraform version` checks answered (nothing
 * is run). Nothing it builds is kept: the app, its report and its files are dropped; only cdktf's
 * token registry keeps its entries, as it keeps every token a process ever made, so token ids at run
 * time start higher (they never reach the output: every token is resolved). A warm-up that fails
 * only costs speed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { EnvironmentConfig } from "../../environments/schema";
import { SERVICE_CATALOG } from "../../services/catalog";
import { buildPlatformApp } from "../../stacks/platform-app";
import { synthesizeApp } from "../../stacks/one-pass-synth";

/** Synthesizes one of `environments` (dev if present) and drops the result. */
export function warmUp(environments: readonly EnvironmentConfig[]): void {
  const config = environments.find((e) => e.name === "dev") ?? environments[0];
  if (!config) return;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-synth-warm-up-"));
  const validate = ValidateBinaryVersion.prototype.validate;
  ValidateBinaryVersion.prototype.validate = () => [];
  try {
    const outdir = path.join(scratch, "out");
    const deploymentsDir = path.join(scratch, "deployments");
    fs.mkdirSync(deploymentsDir);
    const build = () => buildPlatformApp({ outdir, environments: [{ file: `${config.name}.ts`, config }], catalog: SERVICE_CATALOG, deploymentsDir, root: scratch });
    const built = synthesizeApp(build(), { rebuild: build, outdir });
    built.report.errors(built.app);
  } catch {
    // Only a warm-up.
  } finally {
    ValidateBinaryVersion.prototype.validate = validate;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
