import { cidrsOverlap, formatCidr, parseCidr, subnetOf } from "../../../modules/core/cidr";

describe("cidr", () => {
  test.each(["10.0.0.0/33", "10.0.0/16", "256.0.0.0/8", "10.0.0.1/16", "a.b.c.d/8", ""])("GIVEN %j WHEN parsed THEN it is rejected", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test("GIVEN blocks WHEN compared THEN overlap is exact", () => {
    const p = (t: string) => parseCidr(t)!;
    expect(cidrsOverlap(p("10.0.0.0/16"), p("10.0.128.0/20"))).toBe(true);
    expect(cidrsOverlap(p("10.0.0.0/16"), p("10.1.0.0/16"))).toBe(false);
    expect(cidrsOverlap(p("0.0.0.0/0"), p("192.168.0.0/24"))).toBe(true);
  });

  test("GIVEN a /16 WHEN carved like terraform's cidrsubnet THEN blocks follow each other", () => {
    const parent = parseCidr("10.30.0.0/16")!;
    expect(formatCidr(subnetOf(parent, 4, 0))).toBe("10.30.0.0/20");
    expect(formatCidr(subnetOf(parent, 4, 9))).toBe("10.30.144.0/20");
    expect(() => subnetOf(parent, 4, 16)).toThrow(/does not fit/);
  });
});
