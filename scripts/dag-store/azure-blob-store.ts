/**
 * An Azure Blob container prefix as a DAG store, over the Blob service REST API (no SDK needed).
 * Authorization: an Entra ID bearer token for https://storage.azure.com (the deploy job's builder identity,
 * `az account get-access-token`; the platform's storage accounts have shared keys off), or a shared key
 * (`AZURE_STORAGE_KEY`, for a local Azurite). Each blob is written with its Content-MD5, which the listing
 * returns, so an unchanged file is never uploaded again.
 */
import { createHmac } from "crypto";
import { DagStore, expectOk, LocalDag, StoredDag, xmlBlocks, xmlField } from "./dag-store";

// A Blob service version Azure and Azurite 3.35 both accept.
const VERSION = "2021-12-02";

/** How requests are authorized. */
export type AzureAuth = { readonly kind: "bearer"; readonly token: () => Promise<string> } | { readonly kind: "shared-key"; readonly accountKey: string };

/** Which container, where. */
export interface AzureBlobStoreProps {
  readonly account: string;
  readonly container: string;
  readonly auth: AzureAuth;
  /** Blobs per listing page. @default 5000 (the service's maximum) */
  readonly pageSize?: number;
  /** The Blob service endpoint. @default - https://<account>.blob.core.windows.net */
  readonly endpoint?: string;
}

/** The Azure Blob implementation of DagStore. */
export class AzureBlobStore implements DagStore {
  readonly location: string;
  private readonly endpoint: URL;

  constructor(private readonly props: AzureBlobStoreProps) {
    this.endpoint = new URL(props.endpoint ?? `https://${props.account}.blob.core.windows.net`);
    this.location = `${this.endpoint.origin}${this.endpoint.pathname.replace(/\/$/, "")}/${props.container}/`;
  }

  async list(prefix: string): Promise<StoredDag[]> {
    const out: StoredDag[] = [];
    let marker: string | undefined;
    do {
      const query: Record<string, string> = { restype: "container", comp: "list", maxresults: String(this.props.pageSize ?? 5000) };
      if (prefix) query.prefix = prefix;
      if (marker) query.marker = marker;
      const res = await this.send("GET", "", query);
      await expectOk(res, `list ${this.location}${prefix}`);
      const xml = await res.text();
      for (const b of xmlBlocks(xml, "Blob")) {
        const md5 = xmlField(b, "Content-MD5");
        out.push({ key: xmlField(b, "Name") ?? "", md5: md5 ? Buffer.from(md5, "base64").toString("hex") : undefined, etag: xmlField(b, "Etag") });
      }
      marker = xmlField(xml, "NextMarker") || undefined;
    } while (marker);
    return out;
  }

  async holds(remote: StoredDag, local: LocalDag): Promise<boolean> {
    return remote.md5 === local.md5;
  }

  async put(key: string, local: LocalDag): Promise<void> {
    const md5 = Buffer.from(local.md5, "hex").toString("base64");
    const headers = {
      "x-ms-blob-type": "BlockBlob",
      "x-ms-blob-content-md5": md5,
      "x-ms-blob-content-type": key.endsWith(".py") ? "text/x-python" : "application/octet-stream",
      "content-md5": md5,
    };
    const res = await this.send("PUT", key, {}, headers, local.body);
    await expectOk(res, `put ${this.location}${key}`);
  }

  async delete(key: string): Promise<void> {
    const res = await this.send("DELETE", key, {}, { "x-ms-delete-snapshots": "include" });
    await expectOk(res, `delete ${this.location}${key}`);
  }

  private async send(method: string, key: string, query: Record<string, string> = {}, extra: Record<string, string> = {}, body?: Buffer): Promise<Response> {
    const base = this.endpoint.pathname.replace(/\/$/, "");
    const path = `${base}/${encodeURIComponent(this.props.container)}${key ? `/${key.split("/").map(encodeURIComponent).join("/")}` : ""}`;
    const qs = new URLSearchParams(query).toString();
    const headers: Record<string, string> = { "x-ms-date": new Date().toUTCString(), "x-ms-version": VERSION, ...extra };
    const length = body ? body.length : 0;
    if (method === "PUT") headers["content-length"] = String(length);
    if (this.props.auth.kind === "bearer") {
      headers.authorization = `Bearer ${await this.props.auth.token()}`;
    } else {
      headers.authorization = `SharedKey ${this.props.account}:${sharedKeySignature(this.props.account, this.props.auth.accountKey, method, path, query, headers)}`;
    }
    return fetch(`${this.endpoint.origin}${path}${qs ? `?${qs}` : ""}`, { method, headers, body: body && body.length > 0 ? body : undefined });
  }
}

/**
 * Shared Key signature of a Blob service request (learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key),
 * version 2015-02-21 and later: an empty Content-Length when it is 0.
 */
export function sharedKeySignature(account: string, key: string, method: string, path: string, query: Record<string, string>, headers: Record<string, string>): string {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const length = h["content-length"] && h["content-length"] !== "0" ? h["content-length"] : "";
  const standard = ["content-encoding", "content-language", "", "content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"].map((n) =>
    n === "" ? length : (h[n] ?? ""),
  );
  const msHeaders = Object.keys(h)
    .filter((k) => k.startsWith("x-ms-"))
    .sort()
    .map((k) => `${k}:${h[k].trim()}\n`)
    .join("");
  const resource =
    `/${account}${path}` +
    Object.keys(query)
      .map((k) => k.toLowerCase())
      .sort()
      .map((k) => `\n${k}:${query[Object.keys(query).find((q) => q.toLowerCase() === k) as string]}`)
      .join("");
  const stringToSign = `${method}\n${standard.join("\n")}\n${msHeaders}${resource}`;
  return createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign, "utf8").digest("base64");
}
