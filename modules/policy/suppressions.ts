import { IConstruct } from "constructs";

const SUPPRESSION = "mlops:policy-suppression";

/** A rule turned off for a construct and everything under it, with the reason reviewers read. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Suppresses a rule for `scope` and its children. The reason must say why (10+ characters);
 * a suppression that matches no finding fails synth, so stale ones do not pile up.
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 10) {
    throw new Error(`[${scope.node.path}] suppression of ${ruleId} needs a reason of at least 10 characters; got ${JSON.stringify(reason)}`);
  }
  scope.node.addMetadata(SUPPRESSION, { ruleId, reason: reason.trim() } satisfies Suppression);
}

/** Suppressions placed directly on one construct. */
export function suppressionsOn(scope: IConstruct): Suppression[] {
  return scope.node.metadata.filter((m) => m.type === SUPPRESSION).map((m) => m.data as Suppression);
}
