/**
 * Runs a pack of rules over every Terraform resource of a stack at synth time (a cdktf Aspect,
 * as cdk-nag v2 does). Findings go into a PolicyReport; main.ts fails synth when it has errors.
 * A rule sees a resource as Terraform will: its attributes from the stack's synthesized JSON.
 */
import { IConstruct } from "constructs";
import { IAspect, TerraformResource, TerraformStack } from "cdktf";
import { AcceptedRisk } from "./accepted-risk";
import { PackEntry, PolicyLevel, PolicyRule, ResourceView, RuleContext, RuleResult, ScannerIds } from "./rule";
import { Suppression, suppressionsOn } from "./suppressions";

/** One rule's verdict on one resource that was not suppressed. */
export interface Finding {
  readonly ruleId: string;
  readonly level: PolicyLevel;
  readonly path: string;
  readonly resourceType: string;
  readonly message: string;
}

/** A suppression in force (on a construct, or an accepted risk of the register) and the resources it silenced. */
export interface AppliedSuppression extends Suppression {
  /** The construct it is placed on; for a register entry, the stack. */
  readonly path: string;
  readonly matched: string[];
  /** The scanner checks the suppressed rule is the counterpart of: the ids a scanner reports as failed. */
  readonly scanners: ScannerIds;
  /** `construct` for `suppress()`, `register` for an accepted risk of `accepted/<cloud>-accepted-risks.ts`. */
  readonly source: "construct" | "register";
}

/** Collects findings and suppressions across every stack of an app. */
export class PolicyReport {
  readonly findings: Finding[] = [];
  private readonly applied = new Map<string, AppliedSuppression>();

  private readonly declared = new Map<string, { stack: string; risk: AcceptedRisk }>();

  /** Records that a suppression silenced a resource. */
  noteSuppressed(owner: IConstruct, s: Suppression, resourcePath: string, rule?: PolicyRule): void {
    this.note(`${owner.node.path}#${s.ruleId}`, { ...s, path: owner.node.path, matched: [], scanners: rule?.scanners ?? {}, source: "construct" }, resourcePath);
  }

  /** Declares the accepted risks of a stack; each must match at least one finding. */
  declareAccepted(stackPath: string, risks: readonly AcceptedRisk[]): void {
    for (const risk of risks) {
      if (risk.reason.trim().length < 10) throw new Error(`[${stackPath}] accepted risk ${risk.ruleId} needs a reason of at least 10 characters; got ${JSON.stringify(risk.reason)}`);
      this.declared.set(acceptedKey(stackPath, risk), { stack: stackPath, risk });
    }
  }

  /** Records that an accepted risk of the register silenced a resource. */
  noteAccepted(stackPath: string, risk: AcceptedRisk, resourcePath: string, rule: PolicyRule): void {
    const entry = { ruleId: risk.ruleId, reason: `${risk.resources}: ${risk.reason.trim()}`, path: stackPath, matched: [], scanners: rule.scanners ?? {}, source: "register" as const };
    this.note(acceptedKey(stackPath, risk), entry, resourcePath);
  }

  private note(key: string, fresh: AppliedSuppression, resourcePath: string): void {
    const entry = this.applied.get(key) ?? fresh;
    entry.matched.push(resourcePath);
    this.applied.set(key, entry);
  }

  /** Suppressions that silenced at least one finding, for the synth summary. */
  suppressions(stackPath?: string): AppliedSuppression[] {
    return [...this.applied.values()].filter((a) => !stackPath || a.path === stackPath || a.path.startsWith(`${stackPath}/`));
  }

  /** Suppressions and accepted risks declared under `root` that matched nothing: errors, so stale ones are removed. */
  unusedSuppressions(root: IConstruct): Finding[] {
    const stacks = new Set(root.node.findAll().map((c) => c.node.path));
    const unusedAccepted = [...this.declared.entries()]
      .filter(([key, { stack }]) => stacks.has(stack) && !this.applied.has(key))
      .map(([, { stack, risk }]) => ({
        ruleId: risk.ruleId,
        level: "error" as const,
        path: stack,
        resourceType: "-",
        message: `accepted risk ${risk.ruleId} (${risk.resources}) matches no finding; remove it from the register`,
      }));
    return [...unusedAccepted, ...root.node.findAll().flatMap((c) =>
      suppressionsOn(c)
        .filter((s) => !this.applied.has(`${c.node.path}#${s.ruleId}`))
        .map((s) => ({
          ruleId: s.ruleId,
          level: "error" as const,
          path: c.node.path,
          resourceType: "-",
          message: `suppression of ${s.ruleId} matches no finding; remove it`,
        })),
    )];
  }

  /** Every finding that fails synth, unused suppressions included. */
  errors(root: IConstruct): Finding[] {
    return [...this.findings.filter((f) => f.level === "error"), ...this.unusedSuppressions(root)];
  }
}

export interface PolicyAspectProps {
  readonly pack: readonly PackEntry[];
  readonly context: RuleContext;
  readonly report: PolicyReport;
  /** Findings this stack keeps on purpose, from its cloud's register for its environment. @default - none */
  readonly accepted?: readonly AcceptedRisk[];
}

function acceptedKey(stackPath: string, risk: AcceptedRisk): string {
  return `${stackPath}#accepted#${risk.ruleId}#${risk.resources}`;
}

/** The Terraform JSON of one stack, as cdktf writes it. */
interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, Record<string, unknown>[]>;
}

/**
 * The Aspect. Visiting a stack hooks that stack's synthesis: when cdktf turns the stack into
 * Terraform JSON, every rule of the pack runs on every resource of that JSON, exactly what
 * terraform will get, with references already resolved. Evaluating the output instead of each
 * construct avoids resolving every token a second time (a third of the cost of synth).
 */
