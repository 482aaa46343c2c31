/** The Google Cloud pack: the core rules plus the GCP rules, all failing synth. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";

/** Rules for `<env>-gcp` stacks. */
export const GCP_PACK: readonly PackEntry[] = [...CORE_PACK];
