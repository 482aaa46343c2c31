/**
 * A local stand-in for the GitHub REST API: a real HTTP server on 127.0.0.1 answering the pull request
 * endpoints the promoter uses, checking every request (path, method, query, body) and every response
 * body against GitHub's official OpenAPI description (@octokit/openapi, api.github.com). Whatever the
 * spec rejects is recorded in `violations`; tests assert there are none.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonObject;
}
interface Operation {
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonObject }> };
  responses: Record<string, { $ref: string } | { content?: Record<string, { schema: JsonObject }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonObject>;
    parameters: Record<string, Parameter>;
    responses: Record<string, { content?: Record<string, { schema: JsonObject }> }>;
    examples: Record<string, { value: Json }>;
  };
}

const SPEC_FILE = require.resolve("@octokit/openapi/generated/api.github.com.json");

/** The spec and a validator over it, loaded once per test file (13 MB of JSON, about 0.2 s). */
class OpenApi {
  readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; regex: RegExp; names: string[] }[] = [];

  constructor() {
    this.spec = JSON.parse(fs.readFileSync(SPEC_FILE, "utf8")) as Spec;
    // OpenAPI 3.0 schemas: `nullable` is understood by Ajv; vendor keywords (x-github...) are ignored.
    // inlineRefs off: a component used many times (simple-user in a repository) is compiled once, not
    // inlined at every use; what validates and the errors' paths and messages are the same.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, inlineRefs: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: "gh.json", components: { schemas: this.spec.components.schemas } });
    for (const [template, ops] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
      for (const method of Object.keys(ops)) this.routes.push({ method: method.toUpperCase(), template, regex, names });
    }
  }

  /** The operation for a request, with its path parameters. */
  route(method: string, pathname: string): { template: string; op: Operation; params: Record<string, string> } | undefined {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      return { template: r.template, op: this.spec.paths[r.template][method.toLowerCase()], params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return undefined;
  }

  parameters(op: Operation): Parameter[] {
    return (op.parameters ?? []).map((p) => ("$ref" in p ? this.spec.components.parameters[p.$ref.split("/").pop()!] : p));
  }

  /** Validates `value` against a schema whose refs point into the spec's components. */
  check(schema: JsonObject, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile({ $id: `s${this.cache.size}.json`, allOf: [rebase(schema)] });
      this.cache.set(key, v);
    }
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
  }

  responseSchema(op: Operation, status: number): JsonObject | undefined {
    let r = op.responses[String(status)];
    if (!r) return undefined;
    if ("$ref" in r) r = this.spec.components.responses[r.$ref.split("/").pop()!];
    return r.content?.["application/json"]?.schema;
  }
}

/** Points `#/components/...` refs at the shared spec document. */
function rebase(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(schema)) out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `gh.json${v}` : rebase(v);
    return out;
  }
  return schema;
}

let shared: OpenApi | undefined;
function openApi(): OpenApi {
  shared ??= new OpenApi();
  return shared;
}

/** A pull request as the fake stores it. */
export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
}

/** Options of the fake. */
export interface FakeOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  /** Whether a branch exists (GitHub answers 422 to a PR from a missing branch). @default - every branch exists */
  readonly branchExists?: (branch: string) => boolean;
  /** Whether `head` has commits `base` lacks (GitHub answers 422 "No commits between" otherwise). @default - always */
  readonly hasCommitsAhead?: (head: string, base: string) => boolean;
  /** Whether the token may push (GET /repos/{owner}/{repo} permissions.push). @default true */
  readonly canPush?: boolean;
}

