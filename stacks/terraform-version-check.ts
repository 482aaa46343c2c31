/**
 * cdktf checks the Terraform binary's version for every stack with a `moved` block (its
 * ValidateTerraformVersion, cdktf 0.21.0 synthesize/synthesizer.js) by running `terraform version`
 * through a shell, synchronously, once per such stack: ~0.1 s each on this machine, three times per
 * synth. Here `terraform version` runs once per process, in the background while the stacks are
 * built, and a check whose answer that output gives (the version found and satisfying the
 * constraint) passes without running it again. Anything else (not finished in time, failed, no
 * version in the output, a version too old) goes to cdktf's own check, which runs the command itself
 * and words the error exactly as before. With no terraform on PATH at all, a check that every terraform
 * able to run these stacks passes (their `required_version`, `requiredAtLeast` here, implies the
 * constraint) passes too: synth itself needs no terraform, and terraform refuses an older self at init. Used by main.ts's synth, and by the tests' in-process synths (runNow).
 */
import { ChildProcess, exec, execSync } from "child_process";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
// cdktf's own copy of semver, which its check uses (cdktf bundles its dependencies).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require("cdktf/node_modules/semver") as { satisfies(version: string, range: string): boolean };

interface VersionCheck {
  readonly versionCommand: string;
  readonly versionConstraint: string;
}

/** cdktf's check: same regular expression (validate-binary-version.js). */
const SEMVER = /\d+\.\d+\.\d+/;

/** The command cdktf's Terraform check runs (`${TERRAFORM_BINARY_NAME:-terraform} version`, fixed when cdktf loads). */
function terraformVersionCommand(): string {
  return (new ValidateTerraformVersion(">=0.0.0") as unknown as VersionCheck).versionCommand;
}

/** A `terraform version` started ahead of the checks that need it. */
export class TerraformVersionCheck {
  private readonly command = terraformVersionCommand();
  private output: string | undefined;
  private child: ChildProcess | undefined;
  private finished: Promise<void> = Promise.resolve();
  /** The shell found no such command (exit 127). */
  private missing = false;

  /** `requiredAtLeast`: the oldest terraform the synthesized stacks' `required_version` accepts. */
  constructor(private readonly opts: { readonly requiredAtLeast?: string } = {}) {}

  /** Starts the command in the background (it never keeps the process alive). */
  start(): this {
    // exec runs the command through a shell with this process's cwd and environment, as execSync does.
    this.finished = new Promise((resolve) => {
      this.child = exec(this.command, { encoding: "utf8" }, (error, stdout) => {
        if (!error) this.output = stdout;
        else this.missing = error.code === 127;
        this.child = undefined;
        resolve();
      });
    });
    this.child?.unref();
    return this;
  }

  /**
   * Runs the command now and waits for it, unless an earlier run answered already: for a caller that
   * synthesizes without giving start() an event-loop turn to finish (the tests' in-process synths).
   */
  runNow(): this {
    if (this.output !== undefined) return this;
    try {
      this.output = execSync(this.command, { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      // Otherwise cdktf's own check runs it again and reports the failure in its words.
      this.missing = (e as { status?: number }).status === 127;
    }
    return this;
  }

  /** Resolves once the command has finished, or after `graceMs` if it still runs (its checks then go to cdktf). */
  settled(graceMs = 20): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    return Promise.race([this.finished, grace]).finally(() => clearTimeout(timer));
  }

  /** Runs `fn` with cdktf's binary version check answered from the output, where the output answers it. */
  during<T>(fn: () => T): T {
    const proto = ValidateBinaryVersion.prototype;
    const original = proto.validate;
    const known = (check: VersionCheck): boolean => {
      if (check.versionCommand !== this.command) return false;
      if (this.output === undefined) return this.missing && this.opts.requiredAtLeast !== undefined && semver.satisfies(this.opts.requiredAtLeast, check.versionConstraint);
      const version = SEMVER.exec(this.output);
      return version !== null && semver.satisfies(version[0], check.versionConstraint);
    };
    proto.validate = function (this: ValidateBinaryVersion) {
      return known(this as unknown as VersionCheck) ? [] : original.call(this);
    };
    try {
      return fn();
    } finally {
      proto.validate = original;
    }
  }

  /** Stops the command if it still runs. */
  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
