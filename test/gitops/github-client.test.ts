/** The GitHub client's failures say what happened, even when the server sends no text (loopback only). */
import * as http from "http";
import { AddressInfo } from "net";
import { createGitHub, resolveGithubRepo } from "../../gitops/github-client";

describe("GitHub client errors", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("GIVEN a 404 with an empty body THEN the message names the status, not 'failed (404): '", async () => {
    const gh = createGitHub({ owner: "acme", repo: "mlops", token: "ghp_x0123456789", baseUrl: url, throttle: false, retries: 0 });
    const e = await gh.findOpenPull("promote/dev/x", "main").catch((x: Error) => x);
    expect((e as Error).message).toMatch(/^GitHub list pull requests failed \(404 Not Found\): the server sent no message$/);
  });
});

describe("resolveGithubRepo", () => {
  it.each([
    ["acme/mlops", "x", { owner: "acme", repo: "mlops" }],
    [undefined, "https://github.com/acme/mlops.git", { owner: "acme", repo: "mlops" }],
  ])("%s %s", (explicit, url, want) => {
    const saved = process.env.GITHUB_REPOSITORY;
    delete process.env.GITHUB_REPOSITORY;
    try {
      expect(resolveGithubRepo(explicit, url)).toEqual(want);
    } finally {
      if (saved !== undefined) process.env.GITHUB_REPOSITORY = saved;
    }
  });
  it("GIVEN --github-repo without a slash THEN an InputError", () => {
    expect(() => resolveGithubRepo("acme", "x")).toThrow('command line: --github-repo: expected owner/name, found "acme"');
  });
});
