/**
 * Runs a pack of rules over every Terraform resource of a stack at synth time (a cdktf Aspect,
 * as cdk-nag v2 does). Findings go into a PolicyReport; main.ts fails synth when it has errors.
 */
import { IConstruct } from "constructs";
import {
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { PackEntry, PolicyLevel, ResourceView, RuleContext, RuleResult } from "./rule";
import { Suppression, suppressionsOn } from "./suppressions";

/** One rule's verdict on one resource that was not suppressed. */
export interface Finding {
  readonly ruleId: string;
  readonly level: PolicyLevel;
  readonly path: string;
  readonly resourceType: string;
  readonly message: string;
}

/** A suppression in force and the resources it silenced. */
export interface AppliedSuppression extends Suppression {
  readonly path: string;
  readonly matched: string[];
}

/** Collects findings and suppressions across every stack of an app. */
export class PolicyReport {
  readonly findings: Finding[] = [];
  private readonly applied = new Map<string, AppliedSuppression>();

  /** Records that a suppression silenced a resource. */
  noteSuppressed(owner: IConstruct, s: Suppression, resourcePath: string): void {
    const key = `${owner.node.path}#${s.ruleId}`;
    const entry = this.applied.get(key) ?? { ...s, path: owner.node.path, matched: [] };
    entry.matched.push(resourcePath);
    this.applied.set(key, entry);
  }

  /** Suppressions that silenced at least one finding, for the synth summary. */
  suppressions(stackPath?: string): AppliedSuppression[] {
    return [...this.applied.values()].filter((a) => !stackPath || a.path === stackPath || a.path.startsWith(`${stackPath}/`));
  }

  /** Suppressions declared under `root` that matched nothing: errors, so stale ones are removed. */
  unusedSuppressions(root: IConstruct): Finding[] {
    return root.node.findAll().flatMap((c) =>
      suppressionsOn(c)
        .filter((s) => !this.applied.has(`${c.node.path}#${s.ruleId}`))
        .map((s) => ({
          ruleId: s.ruleId,
          level: "error" as const,
          path: c.node.path,
          resourceType: "-",
          message: `suppression of ${s.ruleId} matches no finding; remove it`,
        })),
    );
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
}

/** The Aspect: evaluates every rule of the pack on every resource it visits. */
export class PolicyAspect implements IAspect {
  constructor(private readonly props: PolicyAspectProps) {}

  private readonly byStack = new WeakMap<TerraformStack, Map<string, ResourceView[]>>();

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const view = viewOf(node, (type, address) => this.relatedTo(node, type, address));
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
      const suppression = findSuppression(node, rule.id);
      if (suppression) {
        this.props.report.noteSuppressed(suppression.owner, suppression.s, node.node.path);
        continue;
      }
      const detail = typeof result === "string" ? "" : `: ${result.detail}`;
      this.props.report.findings.push({
        ruleId: rule.id,
        level,
        path: node.node.path,
        resourceType: view.type,
        message: `${rule.description}${detail}`,
      });
    }
  }

  /** Views of `type` in the resource's stack whose attributes reference `address`. */
  private relatedTo(node: TerraformResource, type: string, address: string): ResourceView[] {
    const stack = TerraformStack.of(node);
    let index = this.byStack.get(stack);
    if (!index) {
      index = new Map();
      this.byStack.set(stack, index);
    }
    let views = index.get(type);
    if (!views) {
      views = stack.node
        .findAll()
        .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === type)
        .map((r) => viewOf(r, () => []));
      index.set(type, views);
    }
    const needle = "${" + address + ".";
    return views.filter((v) => JSON.stringify(v.attributes).includes(needle));
  }
}

function findSuppression(node: IConstruct, ruleId: string): { owner: IConstruct; s: Suppression } | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    const s = suppressionsOn(scope).find((x) => x.ruleId === ruleId);
    if (s) return { owner: scope, s };
  }
  return undefined;
}

/** Builds what rules see: resolved attributes plus the provider's inherited tags. */
export function viewOf(resource: TerraformResource, related: (type: string, address: string) => ResourceView[]): ResourceView {
  const stack = TerraformStack.of(resource);
  const block = resource.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const raw = Object.values(block.resource?.[resource.terraformResourceType] ?? {})[0] ?? {};
  const attributes = resolve(stack, raw) as Record<string, unknown>;
  const tagPath = tagPathOf(resource);
  const taggable = tagPath !== undefined;
  const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  return {
    type: resource.terraformResourceType,
    path: resource.node.path,
    address,
    related: (type) => related(type, address),
    attributes,
    taggable,
    tagPath: tagPath ?? [],
    // Provider defaults (AWS default_tags, Google default_labels) reach only the top-level attribute.
    inheritedTags: tagPath?.length === 1 && (tagPath[0] === "tags" || tagPath[0] === "labels") ? inheritedTags(stack, resource) : {},
  };
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

function resolve(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false });
}

function inheritedTags(stack: TerraformStack, resource: TerraformResource): Record<string, string> {
  const provider =
    resource.provider ??
    stack.node.findAll().find((c): c is TerraformProvider => c instanceof TerraformProvider && c.terraformResourceType === providerOf(resource.terraformResourceType));
  if (!provider) return {};
  const cfg = resolve(stack, (provider as unknown as { toTerraform(): { provider: Record<string, unknown[]> } }).toTerraform().provider) as Record<
    string,
    Record<string, unknown>[]
  >;
  const attrs = Object.values(cfg)[0]?.[0] ?? {};
  const dt = attrs.default_tags as { tags?: Record<string, string> }[] | undefined;
  const dl = attrs.default_labels as Record<string, string> | undefined;
  return { ...(dt?.[0]?.tags ?? {}), ...(dl ?? {}) };
}

function providerOf(resourceType: string): string {
  return resourceType.slice(0, resourceType.indexOf("_"));
}
