/**
 * An S3 bucket prefix as a DAG store, over S3's REST API signed with Signature Version 4 (no SDK needed).
 * Credentials come from the standard environment variables that `aws-actions/configure-aws-credentials` sets
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); `AWS_ENDPOINT_URL_S3` (or
 * `AWS_ENDPOINT_URL`) points it at another S3 (a local test server), path-style.
 * Each object it writes carries its SHA-256 in `x-amz-meta-sha256`: with SSE-KMS the ETag is not the MD5, so
 * an unchanged file is recognised by that metadata (one HEAD) instead of being uploaded again.
 */
import { createHash, createHmac } from "crypto";
import { DagStore, expectOk, LocalDag, StoredDag, xmlBlocks, xmlField } from "./dag-store";

/** Signing credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where the bucket is and how to reach it. */
export interface S3StoreProps {
  readonly bucket: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Keys per listing page. @default 1000 (S3's maximum) */
  readonly pageSize?: number;
  /** Another S3 endpoint (path-style). @default - https://<bucket>.s3.<region>.amazonaws.com (path-style for names with dots) */
  readonly endpoint?: string;
}

/** The S3 implementation of DagStore. */
export class S3Store implements DagStore {
  readonly location: string;

  constructor(private readonly props: S3StoreProps) {
    this.location = `s3://${props.bucket}/`;
  }

  async list(prefix: string): Promise<StoredDag[]> {
    const out: StoredDag[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix, "max-keys": String(this.props.pageSize ?? 1000) };
      if (token) query["continuation-token"] = token;
      const res = await this.send("GET", "", query);
      await expectOk(res, `list ${this.location}${prefix}`);
      const xml = await res.text();
      for (const c of xmlBlocks(xml, "Contents")) {
        const etag = (xmlField(c, "ETag") ?? "").replace(/"/g, "");
        out.push({ key: xmlField(c, "Key") ?? "", etag, md5: /^[0-9a-f]{32}$/.test(etag) ? etag : undefined });
      }
      token = xmlField(xml, "IsTruncated") === "true" ? xmlField(xml, "NextContinuationToken") : undefined;
    } while (token);
    return out;
  }

  async holds(remote: StoredDag, local: LocalDag): Promise<boolean> {
    if (remote.md5 === local.md5) return true;
    const res = await this.send("HEAD", remote.key);
    if (res.status === 404) return false;
    await expectOk(res, `head ${this.location}${remote.key}`);
    return res.headers.get("x-amz-meta-sha256") === local.sha256;
  }

  async put(key: string, local: LocalDag): Promise<void> {
    const headers = {
      "content-md5": Buffer.from(local.md5, "hex").toString("base64"),
      "content-type": key.endsWith(".py") ? "text/x-python" : "application/octet-stream",
      "x-amz-meta-sha256": local.sha256,
    };
    const res = await this.send("PUT", key, {}, headers, local.body);
    await expectOk(res, `put ${this.location}${key}`);
  }

  async delete(key: string): Promise<void> {
    const res = await this.send("DELETE", key);
    await expectOk(res, `delete ${this.location}${key}`);
  }

  private send(method: string, key: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, body?: Buffer): Promise<Response> {
    const { bucket, region, endpoint } = this.props;
    // Virtual-hosted style, except for another endpoint and for bucket names with dots (TLS would not match).
    const pathStyle = endpoint !== undefined || bucket.includes(".");
    const base = new URL(endpoint ?? (pathStyle ? `https://s3.${region}.amazonaws.com` : `https://${bucket}.s3.${region}.amazonaws.com`));
    const path = (pathStyle ? `/${bucket}/` : "/") + key.split("/").map(uriEncode).join("/");
    const signed = signV4({ method, host: base.host, path, query, headers, body: body ?? Buffer.alloc(0), region, service: "s3", credentials: this.props.credentials, now: new Date() });
    const qs = canonicalQuery(query);
    return fetch(`${base.protocol}//${base.host}${path}${qs ? `?${qs}` : ""}`, { method, headers: signed, body: body && body.length > 0 ? body : undefined });
  }
}

/** What `signV4` signs. `path` is already URI-encoded. */
export interface SignInput {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly now: Date;
}

/**
 * The request's headers with `authorization`, `x-amz-date`, `x-amz-content-sha256` (and the session token) added:
 * AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 */
export function signV4(r: SignInput): Record<string, string> {
  const amzDate = r.now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256hex(r.body);
  const headers: Record<string, string> = { ...lower(r.headers), host: r.host, "x-amz-date": amzDate, "x-amz-content-sha256": payloadHash };
  if (r.credentials.sessionToken) headers["x-amz-security-token"] = r.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [r.method, r.path, canonicalQuery(r.query), canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(Buffer.from(canonicalRequest))].join("\n");
  let key: Buffer = hmac(`AWS4${r.credentials.secretAccessKey}`, day);
  for (const part of [r.region, r.service, "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${r.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`)
    .join("&");
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function sha256hex(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
