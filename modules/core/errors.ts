import { IConstruct } from "constructs";

/**
 * A problem in user input found before anything is written: names the file, the field path,
 * what was expected and what was found. One line per problem, no stack trace.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/** Formats one problem as the single line users read. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}: ${p.field || "(root)"}: expected ${p.expected}, found ${p.found}`;
}

/** Raised when configuration is invalid; carries every problem, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
  }
}

/** Raised by a construct whose props are invalid; the message starts with the construct path. */
export class ValidationError extends Error {
  constructor(message: string, scope: IConstruct) {
    super(`[${scope.node.path}] ${message}`);
    this.name = "ValidationError";
  }
}

/** Renders any value for a "found ..." clause: short, quoted when a string. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return visible(JSON.stringify(value));
  // JSON.stringify turns these into "null"; 1e999 in a JSON file parses to Infinity.
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : `${value} (a JSON number this large, such as 1e999, overflows to it)`;
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Characters that print as nothing (byte order mark, zero-width and direction marks, soft hyphen). */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/** Shows invisible characters as `\uXXXX`, and with `explain` says so: "dev" and "\uFEFFdev" must not look alike. */
export function visible(text: string, explain = true): string {
  const found = [...new Set(text.match(INVISIBLE) ?? [])];
  if (found.length === 0) return text;
  const code = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const escaped = text.replace(INVISIBLE, (c) => `\\u${code(c).slice(2)}`);
  if (!explain) return escaped;
  const names = found.map((c) => (c === "\uFEFF" ? "byte order mark U+FEFF" : `character ${code(c)}`));
  return `${escaped} (with the invisible ${names.join(", ")})`;
}

/** "must be one of a, b, c" messages used by several constructs. */
export function notOneOf(field: string, value: unknown, allowed: readonly (string | number)[]): string {
  return `${field} must be one of ${allowed.join(", ")}; got ${describeValue(value)}`;
}

/**
 * What every module accessor throws for a name it does not hold (`arnOf("nope")`, `bucketName("x")`):
 * a ValidationError naming the construct, what was asked for and the names it knows, on every cloud.
 */
export function unknownName(scope: IConstruct, what: string, name: string, known: readonly string[]): ValidationError {
  return new ValidationError(`no ${what} named ${describeValue(name)}; known: ${known.length > 0 ? known.join(", ") : "none"}`, scope);
}

/** Looks a name up in a module's record, or throws `unknownName`: the one lookup every accessor uses. */
export function lookup<T>(scope: IConstruct, what: string, record: Readonly<Record<string, T>>, name: string): T {
  if (!Object.prototype.hasOwnProperty.call(record, name)) throw unknownName(scope, what, name, Object.keys(record));
  return record[name];
}
