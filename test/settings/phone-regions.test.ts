import { describe, expect, it } from "vitest";
import { completeSettings, ProjectSettingsPatch } from "../../src/settings/schema";

describe("pii_phone_regions setting", () => {
  it("defaults to the documented regions, US first", () => {
    const regions = completeSettings({}).pii_phone_regions;
    expect(regions.slice(0, 3)).toEqual(["US", "GB", "DE"]);
    expect(regions).toContain("CH");
    expect(regions).toContain("AT");
  });

  it.each([[["CH", "AT"]], [[]]])("accepts %j", (regions) => {
    expect(ProjectSettingsPatch.safeParse({ pii_phone_regions: regions }).success).toBe(true);
  });

  it.each([[["XX"]], [["ch"]], [["CHE"]], ["CH"], [Array.from({ length: 51 }, () => "CH")]])(
    "rejects %j",
    (regions) => {
      expect(ProjectSettingsPatch.safeParse({ pii_phone_regions: regions }).success).toBe(false);
    },
  );
});
