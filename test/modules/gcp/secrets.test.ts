/** Google secrets: one regional Secret Manager secret per catalog name, no version (values set out of band), protected by default. */
import { Secrets } from "../../../modules/gcp/secrets";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const asked = SERVICE_CATALOG.flatMap((s) => s.secrets);
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

  test("GIVEN the catalog's names (some twice) WHEN synthesized THEN one secret each, replicated only in the region, deletion-protected, no version", () => {
    const unique = [...new Set(asked)];
    expect(unique.length).toBeGreaterThan(0);
    expect(secrets.names).toEqual(unique);
    const all = resources(json, "google_secret_manager_secret");
    expect(all.map((s) => s.secret_id).sort()).toEqual(unique.map((n) => `mlops-test-${n}`).sort());
    for (const s of all) expect(s).toMatchObject({ replication: { user_managed: { replicas: [{ location: PROJECT.region }] } }, deletion_protection: true });
    expect(resources(json, "google_secret_manager_secret_version")).toEqual([]);
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
