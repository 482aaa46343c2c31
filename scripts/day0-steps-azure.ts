/** The day-0 runbook on Azure: az login, Microsoft.App registration, ACR pushes, Key Vault reads, the migration job on Container Apps. */
import type { AzureCloudConfig } from "../environments/schema";
import { stateLocation } from "../stacks/state-location";
import { MIGRATION_CONTAINER, MIGRATION_OUTPUTS, MIGRATION_SQL_VARIABLE } from "../modules/core/database-migration";
import { StackJson } from "./day0-foundation";
import { Context, Day0Step, emitSql, script } from "./day0-context";

/** The day-0 steps on Azure, in order (the shared ones from `Context`, this cloud's commands in them). */
export function azureSteps(ctx: Context, azure: AzureCloudConfig): Day0Step[] {
  const loc = stateLocation(azure.backend, ctx.stateStack);
  if (loc.type !== "azurerm") throw new Error("unreachable: day0Steps refuses local backends");
  const s = loc.storage;
  const account = `/subscriptions/${azure.subscriptionId}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${s.storageAccountName}`;
  return [
    ctx.loginStep("Log in with your own account", [`az login --tenant ${azure.tenantId}`, `az account set --subscription ${azure.subscriptionId}`]),
    ctx.prepareStep("Prepare the subscription (subscription-wide, once)", "azurerm 4.55 registers its legacy provider list by default, which lacks Microsoft.App (Container Apps).", [
      "az provider register --namespace Microsoft.App --wait",
    ]),
    ctx.stateSteps([
      // Shared keys are off: the backend reads state with Entra ID, which needs a data role, and RBAC takes minutes to apply.
      `az role assignment create --assignee "$(az ad signed-in-user show --query id --output tsv)" --role 'Storage Blob Data Contributor' --scope ${account}/blobServices/default/containers/${s.containerName}`,
      `for i in $(seq 1 30); do az storage blob list --account-name ${s.storageAccountName} --container-name ${s.containerName} --auth-mode login --num-results 1 --output none 2>/dev/null && break; sleep 10; done`,
    ]),
    ...ctx.afterState({
      handOver: [
        { name: "AZURE_CLIENT_ID", scope: "environment", output: "ci_builder" },
        { name: `AZURE_CLIENT_ID_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `AZURE_CLIENT_ID_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
        { name: `AZURE_REGISTRY_${ctx.envVar}`, scope: "repository", output: "registry_login_server" },
      ],
      secret: () => "",
      reach:
        "The server has no public endpoint (delegated subnet): the stack's migration job (Container Apps, in the VNet) runs\n" +
        "the SQL printed here as the server admin, whose password it reads from Key Vault with its own identity.\n" +
        "This starts one execution with the SQL added to the job's container and polls it to the end.",
      migrate: (db) => {
        const v = db.passwordEnv;
        // The role gets the password the application reads: the secret Terraform generated into Key Vault.
        const rolePassword = db.passwordSecret
          ? `${v}="$(az keyvault secret show --vault-name ${azureVault(ctx.opts.stack)} --name ${db.passwordSecret.name} --query value --output tsv)"; export ${v}`
          : `: "\${${v}:?set ${v} to the password ${db.owner} reads from Key Vault for ${db.role}}"`;
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        // The start action's body replaces the containers for this execution (Jobs - Start, JobExecutionTemplate):
        // the job's own containers with the SQL added, everything else as defined.
        const body =
          `'{containers: [.containers[] | {image, name, command, args, resources, env: ((.env // []) + (if .name == "${MIGRATION_CONTAINER}" then [{name: "${MIGRATION_SQL_VARIABLE}", value: $sql}] else [] end))} | with_entries(select(.value != null))]}'`;
        return [
          script([
            rolePassword,
            emitSql(db),
            `rg=${out("resource_group")}; job=${out(MIGRATION_OUTPUTS.job)}`,
            `id="$(az containerapp job show --name "$job" --resource-group "$rg" --query id --output tsv)"`,
            `body="$(az containerapp job show --name "$job" --resource-group "$rg" --query properties.template --output json | jq -c --arg sql "$sql" ${body})"`,
            `execution="$(az rest --method post --url "https://management.azure.com\${id}/start?api-version=2024-03-01" --body "$body" --query name --output tsv)"`,
            `if [ -z "$execution" ]; then execution="$(az containerapp job execution list --name "$job" --resource-group "$rg" --query "sort_by([], &properties.startTime)[-1].name" --output tsv)"; fi`,
            `status=Running; for i in $(seq 1 60); do status="$(az containerapp job execution show --name "$job" --resource-group "$rg" --job-execution-name "$execution" --query properties.status --output tsv)"; ` +
              `case "$status" in Succeeded|Failed|Stopped|Degraded) break;; esac; sleep 10; done`,
            `if [ "$status" != Succeeded ]; then echo "day0: migration execution $execution is $status; its output: Log Analytics, ContainerAppConsoleLogs where ContainerJobName_s == '$job' ` +
              `(az containerapp job logs show --name $job --resource-group $rg --execution $execution --container ${MIGRATION_CONTAINER})" >&2; exit 1; fi`,
          ]),
        ];
      },
      fullApplyNote:
        azure.allowedIpRanges.length > 0
          ? undefined
          : `Key Vault and the data account deny by default: add your public address to clouds.azure.allowedIpRanges first\n(or run from inside the VNet), or the secret writes of this apply (the admin password among them) are refused.`,
    }),
  ];
}

/** The stack's Key Vault name (the one the logins' passwords live in). */
function azureVault(stack: StackJson): string {
  const [vault] = Object.values(stack.resource?.azurerm_key_vault ?? {});
  return String(vault?.name ?? "<no key vault in the stack>");
}
