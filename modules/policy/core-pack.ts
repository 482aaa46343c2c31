/** Packs choose rules and levels; a rule can serve several packs. Later issues add their rules here. */
import { PackEntry } from "./rule";
import { logRetention } from "./rules/log-retention";
import { requiredTags } from "./rules/required-tags";

/** Rules for every cloud. */
export const CORE_PACK: readonly PackEntry[] = [
  { rule: requiredTags, level: "error" },
  { rule: logRetention, level: "error" },
];
