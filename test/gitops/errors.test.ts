import { EXIT, exitCodeOf, GateHeldError, InputError, redact } from "../../gitops/errors";
import { normalizeRepoUrl } from "../../gitops/git-environment";
import { isRejectedPush } from "../../gitops/git-workspace";
import { githubRepoFromUrl } from "../../gitops/github-client";

describe("redact", () => {
  it.each([
    ["https://x-access-token:ghs_abc123@github.com/acme/mlops.git", "https://***@github.com/acme/mlops.git"],
    ["fatal: unable to access 'https://user:pw@host/r.git/'", "fatal: unable to access 'https://***@host/r.git/'"],
    ["token ghp_SECRETVALUE in a message", "token *** in a message"],
    ["git@github.com:acme/mlops.git", "git@github.com:acme/mlops.git"],
  ])("%s", (input, want) => {
    expect(redact(input, ["ghp_SECRETVALUE"])).toBe(want);
  });
});

describe("exit codes", () => {
  it.each([
    [new InputError([{ file: "f", field: "x", expected: "y", found: "z" }]), EXIT.invalidInput],
    [new GateHeldError("held"), EXIT.gateHeld],
    [new Error("boom"), EXIT.failure],
  ])("%s", (e, code) => expect(exitCodeOf(e)).toBe(code));
});

describe("git transport decisions", () => {
  it.each([
    ["/srv/git/r.git", "file:///srv/git/r.git"],
    ["https://github.com/acme/mlops.git", "https://github.com/acme/mlops.git"],
    ["git@github.com:acme/mlops.git", "git@github.com:acme/mlops.git"],
    ["file:///x/y", "file:///x/y"],
  ])("normalizeRepoUrl(%s)", (url, want) => expect(normalizeRepoUrl(url, "/work")).toBe(want));

  it.each([
    [" ! [rejected]        HEAD -> main (fetch first)", true],
    [" ! [remote rejected] HEAD -> main (denying non-fast-forward refs/heads/main)", true],
    ["fatal: unable to access 'https://host/': Could not resolve host", false],
  ])("isRejectedPush(%s)", (msg, want) => expect(isRejectedPush(msg)).toBe(want));

  it.each([
    ["https://github.com/acme/mlops.git", { owner: "acme", repo: "mlops" }],
    ["git@github.com:acme/mlops.git", { owner: "acme", repo: "mlops" }],
    ["https://gitlab.com/acme/mlops.git", undefined],
  ])("githubRepoFromUrl(%s)", (url, want) => expect(githubRepoFromUrl(url)).toEqual(want));
});
