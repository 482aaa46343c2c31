/**
 * Step "check github": every API call bounded; a server that accepts and never answers, a closed port,
 * a missing repository and a read-only token all end before anything is pushed. Loopback only.
 */
import * as net from "net";
import { AddressInfo } from "net";
import { createGitHub } from "../../../gitops/github-client";
import { planChanges } from "../../../gitops/plan-changes";
import { checkGithubStep } from "../../../gitops/steps/check-github";
import { GitHubFake } from "../github-fake";
import { stepContext } from "./step-context";

const TOKEN = "ghp_checktoken0123456789";
const plan = planChanges(new Map(), { models: new Map([["model-api", { blob: "a".repeat(40), content: Buffer.from("{}") }]]) });
const ctxWith = (baseUrl: string, owner = "acme") =>
  stepContext({ repoUrl: "unused", env: "staging" }, { viaPullRequest: true, plan, github: createGitHub({ owner, repo: "mlops", token: TOKEN, baseUrl, throttle: false, timeoutMs: 300, retries: 1, retryAfterBaseMs: 10 }) });

describe("check github step", () => {
  it("GIVEN a server that accepts connections and never answers THEN it gives up within the bound", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const t0 = Date.now();
    try {
      await expect(checkGithubStep.run(ctxWith(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))).rejects.toThrow(/GitHub read repository at http:\/\/127\.0\.0\.1:\d+: .*(timeout|aborted)/i);
      expect(Date.now() - t0).toBeLessThan(8000);
      // The request and the plugin's one retry (undici may open a spare connection under load).
      expect(sockets.length).toBeGreaterThanOrEqual(2);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it("GIVEN a closed port THEN it fails fast with the reason", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const t0 = Date.now();
    await expect(checkGithubStep.run(ctxWith(`http://127.0.0.1:${port}`))).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("GIVEN a repository the API does not know THEN an InputError naming it (exit 2)", async () => {
    const fake = await GitHubFake.start({ owner: "acme", repo: "mlops", token: TOKEN });
    try {
      await expect(checkGithubStep.run(ctxWith(fake.url, "other"))).rejects.toMatchObject({ name: "InputError", message: `command line: --github-repo: expected a repository on ${fake.url} the token can see, found other/mlops: not found (404)` });
    } finally {
      await fake.close();
    }
  });

  it("GIVEN a read-only token THEN an InputError before any push", async () => {
    const fake = await GitHubFake.start({ owner: "acme", repo: "mlops", token: TOKEN, canPush: false });
    try {
      await expect(checkGithubStep.run(ctxWith(fake.url))).rejects.toMatchObject({ name: "InputError", message: "environment: GITHUB_TOKEN: expected a token that may push branches to acme/mlops and open pull requests, found a token with read access only" });
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
