/**
 * What a DAG set declares it needs: the requirement lines (PEP 508) of its `requirements.txt` or of the
 * environment, and which module names each distribution installs, so the DAG checks can tell a declared
 * import from an undeclared one. Pure functions of text; nothing is installed or looked up.
 */
import { ConfigProblem } from "../modules/core/errors";

/** `Foo_Bar.baz` -> `foo-bar-baz`: PEP 503 normalization of a distribution name. */
export function normalizeDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// Distributions whose import name is not their own name.
const IMPORT_NAMES: Readonly<Record<string, readonly string[]>> = {
  "scikit-learn": ["sklearn"], pyyaml: ["yaml"], "python-dateutil": ["dateutil"], beautifulsoup4: ["bs4"],
  pillow: ["PIL"], "opencv-python": ["cv2"], "opencv-python-headless": ["cv2"], protobuf: ["google.protobuf"],
  "google-api-python-client": ["googleapiclient"], "psycopg2-binary": ["psycopg2"], "psycopg-binary": ["psycopg"],
  attrs: ["attr", "attrs"], "python-dotenv": ["dotenv"], pyjwt: ["jwt"], mysqlclient: ["MySQLdb"],
  "tensorflow-cpu": ["tensorflow"], "msgpack-python": ["msgpack"], "typing-extensions": ["typing_extensions"],
  "apache-beam": ["apache_beam"], "great-expectations": ["great_expectations"], "dvc": ["dvc"],
};

/** The module names a distribution provides, as far as its name tells. */
export function importNamesOf(dist: string): string[] {
  const n = normalizeDist(dist);
  const known = IMPORT_NAMES[n];
  if (known) return [...known];
  const provider = /^apache-airflow-providers-(.+)$/.exec(n);
  if (provider) return [`airflow.providers.${provider[1].replace(/-/g, ".")}`];
  // `azure-storage-blob` installs `azure.storage.blob` (a namespace package), `requests-oauthlib` `requests_oauthlib`.
  return [n.replace(/-/g, "_"), n.replace(/-/g, ".")];
}

/** A test of module names against the modules `dists` install (the module itself or one below it). */
export function requirementMatcher(dists: readonly string[]): (module: string) => boolean {
  const names = dists.flatMap(importNamesOf);
  return (m) => names.some((n) => m === n || m.startsWith(`${n}.`));
}

// PEP 508 name at the start of a requirement line (`name[extra] >= 1; marker`).
const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

/** Distribution names (normalized) of requirement lines; comments, blank lines and pip options skipped. */
export function parseRequirements(lines: readonly string[], file: string): { names: string[]; problems: ConfigProblem[] } {
  const names: string[] = [];
  const problems: ConfigProblem[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) return; // -r, -c, --index-url: pip options, no package
    const m = REQUIREMENT.exec(line);
    if (!m || (m[3] !== "" && !/^(@|[<>=!~;(,]|===)/.test(m[3]))) {
      problems.push({ file, field: `line ${i + 1}`, expected: "a requirement like `name`, `name>=1.2` or `name[extra]==1.2`", found: JSON.stringify(raw) });
      return;
    }
    names.push(normalizeDist(m[1]));
  });
  return { names, problems };
}

