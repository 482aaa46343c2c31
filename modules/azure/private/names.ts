/**
 * Azure names with rules of their own: storage accounts and registries are lowercase alphanumerics,
 * Key Vaults 3-24 characters, and all of them plus PostgreSQL servers are globally unique DNS labels.
 * A short hash of the subscription and the full name keeps two environments (or two tenants using
 * this suite) from colliding while staying stable across synths.
 */
import { Naming, shortHash } from "../../core/naming";

/** `mlopsdevdata1a2b3c`: letters and digits only, at most `max` characters, with a stable hash suffix. */
export function alnumName(naming: Naming, max: number, seed: string, ...parts: string[]): string {
  const full = naming.name(...parts);
  const hash = shortHash(`${seed}/${full}`);
  const base = full.replace(/[^a-z0-9]/g, "");
  return `${base.slice(0, max - hash.length)}${hash}`;
}

/** `mlops-dev-kv-1a2b3c`: hyphenated, at most `max` characters, with a stable hash suffix. */
export function globalName(naming: Naming, max: number, seed: string, ...parts: string[]): string {
  const full = naming.name(...parts);
  const hash = shortHash(`${seed}/${full}`);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
