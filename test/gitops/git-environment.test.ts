/** Where git may send GITHUB_TOKEN: github.com and the GitHub the environment names, nowhere else. */
import { gitEnv, mayReceiveToken } from "../../gitops/git-environment";

describe("mayReceiveToken", () => {
  const cases: [string, string, NodeJS.ProcessEnv, boolean][] = [
    ["github.com", "https://github.com/acme/mlops.git", {}, true],
    ["GitHub.com in capitals", "https://GitHub.com/acme/mlops.git", {}, true],
    ["any other host", "https://git.example.com/acme/mlops.git", {}, false],
    ["a host that only starts like github.com", "https://github.com.evil.example/acme/mlops.git", {}, false],
    ["github.com over plain http", "http://github.com/acme/mlops.git", {}, false],
    ["the host of GITHUB_SERVER_URL", "https://ghe.example.com/acme/mlops.git", { GITHUB_SERVER_URL: "https://ghe.example.com" }, true],
    ["GHE Server: GITHUB_API_URL with /api/v3", "https://ghe.example.com/acme/mlops.git", { GITHUB_API_URL: "https://ghe.example.com/api/v3" }, true],
    ["GHE.com: GITHUB_API_URL with api. prefix", "https://acme.ghe.com/acme/mlops.git", { GITHUB_API_URL: "https://api.acme.ghe.com" }, true],
    ["the api. host itself is not a git host", "https://api.acme.ghe.com/acme/mlops.git", { GITHUB_API_URL: "https://api.acme.ghe.com" }, false],
    ["another host while GHE is configured", "https://git.example.com/acme/mlops.git", { GITHUB_SERVER_URL: "https://ghe.example.com", GITHUB_API_URL: "https://ghe.example.com/api/v3" }, false],
    ["a port is part of the host", "https://ghe.example.com:8443/x.git", { GITHUB_SERVER_URL: "https://ghe.example.com" }, false],
    ["an unparsable GITHUB_SERVER_URL adds nothing", "https://git.example.com/x.git", { GITHUB_SERVER_URL: "not a url" }, false],
  ];
  it.each(cases)("%s", (_name, url, env, want) => {
    expect(mayReceiveToken(url, env)).toBe(want);
  });
});

describe("gitEnv", () => {
  const saved = { token: process.env.GITHUB_TOKEN, server: process.env.GITHUB_SERVER_URL, api: process.env.GITHUB_API_URL };
  beforeEach(() => {
    process.env.GITHUB_TOKEN = "ghp_testtoken0123456789";
    delete process.env.GITHUB_SERVER_URL;
    delete process.env.GITHUB_API_URL;
  });
  afterEach(() => {
    for (const [k, v] of [["GITHUB_TOKEN", saved.token], ["GITHUB_SERVER_URL", saved.server], ["GITHUB_API_URL", saved.api]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const headers = (env: Record<string, string>) => Object.entries(env).filter(([k, v]) => k.startsWith("GIT_CONFIG_VALUE_") && v.startsWith("Authorization:"));

  it("GIVEN a github.com URL THEN git gets the token as an extra header for that origin", () => {
    const env = gitEnv("https://github.com/acme/mlops.git");
    expect(headers(env)).toHaveLength(1);
    expect(Object.values(env)).toContain("http.https://github.com/.extraHeader");
  });

  it("GIVEN --repo on another host THEN git gets no token at all", () => {
    const env = gitEnv("https://git.example.com/acme/mlops.git");
    expect(headers(env)).toEqual([]);
    expect(JSON.stringify(env)).not.toContain(Buffer.from("x-access-token:ghp_testtoken0123456789").toString("base64"));
  });
});
