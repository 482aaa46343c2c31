/**
 * Lets a GitHub-hosted runner work with an Azure stack whose Key Vault and storage account firewalls deny by
 * default (only AzureServices and `allowedIpRanges` get through, and a hosted runner's address changes on
 * every run). Edits one synthesized stack in cdktf.out; the workflow then runs with `--skip-synth`.
 *
 *   npx tsx scripts/azure-data-plane.ts allow-ip --stack dev-azure --ip 203.0.113.7 [--out cdktf.out]
 *     Adds the runner's address to every Key Vault `network_acls.ip_rules` and storage account
 *     `network_rules.ip_rules` that deny by default, so the apply keeps the rule the workflow added with
 *     `az ... network-rule add` (without it, Terraform would remove that rule from the vault before it
 *     writes the vault's secrets). Prints {ip, keyVaults, storageAccounts} (name and resource group of each)
 *     for the az commands that open the firewalls before the deploy and close them afterwards.
 *
 *   npx tsx scripts/azure-data-plane.ts plan-without-vault --stack dev-azure [--out cdktf.out]
 *     For pull-request plans (read-only identity, no Key Vault data access, firewall closed): each
 *     `ephemeral.azurerm_key_vault_secret` that reads back a generated secret is replaced by its generator
 *     (`ephemeral.random_password` of the same name). Both feed write-only arguments only, which a plan
 *     never shows, so the plan's output is unchanged; run it with `-refresh=false`.
 * Exit codes: 0 done, 1 the stack cannot be handled (message on stderr), 2 command line.
 */
import * as fs from "fs";
import * as path from "path";

type Json = Record<string, unknown>;

/** A firewall the runner must get through: the resource's name and resource group (as az wants them). */
export interface FirewallTarget {
  readonly name: string;
  readonly resourceGroup: string;
}

