/** CiIdentity on Google: account ids within 30 characters, and the inputs it refuses. */
import { Naming } from "../../../modules/core/naming";
import { accountIdFor, CiIdentity, CiIdentityProps } from "../../../modules/gcp/ci-identity";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const props: CiIdentityProps = { naming, ...PROJECT, repository: "acme/app", githubEnvironment: "test" };

test("GIVEN short names WHEN account ids are made THEN they are <prefix>-<env>-<persona>", () => {
  expect(["publisher", "builder", "developer"].map((p) => accountIdFor(naming, p as "builder"))).toEqual(["mlops-test-publisher", "mlops-test-builder", "mlops-test-developer"]);
});

test("GIVEN the longest prefix and environment WHEN account ids are made THEN they fit in 30 characters and keep the persona suffix", () => {
  const long = new Naming("abcdefghij", "abcdefghijkl");
  for (const p of ["publisher", "builder", "developer"] as const) {
    const id = accountIdFor(long, p);
    expect(id.length).toBeLessThanOrEqual(30);
    expect(id).toMatch(new RegExp(`^abcdefghij-[a-z0-9-]+-${p}$`));
  }
});

test.each([
  ["a wildcard repository", { repository: "acme/*" }, /repository must be owner\/name with no wildcard; got "acme\/\*"/],
  ["an owner only", { repository: "acme" }, /repository must be owner\/name/],
  ["a wildcard GitHub environment", { githubEnvironment: "prod*" }, /githubEnvironment must be letters, digits.*got "prod\*"/],
  ["a quote in the branch", { publishBranch: 'main" || true' }, /publishBranch must be letters/],
  ["a subject over 127 bytes", { githubEnvironment: "e".repeat(120) }, /is over 127 bytes/],
  ["a prefix that makes the pool id start with gcp-", { naming: new Naming("gcp", "dev") }, /may not start with "gcp-"/],
])("GIVEN %s WHEN constructed THEN it throws a ValidationError naming the path", (_t, over, message) => {
  expect(() => new CiIdentity(gcpTestStack(), "ci", { ...props, ...over })).toThrow(message);
  expect(() => new CiIdentity(gcpTestStack(), "ci", { ...props, ...over })).toThrow(/^\[test\/ci\]/);
});
