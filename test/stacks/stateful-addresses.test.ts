/**
 * Pins the Terraform address of every stateful resource (buckets, databases, registries, key vaults,
 * keys, secrets, identities others trust) of every stack. A construct-id or scope change would make
 * Terraform destroy and recreate them: such a change must ship with a `moved` block (cdktf
 * `moveTo`), an entry in CHANGELOG.md, and an update of stateful-addresses.json in the same commit.
 */
import * as fs from "fs";
import * as path from "path";
import { sharedSynth } from "../support/shared-synth";
import { statefulAddresses } from "./stateful-addresses";

const PINNED = JSON.parse(fs.readFileSync(path.join(__dirname, "stateful-addresses.json"), "utf8")) as Record<string, string[]>;
const built = sharedSynth();

describe("stateful resource addresses", () => {
  test("GIVEN the project's environments THEN every stack has a pinned address list, and only those stacks", () => {
    expect(built.stacks.map((s) => s.name).sort()).toEqual(Object.keys(PINNED).sort());
  });

  test.each(Object.keys(PINNED))("GIVEN %s WHEN synthesized THEN no stateful resource was added, renamed or moved unpinned", (stack) => {
    const actual = statefulAddresses(built.json(stack), built.stacks.find((s) => s.name === stack)!.cloud);
    const missing = PINNED[stack].filter((a) => !actual.includes(a));
    const added = actual.filter((a) => !PINNED[stack].includes(a));
    // A rename shows as one missing and one added address: it needs a moved block, not just a new pin.
    expect({ missing, added }).toEqual({ missing: [], added: [] });
  });
});

describe("moved blocks", () => {
  test.each(Object.keys(PINNED))("GIVEN %s WHEN synthesized THEN every moved block leaves an address no resource has for one of the same type that exists", (stack) => {
    const json = built.json(stack) as { resource?: Record<string, Record<string, unknown>>; moved?: { from: string; to: string }[] };
    const addresses = new Set(Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)));
    const wrong = (json.moved ?? []).filter((m) => addresses.has(m.from) || !addresses.has(m.to) || m.from.split(".")[0] !== m.to.split(".")[0]);
    expect(wrong).toEqual([]);
  });
});
