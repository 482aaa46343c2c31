/** The Azure pack: the core rules for every cloud plus the rules for the Azure resources the platform creates. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";

/** Rules for `<env>-azure` stacks. */
export const AZURE_PACK: readonly PackEntry[] = [...CORE_PACK];
