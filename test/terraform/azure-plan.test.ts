/**
 * The synthesized Azure stacks through the real terraform CLI and the azurerm (and random) providers.
 * No azurerm binary exists in the offline mirror, so this runs only with TF_ONLINE=1 and a network
 * (terraform downloads hashicorp/azurerm 4.55.0 and hashicorp/random ~> 3.7); otherwise it is
 * skipped with a notice. With TF_ONLINE=1 a missing terraform fails the run.
 *
 * Steps per stack: init, validate (needs no credentials), then plan with fake service-principal
 * credentials and a local backend from an override file. azurerm builds its account when the
 * provider is configured, so with the fake credentials the plan is expected to stop at
 * authentication: when ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID of a sandbox principal are
 * in the environment, the override leaves credentials to them and the plan must succeed.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { terraformAvailability, terraformEnv } from "./harness";
import { sharedSynth } from "../support/shared-synth";

const run = promisify(execFile);
const online = process.env.TF_ONLINE === "1";
const maybe = online ? describe : describe.skip;
if (!online) {
  console.warn("SKIPPED real-terraform Azure checks: no azurerm provider binary here; set TF_ONLINE=1 with a network to run init/validate/plan");
}

const STACKS = [
  { name: "dev-azure", subscriptionId: "00000000-0000-0000-0000-000000000001" },
  { name: "prod-azure", subscriptionId: "00000000-0000-0000-0000-000000000003" },
];
const TENANT = "00000000-0000-0000-0000-0000000000aa";
const realCredentials = Boolean(process.env.ARM_CLIENT_ID && process.env.ARM_CLIENT_SECRET && process.env.ARM_TENANT_ID);

/** Overrides for plan: a local backend, no provider registrations, and fake credentials unless real ones are in the environment. */
function azurePlanOverride(subscriptionId: string, useEnvironmentCredentials = false): object {
  const credentials = useEnvironmentCredentials
    ? {}
    : { client_id: "00000000-0000-0000-0000-0000000000c1", client_secret: "fake-secret-for-plan", tenant_id: TENANT };
  return {
    provider: {
      azurerm: [
        {
          features: [{}],
          subscription_id: subscriptionId,
          resource_provider_registrations: "none",
          use_cli: false,
          use_msi: false,
          use_oidc: false,
          storage_use_azuread: true,
          ...credentials,
        },
      ],
    },
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
  };
}

maybe("Azure stacks through real terraform (TF_ONLINE=1)", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-azure-"));
  const dirs: Record<string, string> = {};
  let cliConfig = "";

  const tf = async (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    try {
      return (await run("terraform", args, { cwd, env: { ...terraformEnv(cliConfig), ...extraEnv }, maxBuffer: 256 * 1024 * 1024 })).stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`terraform ${args[0]} failed in ${cwd}:\n${err.stderr ?? ""}\n${err.stdout ?? ""}`);
    }
  };

  beforeAll(async () => {
    const availability = await terraformAvailability(["azurerm"], work);
    if (!availability.ok) throw new Error(`TF_ONLINE=1 but terraform cannot run: ${availability.reason}`);
    cliConfig = availability.cliConfig!;
    const built = sharedSynth();
    await Promise.all(
      STACKS.map(async ({ name, subscriptionId }) => {
        const dir = fs.mkdtempSync(path.join(work, `${name}-`));
        fs.copyFileSync(path.join(built.outdir, "stacks", name, "cdk.tf.json"), path.join(dir, "cdk.tf.json"));
        fs.writeFileSync(path.join(dir, "test_override.tf.json"), JSON.stringify(azurePlanOverride(subscriptionId, realCredentials), null, 2));
        await tf(dir, ["init", "-input=false", "-no-color"]);
        dirs[name] = dir;
      }),
    );
  }, 600_000);

  test.each(STACKS.map((s) => s.name))("%s: validate accepts the configuration (ephemeral password, write-only arguments, enums)", async (name) => {
    expect(await tf(dirs[name], ["validate", "-no-color"])).toContain("Success! The configuration is valid.");
  }, 120_000);

  const names = STACKS.map((s) => s.name);
  if (!realCredentials) {
    test.each(names)("%s: plan with fake credentials parses the whole configuration and stops only at Entra ID sign-in", async (name) => {
      await expect(tf(dirs[name], ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color"])).rejects.toThrow(
        /(AADSTS|authoriz|authenticat|obtain.*token|building account|client credentials)/i,
      );
    }, 300_000);
  } else {
    test.each(names)("%s: plan with a sandbox principal only creates and reads, and creates the platform's resource types", async (name) => {
      const dir = dirs[name];
      await tf(dir, ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=plan.bin"]);
      const plan = JSON.parse(await tf(dir, ["show", "-json", "plan.bin"])) as { resource_changes?: { type: string; change: { actions: string[] } }[] };
      const changes = plan.resource_changes ?? [];
      expect(changes.every((c) => c.change.actions.join() === "create" || c.change.actions.join() === "read")).toBe(true);
      for (const type of ["azurerm_container_app", "azurerm_postgresql_flexible_server", "azurerm_key_vault", "azurerm_storage_account", "azurerm_container_app_job"]) {
        expect(changes.some((c) => c.type === type)).toBe(true);
      }
    }, 300_000);
  }
});
