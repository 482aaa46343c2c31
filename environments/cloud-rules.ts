/**
 * What a cloud refuses in an otherwise schema-valid environment, checked at config load for the
 * clouds the environment deploys to, so synth never stops inside a construct. Each rule names the
 * construct or provider check it mirrors; the constructs keep their own checks as a second line.
 */
import { ConfigProblem, describeValue } from "../modules/core/errors";
import type { EnvironmentConfig } from "./schema";

/** Google label values (modules/gcp/labels.ts; Google: lowercase letters, digits, `_`, `-`, at most 63). */
const GOOGLE_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
/** AWS tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 (AWS tagging rules). */
const AWS_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** GitHub environment in a Google subject (modules/gcp/ci-identity.ts SUBJECT_PART). */
const GOOGLE_SUBJECT_PART = /^[A-Za-z0-9_./-]+$/;
/** google.subject is at most 127 bytes (modules/gcp/ci-identity.ts SUBJECT_MAX). */
const GOOGLE_SUBJECT_MAX = 127;

/** Every value of `config` that a cloud it deploys to would refuse, one problem each. */
export function cloudRuleProblems(file: string, config: EnvironmentConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { aws, azure, gcp } = config.clouds;
  for (const [key, value] of Object.entries(config.tags)) {
    if (gcp && !GOOGLE_LABEL_VALUE.test(value)) {
      problems.push({ file, field: `tags.${key}`, expected: "a value Google labels accept (gcp is deployed): lowercase letters, digits, _ and -, at most 63, like \"ml-platform\"", found: describeValue(value) });
    } else if (aws && !AWS_TAG_VALUE.test(value)) {
      problems.push({ file, field: `tags.${key}`, expected: "a value AWS tags accept (aws is deployed): letters, digits, spaces and _ . : / = + - @", found: describeValue(value) });
    }
  }
  if (gcp) {
    const prefix = config.namePrefix;
    // Every Google name starts with `<namePrefix>-`: the workload identity pool refuses "gcp-" (provider
    // google/services/iambeta/resource_iam_workload_identity_pool.go, ValidateWorkloadIdentityPoolId), Cloud
    // Storage bucket names may not start with "goog" nor contain "google" (https://cloud.google.com/storage/docs/buckets#naming).
    if (prefix === "gcp" || prefix.startsWith("goog") || prefix.includes("google")) {
      problems.push({ file, field: "namePrefix", expected: "a prefix Google accepts in names (gcp is deployed): not \"gcp\", not starting with \"goog\", not containing \"google\"", found: describeValue(prefix) });
    }
  }
  // Azure maps tier "small" to a Burstable flexible server (modules/azure/database.ts), which has no zone-redundant standby.
  if (azure && config.resilience === "zonal" && config.database.tier === "small") {
    problems.push({ file, field: "resilience", expected: "\"minimal\" with database.tier \"small\" (azure is deployed: Burstable servers have no zone-redundant standby), or database.tier \"medium\" or \"large\"", found: "\"zonal\"" });
  }
  // S3 bucket names (`<namePrefix>-<env>-<purpose>-<account>`) may not start with "sthree-" (S3 general purpose bucket naming rules).
  if (aws && config.namePrefix === "sthree") {
    problems.push({ file, field: "namePrefix", expected: "a prefix S3 accepts in bucket names (aws is deployed): not \"sthree\"", found: describeValue(config.namePrefix) });
  }
  const githubEnv = config.github.environment;
  if (githubEnv !== undefined) {
    if (gcp && !GOOGLE_SUBJECT_PART.test(githubEnv)) {
      problems.push({ file, field: "github.environment", expected: "a GitHub environment name of letters, digits, _ . / - (gcp is deployed: it is part of the token subject Google matches exactly)", found: describeValue(githubEnv) });
    } else if (azure && /[*?:\s]/.test(githubEnv)) {
      problems.push({ file, field: "github.environment", expected: "a GitHub environment name with no wildcard, colon or space (azure is deployed: federated credential subjects match exactly)", found: describeValue(githubEnv) });
    }
  }
  if (gcp) {
    const subject = `repo:${config.github.repository}:environment:${githubEnv ?? config.name}`;
    if (Buffer.byteLength(subject) > GOOGLE_SUBJECT_MAX) {
      problems.push({ file, field: githubEnv === undefined ? "github.repository" : "github.environment", expected: `a token subject of at most ${GOOGLE_SUBJECT_MAX} bytes (gcp is deployed)`, found: `${describeValue(subject)} (${Buffer.byteLength(subject)} bytes)` });
    }
  }
  return problems;
}
