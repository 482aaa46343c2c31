/**
 * Which files of a DAG set Airflow skips when it looks for DAGs, from the set's `.airflowignore` files,
 * in either syntax Airflow reads (`[core] dag_ignore_file_syntax`). Pure: paths and file text in, paths out.
 */

/**
 * Paths Airflow skips because of `.airflowignore` files (each applies to its folder and below).
 * "regexp": each line is a regular expression searched in the path relative to that folder (Airflow 2's default);
 * "glob": gitignore-style patterns (Airflow 3's default), `#` comments, `!` negation.
 */
export function ignoredPaths(paths: readonly string[], read: (path: string) => string, syntax: "glob" | "regexp"): Set<string> {
  const rules: { dir: string; test: (rel: string) => boolean | undefined }[] = [];
  for (const p of paths.filter((x) => x === ".airflowignore" || x.endsWith("/.airflowignore")).sort()) {
    const dir = p.slice(0, -".airflowignore".length);
    for (const raw of read(p).split(/\r?\n/)) {
      const line = syntax === "regexp" ? raw.replace(/\s*#.*$/, "").trim() : raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      rules.push({ dir, test: syntax === "regexp" ? regexpRule(line) : globRule(line) });
    }
  }
  const out = new Set<string>();
  for (const p of paths) {
    let ignored = false;
    for (const r of rules) {
      if (!p.startsWith(r.dir)) continue;
      const verdict = r.test(p.slice(r.dir.length));
      if (verdict !== undefined) ignored = verdict;
    }
    if (ignored) out.add(p);
  }
  return out;
}

function regexpRule(pattern: string): (rel: string) => boolean | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return () => undefined; // Airflow skips a pattern it cannot compile, too
  }
  // Airflow tests a file and each folder above it; the full relative path covers both for a search.
  return (rel) => (re.test(rel) ? true : undefined);
}

function globRule(line: string): (rel: string) => boolean | undefined {
  const negate = line.startsWith("!");
  let pat = negate ? line.slice(1) : line;
  const dirOnly = pat.endsWith("/");
  if (dirOnly) pat = pat.slice(0, -1);
  const anchored = pat.startsWith("/") || pat.includes("/");
  if (pat.startsWith("/")) pat = pat.slice(1);
  const body = pat
    .split("**")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]"))
    .join(".*");
  // The pattern names a file or a folder; a folder's match covers everything below it.
  const re = new RegExp(`${anchored ? "^" : "(^|/)"}${body}${dirOnly ? "/" : "(/|$)"}`);
  return (rel) => (re.test(rel) ? !negate : undefined);
}

