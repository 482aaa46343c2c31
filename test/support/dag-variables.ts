/**
 * The Variable table of `dags/mlops_platform/variables.py` (its docstring), parsed: the DAGs' side of
 * the contract the constructs' `variables` must match (modules/core/airflow.ts DAG_VARIABLES).
 */
import * as fs from "fs";
import * as path from "path";

const FILE = path.join(__dirname, "..", "..", "dags", "mlops_platform", "variables.py");

/** `| mlops_cloud | all | ... |` rows: the Variable names the DAGs read on `cloud`. */
export function dagTableVariables(cloud: "aws" | "azure" | "gcp"): string[] {
  const rows = fs
    .readFileSync(FILE, "utf8")
    .split("\n")
    .map((l) => /^\|\s*(mlops_[a-z0-9_]+)\s*\|\s*([a-z, ]+?)\s*\|/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  if (rows.length === 0) throw new Error(`no Variable table rows in ${FILE}`);
  return rows.filter((m) => m[2] === "all" || m[2].split(",").map((c) => c.trim()).includes(cloud)).map((m) => m[1]);
}

/** The `NAME = "mlops_..."` constants of the same file: what the DAG code really reads. */
export function dagConstantVariables(): string[] {
  return [...fs.readFileSync(FILE, "utf8").matchAll(/^[A-Z_]+ = "(mlops_[a-z0-9_]+)"$/gm)].map((m) => m[1]);
}