export interface AllowIpResult {
  readonly ip: string;
  readonly keyVaults: FirewallTarget[];
  readonly storageAccounts: FirewallTarget[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function resources(doc: Json, type: string): [string, Json][] {
  const all = (doc.resource ?? {}) as Record<string, Record<string, Json>>;
  return Object.entries(all[type] ?? {});
}

/** A literal resource group name, or the name of the `azurerm_resource_group` a reference points at. */
function resourceGroupOf(doc: Json, value: unknown, where: string): string {
  if (typeof value !== "string") throw new Error(`${where}: resource_group_name is not a string`);
  const ref = /^\$\{azurerm_resource_group\.([^.}]+)\.name\}$/.exec(value);
  if (!ref) {
    if (value.includes("${")) throw new Error(`${where}: resource_group_name ${value} is neither a literal nor an azurerm_resource_group's name`);
    return value;
  }
  const rg = resources(doc, "azurerm_resource_group").find(([id]) => id === ref[1]);
  const name = rg?.[1].name;
  if (typeof name !== "string" || name.includes("${")) throw new Error(`${where}: the name of azurerm_resource_group.${ref[1]} is not a literal`);
  return name;
}

function literalName(value: unknown, where: string): string {
  if (typeof value !== "string" || value.includes("${")) throw new Error(`${where}: the name is not a literal`);
  return value;
}

/**
 * Adds `ip` to each deny-by-default Key Vault (as `<ip>/32`, the form Key Vault returns) and storage
 * account (bare address, the form the storage API returns) of a synthesized stack; returns what it opened.
 * A firewall that already lists the address (a self-hosted runner in `allowedIpRanges`) is not returned,
 * so the workflow neither opens nor closes it.
 */
export function allowIp(doc: Json, ip: string): AllowIpResult {
  if (!IPV4.test(ip)) throw new Error(`--ip must be an IPv4 address; got ${JSON.stringify(ip)}`);
  const keyVaults: FirewallTarget[] = [];
  const storageAccounts: FirewallTarget[] = [];
  for (const [id, r] of resources(doc, "azurerm_key_vault")) {
    const acls = r.network_acls as Json | undefined;
    if (!acls || acls.default_action !== "Deny") continue;
    const rules = Array.isArray(acls.ip_rules) ? (acls.ip_rules as string[]) : [];
    if (rules.includes(`${ip}/32`) || rules.includes(ip)) continue; // listed in allowedIpRanges: nothing to open or close
    acls.ip_rules = [...rules, `${ip}/32`];
    keyVaults.push({ name: literalName(r.name, `azurerm_key_vault.${id}`), resourceGroup: resourceGroupOf(doc, r.resource_group_name, `azurerm_key_vault.${id}`) });
  }
  for (const [id, r] of resources(doc, "azurerm_storage_account")) {
    const rulesBlock = r.network_rules as Json | undefined;
    if (!rulesBlock || rulesBlock.default_action !== "Deny") continue;
    const rules = Array.isArray(rulesBlock.ip_rules) ? (rulesBlock.ip_rules as string[]) : [];
    if (rules.includes(ip) || rules.includes(`${ip}/32`)) continue;
    rulesBlock.ip_rules = [...rules, ip];
    storageAccounts.push({ name: literalName(r.name, `azurerm_storage_account.${id}`), resourceGroup: resourceGroupOf(doc, r.resource_group_name, `azurerm_storage_account.${id}`) });
  }
  return { ip, keyVaults, storageAccounts };
}

/**
 * Replaces every `ephemeral.azurerm_key_vault_secret.<x>` with `ephemeral.random_password.<x>` and drops
 * the Key Vault reads; returns the names replaced. Throws when a read has no generator of the same name.
 */
export function planWithoutVault(doc: Json): string[] {
  const ephemeral = (doc.ephemeral ?? {}) as Record<string, Record<string, unknown>>;
  const reads = Object.keys(ephemeral.azurerm_key_vault_secret ?? {});
  const generators = ephemeral.random_password ?? {};
  const missing = reads.filter((r) => !(r in generators));
  if (missing.length > 0) {
    throw new Error(`ephemeral.azurerm_key_vault_secret ${missing.join(", ")} has no ephemeral.random_password of the same name; this stack cannot be planned without Key Vault access`);
  }
  if (reads.length === 0) return [];
  delete ephemeral.azurerm_key_vault_secret;
  const replace = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.replace(/ephemeral\.azurerm_key_vault_secret\.([A-Za-z0-9_-]+)\.value/g, (_m, name: string) => `ephemeral.random_password.${name}.result`);
    }
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Json)) (v as Json)[k] = replace(x);
    }
    return v;
  };
  replace(doc);
  const left = JSON.stringify(doc).match(/ephemeral\.azurerm_key_vault_secret\.[A-Za-z0-9_-]+/);
  if (left) throw new Error(`${left[0]} is still referenced (not through .value); this stack cannot be planned without Key Vault access`);
  return reads;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command line; never exits the process itself (tests call it). Rewrites the stack file in place. */
export function run(argv: readonly string[], cwd = process.cwd()): CliResult {
  const [command, ...rest] = argv;
  const get = (flag: string) => {
    const i = rest.indexOf(flag);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const stack = get("--stack");
  const out = path.resolve(cwd, get("--out") ?? "cdktf.out");
  const ip = get("--ip");
  if ((command !== "allow-ip" && command !== "plan-without-vault") || !stack || (command === "allow-ip" && !ip)) {
    return { code: 2, stdout: "", stderr: "usage: azure-data-plane.ts allow-ip --stack <stack> --ip <address> [--out cdktf.out] | plan-without-vault --stack <stack> [--out cdktf.out]\n" };
  }
  const file = path.join(out, "stacks", stack, "cdk.tf.json");
  if (!fs.existsSync(file)) return { code: 1, stdout: "", stderr: `azure-data-plane: ${file} does not exist (synthesize first)\n` };
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Json;
    const result = command === "allow-ip" ? allowIp(doc, ip!) : { replaced: planWithoutVault(doc) };
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    return { code: 0, stdout: `${JSON.stringify(result)}\n`, stderr: "" };
  } catch (e) {
    return { code: 1, stdout: "", stderr: `azure-data-plane: ${stack}: ${(e as Error).message}\n` };
  }
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