export class PolicyAspect implements IAspect {
  private readonly hooked = new WeakSet<TerraformStack>();

  constructor(private readonly props: PolicyAspectProps) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.hooked.has(node)) return;
    this.hooked.add(node);
    this.props.report.declareAccepted(node.node.path, this.props.accepted ?? []);
    const synthesize = node.toTerraform.bind(node);
    let evaluated = false;
    node.toTerraform = () => {
      const json = synthesize();
      if (!evaluated) {
        evaluated = true; // once per stack, however often the JSON is produced
        this.evaluate(node, json as StackJson);
      }
      return json;
    };
  }

  /** Runs the pack over every resource of a stack's JSON. */
  evaluate(stack: TerraformStack, json: StackJson): void {
    const constructs = new Map<string, TerraformResource>();
    for (const c of stack.node.findAll()) if (TerraformResource.isTerraformResource(c)) constructs.set(c.node.path, c);
    const views = viewsOf(json, constructs);
    for (const view of views) {
      const construct = constructs.get(view.path);
      for (const { rule, level } of this.props.pack) {
        let result: RuleResult;
        try {
          result = rule.check(view, this.props.context);
        } catch (e) {
          // A rule that throws is a finding, never a crash (cdk-nag does the same).
          result = { status: "non-compliant", detail: `rule failed to evaluate: ${(e as Error).message}` };
        }
        const status = typeof result === "string" ? result : result.status;
        if (status !== "non-compliant") continue;
        const suppression = construct ? findSuppression(construct, rule.id) : undefined;
        if (suppression) {
          this.props.report.noteSuppressed(suppression.owner, suppression.s, view.path, rule);
          continue;
        }
        const accepted = (this.props.accepted ?? []).find((a) => a.ruleId === rule.id && a.appliesTo(view));
        if (accepted) {
          this.props.report.noteAccepted(stack.node.path, accepted, view.path, rule);
          continue;
        }
        const detail = typeof result === "string" ? "" : `: ${result.detail}`;
        this.props.report.findings.push({ ruleId: rule.id, level, path: view.path, resourceType: view.type, message: `${rule.description}${detail}` });
      }
    }
  }
}

function findSuppression(node: IConstruct, ruleId: string): { owner: IConstruct; s: Suppression } | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    const s = suppressionsOn(scope).find((x) => x.ruleId === ruleId);
    if (s) return { owner: scope, s };
  }
  return undefined;
}

/** What rules see for each resource of a stack's JSON; `constructs` (by path) tell which types carry tags. */
export function viewsOf(json: StackJson, constructs: ReadonlyMap<string, TerraformResource>): ResourceView[] {
  const byType = new Map<string, ResourceView[]>();
  const texts = new Map<ResourceView, string>();
  const related = (type: string, address: string): ResourceView[] => {
    const needle = "${" + address + ".";
    return (byType.get(type) ?? []).filter((v) => texts.get(v)!.includes(needle));
  };
  const all: ResourceView[] = [];
  for (const [type, byId] of Object.entries(json.resource ?? {})) {
    const list: ResourceView[] = [];
    for (const [id, raw] of Object.entries(byId)) {
      const { "//": meta, ...attributes } = raw;
      const path = (meta as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? `${type}.${id}`;
      const construct = constructs.get(path);
      const tagPath = construct ? tagPathOf(construct) : undefined;
      const address = `${type}.${id}`;
      const view: ResourceView = {
        type,
        path,
        address,
        attributes,
        taggable: tagPath !== undefined,
        tagPath: tagPath ?? [],
        // Provider defaults (AWS default_tags, Google default_labels) reach only the top-level attribute.
        inheritedTags: tagPath?.length === 1 && (tagPath[0] === "tags" || tagPath[0] === "labels") ? inheritedTags(json, type, attributes) : {},
        related: (t) => related(t, address),
      };
      texts.set(view, JSON.stringify(attributes));
      list.push(view);
    }
    byType.set(type, list);
    all.push(...list);
  }
  return all;
}

/**
 * Google resources whose tags are not their `labels` (a notification channel's `labels` is its
 * e-mail address; Cloud SQL keeps them under settings). Provider default labels do not reach these.
 */
const GOOGLE_TAG_PATHS: Record<string, readonly string[]> = {
  google_monitoring_notification_channel: ["user_labels"],
  google_monitoring_alert_policy: ["user_labels"],
  google_monitoring_uptime_check_config: ["user_labels"],
  google_sql_database_instance: ["settings", "user_labels"],
};

/** Where a resource keeps its tags, or undefined when its type has none. Only Google calls them labels. */
function tagPathOf(resource: TerraformResource): readonly string[] | undefined {
  const type = resource.terraformResourceType;
  if (type.startsWith("google_")) return GOOGLE_TAG_PATHS[type] ?? ("labelsInput" in resource ? ["labels"] : undefined);
  return "tagsInput" in resource ? ["tags"] : undefined;
}

/** Default tags of the provider block a resource uses (its `provider` alias, else the default block). */
function inheritedTags(json: StackJson, type: string, attributes: Record<string, unknown>): Record<string, string> {
  const name = type.slice(0, type.indexOf("_"));
  const blocks = json.provider?.[name] ?? [];
  const alias = typeof attributes.provider === "string" ? attributes.provider.split(".")[1] : undefined;
  const block = blocks.find((b) => (alias ? b.alias === alias : b.alias === undefined)) ?? {};
  const dt = block.default_tags as { tags?: Record<string, string> }[] | undefined;
  const dl = block.default_labels as Record<string, string> | undefined;
  return { ...(dt?.[0]?.tags ?? {}), ...(dl ?? {}) };
}
