/** A ResourceView built by hand, for rules that are pure functions of one resource and its companions. */
import { ResourceView } from "../../../modules/policy/rule";

/** `view("aws_s3_bucket", "stack/storage/raw", {...}, { aws_s3_bucket_logging: [view(...)] })` */
export function view(type: string, path: string, attributes: Record<string, unknown> = {}, related: Record<string, ResourceView[]> = {}): ResourceView {
  const id = path.split("/").slice(1).join("_") || "r";
  return { type, path, address: `${type}.${id}`, attributes, taggable: false, tagPath: [], inheritedTags: {}, related: (t) => related[t] ?? [] };
}

/** The status a rule returns, without its detail. */
export function statusOf(result: string | { status: string }): string {
  return typeof result === "string" ? result : result.status;
}
