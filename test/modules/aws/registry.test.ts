/** AWS registry: one immutable, scanned, encrypted ECR repository per catalog workload, pull and push by named roles only. */
import { Registry } from "../../../modules/aws/registry";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const names = SERVICE_CATALOG.map((s) => s.name);
const PUBLISHER = "arn:aws:iam::111111111111:role/publisher";
const pullRole = (name: string): string => `arn:aws:iam::111111111111:role/${name}-execution`;

describe("AWS Registry", () => {
  let json: StackJson;
  let plain: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    const registry = new Registry(stack, "registry", { naming: AWS_NAMING, repositories: names, customerManagedKey: KEY });
    registry.allowAccess([PUBLISHER], Object.fromEntries(names.map((n) => [n, [pullRole(n)]])));
    json = synthStack(stack);
    const other = awsTestStack();
    new Registry(other, "registry", { naming: AWS_NAMING, repositories: names, keepImages: 5, forceDestroy: true });
    plain = synthStack(other);
  });

  test("GIVEN the catalog WHEN synthesized THEN one repository per workload under <prefix>-<env>/, tags immutable, scan on push, not force-deleted", () => {
    const repos = resources(json, "aws_ecr_repository");
    expect(repos.map((r) => r.name).sort()).toEqual(names.map((n) => `mlops-test/${n}`).sort());
    for (const r of repos) expect(r).toMatchObject({ image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true }, force_delete: false });
  });

  test("GIVEN a customer-managed key THEN repositories use KMS with it; without one AES256", () => {
    expect(resources(json, "aws_ecr_repository").map((r) => r.encryption_configuration)).toEqual(names.map(() => [{ encryption_type: "KMS", kms_key: KEY }]));
    expect(resources(plain, "aws_ecr_repository").map((r) => r.encryption_configuration)).toEqual(names.map(() => [{ encryption_type: "AES256" }]));
  });

  test("GIVEN forceDestroy WHEN synthesized THEN the repositories may be deleted with images in them", () => {
    expect(resources(plain, "aws_ecr_repository").every((r) => r.force_delete === true)).toBe(true);
  });

  test("GIVEN allowAccess THEN each repository lets its own pull roles pull and the publisher push, and names nobody else", () => {
    const policies = resources(json, "aws_ecr_repository_policy");
    expect(policies).toHaveLength(names.length);
    for (const p of policies) {
      const doc = JSON.parse(p.policy as string) as { Statement: { Sid: string; Principal: { AWS: string[] }; Action: string[] }[] };
      const principals = doc.Statement.flatMap((s) => s.Principal.AWS);
      expect(principals.filter((a) => a !== PUBLISHER)).toHaveLength(1);
      const push = doc.Statement.find((s) => s.Sid === "Push")!;
      expect(push.Principal.AWS).toEqual([PUBLISHER]);
      expect(push.Action).toEqual(expect.arrayContaining(["ecr:PutImage"]));
      expect(doc.Statement.find((s) => s.Sid === "Pull")!.Action).not.toContain("ecr:PutImage");
    }
    expect(resources(plain, "aws_ecr_repository_policy")).toEqual([]);
  });

  test.each([[0], [-1], [2.5]])("GIVEN keepImages %p WHEN constructed THEN validation fails naming the value", (keep) => {
    expect(() => new Registry(awsTestStack(), "registry", { naming: AWS_NAMING, repositories: names, keepImages: keep })).toThrow(`keepImages must be a positive integer; got ${keep}`);
  });
});
