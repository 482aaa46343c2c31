import { EnvironmentIntent, resolveIntent } from "../../../modules/core/intent";
import { loadEnvironments } from "../../../environments";
import { ROOT } from "../../support/stack-json";
import * as path from "path";

describe("resolveIntent", () => {
  test.each<[string, EnvironmentIntent, Partial<ReturnType<typeof resolveIntent>>]>([
    ["throwaway, minimal (dev)", { lifecycle: "throwaway", resilience: "minimal", signIn: "password" }, { deletionProtection: false, forceDestroy: true, finalSnapshot: false, secretRecoveryDays: 0, softDeleteRetentionDays: 7, spotCapacity: true, requireMfa: false, multiZone: false }],
    ["persistent, minimal (staging)", { lifecycle: "persistent", resilience: "minimal", signIn: "password" }, { deletionProtection: true, forceDestroy: false, finalSnapshot: true, secretRecoveryDays: 30, softDeleteRetentionDays: 90, spotCapacity: false, requireMfa: false, multiZone: false }],
    ["persistent, zonal, MFA (prod)", { lifecycle: "persistent", resilience: "zonal", signIn: "mfa" }, { deletionProtection: true, forceDestroy: false, spotCapacity: false, requireMfa: true, multiZone: true }],
    ["throwaway but zonal", { lifecycle: "throwaway", resilience: "zonal", signIn: "password" }, { forceDestroy: true, spotCapacity: false, multiZone: true }],
  ])("GIVEN %s THEN the decisions every cloud reads follow", (_label, intent, expected) => {
    expect(resolveIntent(intent)).toMatchObject(expected);
  });

  test("GIVEN the project's environments THEN dev, staging and prod keep their deployed behaviour", () => {
    const envs = Object.fromEntries(loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT }).map((e) => [e.config.name, resolveIntent(e.config)]));
    expect(envs.dev).toMatchObject({ deletionProtection: false, spotCapacity: true, requireMfa: false, multiZone: false });
    expect(envs.staging).toMatchObject({ deletionProtection: true, spotCapacity: false, requireMfa: false, multiZone: false });
    expect(envs.prod).toMatchObject({ deletionProtection: true, spotCapacity: false, requireMfa: true, multiZone: true });
  });
});
