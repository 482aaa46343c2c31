/** IPv4 CIDR arithmetic for config validation and subnet planning; no dependency, no network. */

export interface Cidr {
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16"; returns undefined for anything malformed or with host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((base & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { base, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Formats a Cidr back to text. */
export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** True when two blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = maskOf(prefix);
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** The index-th block of `newBits` more bits inside `parent` (Terraform's cidrsubnet). */
export function subnetOf(parent: Cidr, newBits: number, index: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32) throw new Error(`cannot carve /${prefix} out of ${formatCidr(parent)}`);
  if (index < 0 || index >= 2 ** newBits) {
    throw new Error(`subnet index ${index} does not fit ${newBits} new bits of ${formatCidr(parent)}`);
  }
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
