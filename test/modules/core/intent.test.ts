import { backupRetentionProblem, EnvironmentIntent, resolveDatabase, resolveIntent } from "../../../modules/core/intent";
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

describe("resolveDatabase", () => {
  const dev: EnvironmentIntent = { lifecycle: "throwaway", resilience: "minimal", signIn: "password" };
  const prod: EnvironmentIntent = { lifecycle: "persistent", resilience: "zonal", signIn: "mfa" };

  test.each([
    ["aws", 1, 1, false],
    ["gcp", 1, 1, false],
    // Azure's floor is 7 (azurerm v4.55.0 postgresql_flexible_server: IntBetween(7, 35)).
    ["azure", 1, 7, true],
    ["azure", 14, 14, false],
  ] as const)("GIVEN %s and %i requested backup days THEN %i kept (raised to the floor: %s)", (cloud, asked, kept, raised) => {
    expect(resolveDatabase(dev, asked, cloud)).toMatchObject({ backupRetentionDays: kept, raisedToFloor: raised });
    // What the resolution gives is what that cloud's Database accepts.
    expect(backupRetentionProblem(kept, cloud)).toBeUndefined();
  });

  test("GIVEN a lifecycle THEN protection, final copy and standby are the same decision on the three clouds", () => {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      expect(resolveDatabase(dev, 7, cloud)).toEqual({ deletionProtection: false, finalSnapshot: false, backupRetentionDays: 7, raisedToFloor: false, multiZone: false });
      expect(resolveDatabase(prod, 14, cloud)).toEqual({ deletionProtection: true, finalSnapshot: true, backupRetentionDays: 14, raisedToFloor: false, multiZone: true });
    }
  });

  test.each([0, 36, 1.5])("GIVEN %p backup days THEN refused on every cloud: backups are never off", (days) => {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      expect(() => resolveDatabase(dev, days, cloud)).toThrow(`database.backupRetentionDays must be an integer from 1 to 35 (backups are never off); got ${days}`);
      expect(backupRetentionProblem(days, cloud)).toMatch(/^backupRetentionDays must be an integer from (1|7) to 35 on /);
    }
  });
});
