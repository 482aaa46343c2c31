/**
 * A shortcut through cdktf's token resolution for the parts of a value that hold no token.
 *
 * cdktf resolves a stack's Terraform JSON by walking every string, number, array and object of it
 * (cdktf/lib/tokens/private/resolve.js), building two context objects with closures per value and
 * testing every string against three regular expressions, even where nothing is a token: that walk
 * was a third of synth's CPU time. This one walks the same value and returns plain parts exactly as
 * cdktf would (the same objects' keys in the same order, `undefined` dropped from objects and
 * arrays); everything else (any string holding a token marker or looking like an encoded number, a
 * token number, an IResolvable, a construct, a function, a path deeper than cdktf allows) is handed
 * to cdktf's own resolve with the path and options cdktf would have given it there, so tokens,
 * errors and messages are cdktf's. Written against cdktf 0.21.0; with any other version installed
 * it stays off. Used for main.ts's synth only (stacks/one-pass-synth.ts).
 */
import { Token, Tokenization } from "cdktf";
import encoding = require("cdktf/lib/tokens/private/encoding");
import resolveModule = require("cdktf/lib/tokens/private/resolve");

type ResolveOptions = Parameters<typeof resolveModule.resolve>[1];

/** cdktf resolve.js: deeper paths are reported as a circular reference (by cdktf, here too). */
const MAX_DEPTH = 200;
/** The start of every token marker: `${TfToken[` (string), `#{TfToken[` (list), `&{TfToken[` (map). */
const MARKER = "{TfToken[";
/** encoding.js NUMBER_TOKEN_REGEX (not exported); a string it matches is left to cdktf. */
const NUMBER_TOKEN = new RegExp("[-|\\d|.\\+]+(e[-|\\d|.|e|E|\\+]+)");

/** The cdktf version this shortcut was checked against, line by line. */
export const CHECKED_CDKTF_VERSION = "0.21.0";

/** A path from the root of the value, built only when a part is handed to cdktf. */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string;
  readonly depth: number;
}

function prefixOf(path: Path | undefined): string[] {
  const keys: string[] = [];
  for (let p = path; p; p = p.parent) keys.push(p.key);
  return keys.reverse();
}

function plainString(s: string): boolean {
  return !s.includes(MARKER) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE && !NUMBER_TOKEN.test(s);
}

function plainNumber(n: number): boolean {
  return n !== Token.NUMBER_MAP_TOKEN_VALUE && encoding.extractTokenDouble(n, false) === undefined;
}

/** True when an array is one cdktf resolves element by element (no list token among them). */
function plainArray(xs: readonly unknown[]): boolean {
  for (const x of xs) {
    if (typeof x === "string" && x.includes(MARKER)) return false;
    if (typeof x === "number" && encoding.extractTokenDouble(x, true) !== undefined) return false;
  }
  return true;
}

/** True when an object is one cdktf resolves key by key: no map token key, not a token, not a construct. */
function plainObject(obj: object): boolean {
  if (Tokenization.isResolvable(obj)) return false;
  const o = obj as { _children?: unknown; _metadata?: unknown };
  if (o._children !== undefined && o._metadata !== undefined) return false;
  for (const key of Object.keys(obj)) if (!plainString(key)) return false;
  return true;
}

/** Creates the resolve function: `original` is cdktf's, called for every part that is not plain. */
export function fastResolve(original: typeof resolveModule.resolve): typeof resolveModule.resolve {
  return (value: unknown, options: ResolveOptions) => {
    const root: string[] = options.prefix ?? [];
    // Through plain parts cdktf only copies the previous context's flags to the next, so a part
    // handed over gets the same flags from the options' own previous context.
    const handOver = (x: unknown, path: Path | undefined) => original(x, { ...options, prefix: [...root, ...prefixOf(path)] });
    const walk = (x: unknown, path: Path | undefined): unknown => {
      if (root.length + (path?.depth ?? 0) > MAX_DEPTH) return handOver(x, path);
      if (x === undefined || x === null) return x;
      switch (typeof x) {
        case "string":
          return plainString(x) ? x : handOver(x, path);
        case "number":
          return plainNumber(x) ? x : handOver(x, path);
        case "object":
          break;
        case "function":
          return handOver(x, path);
        default:
          return x;
      }
      if (x instanceof Date) return x;
      const depth = (path?.depth ?? 0) + 1;
      if (Array.isArray(x)) {
        if (!plainArray(x)) return handOver(x, path);
        const out: unknown[] = [];
        for (let i = 0; i < x.length; i++) {
          const v = walk(x[i], { parent: path, key: `${i}`, depth });
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      if (!plainObject(x)) return handOver(x, path);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(x)) {
        const v = walk((x as Record<string, unknown>)[key], { parent: path, key, depth });
        if (v !== undefined) out[key] = v;
      }
      return out;
    };
    return walk(value, undefined);
  };
}

/** Runs `fn` with the shortcut in place of cdktf's resolve (when the installed cdktf is the checked one). */
export function withFastResolve<T>(cdktfVersion: string, fn: () => T): T {
  if (cdktfVersion !== CHECKED_CDKTF_VERSION) return fn();
  const original = resolveModule.resolve;
  const exported = resolveModule as { resolve: typeof resolveModule.resolve };
  exported.resolve = fastResolve(original);
  try {
    return fn();
  } finally {
    exported.resolve = original;
  }
}
