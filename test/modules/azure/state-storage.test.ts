/** modules/azure/state-storage.ts: the state account's settings and its validation (attributes checked against azurerm 4.55.0). */
import { Testing, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { StateStorage } from "../../../modules/azure/state-storage";
import { resources, synthStack } from "../../support/synth";

const props = { resourceGroupName: "tfstate", storageAccountName: "acmetfstate", containerName: "tfstate", location: "westeurope" };
function stack() {
  const s = new TerraformStack(Testing.app(), "t");
  new AzurermProvider(s, "azurerm", { features: [{}] });
  return s;
}

test("GIVEN defaults WHEN synthesized THEN the account is geo-redundant and keeps deleted state 30 days, the lock and container name the account", () => {
  const s = stack();
  new StateStorage(s, "state", props);
  const json = synthStack(s);
  expect(resources(json, "azurerm_storage_account")[0]).toMatchObject({ account_replication_type: "GRS", blob_properties: { delete_retention_policy: { days: 30 } } });
  expect(resources(json, "azurerm_management_lock")[0]).toMatchObject({ name: "acmetfstate-no-delete", lock_level: "CanNotDelete" });
  expect(resources(json, "azurerm_resource_group")[0]).toMatchObject({ name: "tfstate", lifecycle: { prevent_destroy: true } });
});

test.each([0, 366, 2.5])("GIVEN softDeleteDays %p WHEN constructed THEN it is refused (azurerm accepts 1-365)", (days) => {
  expect(() => new StateStorage(stack(), "state", { ...props, softDeleteDays: days })).toThrow(new RegExp(`\\[t/state\\] softDeleteDays must be 1 to 365; got ${days}`));
});
