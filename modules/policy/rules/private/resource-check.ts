/** Builds the many small rules that each mirror one scanner check on a few resource types. */
import { PolicyRule, ResourceView, ScannerIds } from "../../rule";

export interface ResourceCheckSpec {
  readonly id: string;
  readonly description: string;
  readonly scanners: ScannerIds;
  readonly maps?: readonly string[];
  /** Terraform types the check applies to; any other resource is not applicable. */
  readonly types: readonly string[];
  /** Why the resource is non-compliant, or undefined when it is compliant. */
  problem(resource: ResourceView): string | undefined;
}

/** A rule from a spec: not applicable outside `types`, non-compliant with the spec's detail. */
export function resourceCheck(spec: ResourceCheckSpec): PolicyRule {
  return {
    id: spec.id,
    description: spec.description,
    scanners: spec.scanners,
    maps: spec.maps ?? [...(spec.scanners.checkov ?? []).map((c) => `Checkov ${c}`), ...(spec.scanners.trivy ?? []).map((t) => `Trivy ${t}`)],
    check(resource) {
      if (!spec.types.includes(resource.type)) return "not-applicable";
      const detail = spec.problem(resource);
      return detail === undefined ? "compliant" : { status: "non-compliant", detail };
    },
  };
}

/** True for a value that is set: not undefined, null, false, "" or an empty list. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== "" && !(Array.isArray(value) && value.length === 0);
}

/** Resources of `type` that reference `resource` in their attribute `key` (a bucket's own companions, not its log target's). */
export function companions(resource: ResourceView, type: string, key = "bucket"): ResourceView[] {
  return resource.related(type).filter((r) => String(r.attributes[key] ?? "").includes(`\${${resource.address}.`));
}
