/**
 * The accepted-risk registers, one per cloud. To accept a scanner finding:
 * 1. Make sure a rule in `../rules/` is its exact counterpart and names the id in `scanners`
 *    (write one with `resourceCheck()` if none does), and that the cloud's pack runs it.
 * 2. Add an entry to `<cloud>-accepted-risks.ts`: the rule id, which resources (`appliesTo`), and why.
 *    A choice an environment makes goes under an `if` on its config field, with `configChoice()` naming
 *    the field, so the reason shows where to change it.
 * 3. `UPDATE_ACCEPTED_RISKS=1 npx jest test/policy/accepted-risks-per-stack` rewrites
 *    `test/policy/accepted-risks/<stack>.txt`; the diff is the review.
 * Synth then lists the entry per stack with its scanner ids and writes it into the stack's
 * `.checkov.yaml` / `.trivyignore` / `accepted-risks.json`. An entry that matches nothing fails synth.
 */
export * from "./aws-accepted-risks";
export * from "./azure-accepted-risks";
export * from "./gcp-accepted-risks";
export * from "./state-storage-accepted-risks";