/** The running fake. */
export class GitHubFake {
  readonly pulls: FakePull[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly violations: string[] = [];
  private server?: http.Server;
  url = "";

  private constructor(private readonly opts: FakeOptions) {}

  /** Starts the fake on an ephemeral port. */
  static async start(opts: FakeOptions): Promise<GitHubFake> {
    const fake = new GitHubFake(opts);
    openApi();
    fake.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => fake.handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => fake.server!.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, rawBody: string, res: http.ServerResponse): void {
    const api = openApi();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", this.url);
    const where = `${method} ${url.pathname}${url.search}`;
    const send = (status: number, body: Json, op?: Operation) => {
      if (op) {
        const schema = api.responseSchema(op, status);
        if (!schema) this.violations.push(`${where}: response status ${status} is not in the spec`);
        else for (const e of api.check(schema, body)) this.violations.push(`${where}: response ${status} body: ${e}`);
      }
      this.requests.push({ method, path: url.pathname + url.search, status });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };

    const route = api.route(method, url.pathname);
    if (!route) {
      this.violations.push(`${where}: no such operation in GitHub's API`);
      return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    const { op, params, template } = route;
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${this.opts.token}` && auth !== `Bearer ${this.opts.token}`) {
      return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    // Request: every query parameter known and valid, required ones present, body valid.
    const known = api.parameters(op);
    for (const p of known) {
      const value = p.in === "path" ? params[p.name] : p.in === "query" ? url.searchParams.get(p.name) ?? undefined : undefined;
      if (value === undefined) {
        if (p.required) this.violations.push(`${where}: missing required ${p.in} parameter ${p.name}`);
        continue;
      }
      for (const e of api.check(p.schema, coerce(p.schema, value))) this.violations.push(`${where}: ${p.in} parameter ${p.name}: ${e}`);
    }
    for (const name of url.searchParams.keys()) {
      if (!known.some((p) => p.in === "query" && p.name === name)) this.violations.push(`${where}: unknown query parameter ${name}`);
    }
    let body: unknown;
    if (op.requestBody) {
      try {
        body = rawBody === "" ? undefined : JSON.parse(rawBody);
      } catch {
        this.violations.push(`${where}: body is not JSON`);
      }
      const schema = op.requestBody.content["application/json"]?.schema;
      if (body === undefined && op.requestBody.required) this.violations.push(`${where}: missing required body`);
      if (body !== undefined && schema) for (const e of api.check(schema, body)) this.violations.push(`${where}: request body: ${e}`);
    } else if (rawBody !== "") {
      this.violations.push(`${where}: a body where the spec has none`);
    }

    if (params.owner !== this.opts.owner || params.repo !== this.opts.repo) {
      return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    switch (`${method} ${template}`) {
      case "GET /repos/{owner}/{repo}": {
        const example = structuredClone(api.spec.components.examples["full-repository"].value) as JsonObject;
        const push = this.opts.canPush ?? true;
        return send(200, { has_discussions: false, ...example, name: this.opts.repo, full_name: `${this.opts.owner}/${this.opts.repo}`, permissions: { admin: false, maintain: false, push, triage: push, pull: true } }, op);
      }
      case "GET /repos/{owner}/{repo}/pulls": {
        const state = url.searchParams.get("state") ?? "open";
        const head = url.searchParams.get("head");
        const base = url.searchParams.get("base");
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const hits = this.pulls.filter(
          (p) => (state === "all" || p.state === state) && (!head || head === `${this.opts.owner}:${p.head}`) && (!base || p.base === base),
        );
        return send(200, hits.slice((page - 1) * perPage, page * perPage).map((p) => this.render(p, false)), op);
      }
      case "POST /repos/{owner}/{repo}/pulls": {
        const head = String(b.head ?? "");
        const base = String(b.base ?? "");
        const errors: Json[] = [];
        if (this.opts.branchExists && !this.opts.branchExists(head)) errors.push({ resource: "PullRequest", field: "head", code: "invalid" });
        else if (this.opts.hasCommitsAhead && !this.opts.hasCommitsAhead(head, base)) {
          errors.push({ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` });
        }
        if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
          errors.push({ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${this.opts.owner}:${head}.` });
        }
        if (errors.length > 0) return send(422, { message: "Validation Failed", errors, documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request" }, op);
        const pull: FakePull = { number: this.pulls.length + 1, title: String(b.title), body: String(b.body ?? ""), head, base, state: "open" };
        this.pulls.push(pull);
        return send(201, this.render(pull, true), op);
      }
      case "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": {
        const pull = this.pulls.find((p) => p.number === Number(params.pull_number));
        if (!pull) return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
        if (typeof b.title === "string") pull.title = b.title;
        if (typeof b.body === "string") pull.body = b.body;
        if (b.state === "open" || b.state === "closed") pull.state = b.state;
        return send(200, this.render(pull, true), op);
      }
      default:
        this.violations.push(`${where}: the fake does not implement ${template}`);
        return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
  }

  /** A full pull request object: GitHub's own example, with our values in. */
  private render(p: FakePull, full: boolean): Json {
    const api = openApi();
    const example = api.spec.components.examples[full ? "pull-request" : "pull-request-simple-items"].value;
    const base = structuredClone(Array.isArray(example) ? example[0] : example) as JsonObject;
    const htmlUrl = `https://github.com/${this.opts.owner}/${this.opts.repo}/pull/${p.number}`;
    const apiUrl = `https://api.github.com/repos/${this.opts.owner}/${this.opts.repo}/pulls/${p.number}`;
    const withRef = (side: Json, ref: string): Json => ({ ...(side as JsonObject), ref, label: `${this.opts.owner}:${ref}` });
    return {
      ...base,
      id: 1000 + p.number,
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      html_url: htmlUrl,
      url: apiUrl,
      head: withRef(base.head, p.head),
      base: withRef(base.base, p.base),
      requested_teams: [],
    };
  }
}

function coerce(schema: JsonObject, value: string): unknown {
  if (schema.type === "integer" || schema.type === "number") return value.trim() === "" ? value : Number(value);
  if (schema.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}
