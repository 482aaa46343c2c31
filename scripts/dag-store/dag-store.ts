/**
 * A DAG store as the mirror sees it: objects under one prefix it may list, write and delete. One implementation
 * per cloud (`s3-store.ts`, `azure-blob-store.ts`); each only ever touches keys it is handed, and the mirror only
 * hands it keys under the store's prefix.
 */

/** An object of the store: its key and whatever it tells about its content without being read. */
export interface StoredDag {
  readonly key: string;
  /** MD5 of the content in hex, when the listing says it (S3 ETag of a plain upload, Azure Content-MD5). */
  readonly md5?: string;
  /** The raw version tag from the listing, for stores that need a second look. */
  readonly etag?: string;
}

/** A local file's content and digests. */
export interface LocalDag {
  readonly body: Buffer;
  readonly md5: string;
  readonly sha256: string;
}

/** List, compare, write and delete objects. */
export interface DagStore {
  /** Where it writes, for messages (`s3://bucket/dags/`). */
  readonly location: string;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): Promise<StoredDag[]>;
  /** Whether `remote` already holds `local` (may ask the store when the listing cannot tell). */
  holds(remote: StoredDag, local: LocalDag): Promise<boolean>;
  put(key: string, local: LocalDag): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Decodes the five XML entities and numeric references in listings. */
export function xmlText(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The text of the first `<tag>` in `xml`, decoded. */
export function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? xmlText(m[1]) : undefined;
}

/** Every `<tag>...</tag>` block of `xml`. */
export function xmlBlocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
}

/** Throws with the store's own error code and message when a response is not 2xx. */
export async function expectOk(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const body = await res.text();
  const code = xmlField(body, "Code") ?? "";
  const message = xmlField(body, "Message") ?? body.slice(0, 300);
  throw new Error(`${what}: HTTP ${res.status} ${code} ${message}`.trim());
}
