/** Resource names: `<prefix>-<env>-<part>...`, lowercase, one scheme for every cloud. */
export class Naming {
  constructor(
    readonly prefix: string,
    readonly env: string,
  ) {}

  /** `mlops-dev-raw`; parts are joined with hyphens. */
  name(...parts: string[]): string {
    return [this.prefix, this.env, ...parts].join("-").toLowerCase();
  }

  /** A name cut to `max` characters, keeping a short hash of the full name so it stays unique. */
  bounded(max: number, ...parts: string[]): string {
    const full = this.name(...parts);
    if (full.length <= max) return full;
    const hash = shortHash(full);
    return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
  }
}

/** Six hex characters of a stable FNV-1a hash. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0").slice(0, 6);
}
