/** Google secrets: one regional Secret Manager secret per name, with a generated write-only first version, protected by default. */
import { Secrets } from "../../../modules/gcp/secrets";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

// No catalog workload reads a secret of its own anymore: explicit names, one asked twice.
const asked = ["signing-key", "webhook-token", "signing-key"];
const BASE = { naming, projectId: PROJECT.projectId, region: PROJECT.region };

describe("Google Secrets", () => {
  let json: StackJson;
  let throwaway: StackJson;
  let secrets: Secrets;
  beforeAll(() => {
    const a = gcpTestStack();
    secrets = new Secrets(a, "secrets", { ...BASE, names: [...asked, ...asked] });
    json = synthStack(a);
    const b = gcpTestStack();
    new Secrets(b, "secrets", { ...BASE, names: asked, deletionProtection: false });
    throwaway = synthStack(b);
  });

  test("GIVEN names (one twice) WHEN synthesized THEN one secret each, replicated only in the region, deletion-protected", () => {
    const unique = [...new Set(asked)];
    expect(unique).toEqual(["signing-key", "webhook-token"]);
    expect(secrets.names).toEqual(unique);
    const all = resources(json, "google_secret_manager_secret");
    expect(all.map((s) => s.secret_id).sort()).toEqual(unique.map((n) => `mlops-test-${n}`).sort());
    for (const s of all) expect(s).toMatchObject({ replication: { user_managed: { replicas: [{ location: PROJECT.region }] } }, deletion_protection: true });
  });

  test("GIVEN each secret THEN it has one generated first version, write-only from an ephemeral password, abandoned (never deleted) when dropped", () => {
    const versions = resources(json, "google_secret_manager_secret_version");
    expect(versions).toHaveLength(2);
    const ephemeral = (json as unknown as { ephemeral?: { random_password?: Record<string, Record<string, unknown>> } }).ephemeral?.random_password ?? {};
    expect(Object.keys(ephemeral)).toHaveLength(2);
    for (const name of ["signing-key", "webhook-token"]) {
      const v = secrets.firstVersions.get(name)!;
      expect(v).toBeDefined();
      const [version] = versions.filter((r) => new RegExp(`^\\$\\{google_secret_manager_secret\\.secrets_${name}_[A-F0-9]+\\.id\\}$`).test(String(r.secret)));
      expect(version).toBeDefined();
      expect(version).toMatchObject({ secret_data_wo_version: 1, deletion_policy: "ABANDON" });
      expect(version.secret_data).toBeUndefined();
      const m = /^\$\{ephemeral\.random_password\.([A-Za-z0-9_]+)\.result\}$/.exec(String(version.secret_data_wo));
      expect(m).not.toBeNull();
      expect(ephemeral[m![1]]).toMatchObject({ length: 48, special: false });
    }
    // The value is generated at apply: nothing in the synthesized JSON is a literal secret value.
    expect(JSON.stringify(json)).not.toMatch(/"secret_data"\s*:/);
  });

  test("GIVEN a generated length under 16 WHEN constructed THEN validation fails with the reason", () => {
    expect(() => new Secrets(gcpTestStack(), "secrets", { ...BASE, names: ["k"], generatedLength: 8 })).toThrow("generatedLength must be an integer of at least 16; got 8");
  });

  test("GIVEN deletion protection off THEN the secrets may be destroyed", () => {
    expect(resources(throwaway, "google_secret_manager_secret").every((s) => s.deletion_protection === false)).toBe(true);
  });

  test.each(["Signing_Key", "1-key", "key name", ""])("GIVEN secret name %p WHEN constructed THEN validation asks for kebab-case", (name) => {
    expect(() => new Secrets(gcpTestStack(), "secrets", { ...BASE, names: [name] })).toThrow(`secret names must be kebab-case (a-z, 0-9, -); got ${JSON.stringify(name)}`);
  });

  test("GIVEN an unknown name WHEN its id is read THEN the error lists the known ones", () => {
    expect(() => secrets.secretId("nope")).toThrow(`no secret named "nope"; known: ${[...new Set(asked)].join(", ")}`);
  });
});
