import { describe, expect, it } from "vitest";
import { i18n } from "../src/lib/i18n";
import {
  baseName,
  formatBytes,
  groupedFingerprint,
  joinPath,
  percentOf,
  shortFingerprint,
  middleEllipsis,
  tailPath,
} from "../src/lib/format";

const t = i18n.t.bind(i18n);

describe("formatBytes", () => {
  it("uses decimal units and one decimal below 100", () => {
    expect(formatBytes(0, t, "en")).toBe("0 B");
    expect(formatBytes(93, t, "en")).toBe("93 B");
    expect(formatBytes(12_480, t, "en")).toBe("12.5 kB");
    expect(formatBytes(2_345_678, t, "en")).toBe("2.3 MB");
    expect(formatBytes(48_000_000, t, "en")).toBe("48 MB");
    expect(formatBytes(123_456_789, t, "en")).toBe("123 MB");
    expect(formatBytes(5_500_000_000, t, "en")).toBe("5.5 GB");
  });

  it("treats nonsense as zero", () => {
    expect(formatBytes(-5, t, "en")).toBe("0 B");
    expect(formatBytes(Number.NaN, t, "en")).toBe("0 B");
  });

  it("follows the language for units and decimal separator", async () => {
    await i18n.changeLanguage("fr");
    expect(formatBytes(2_345_678, t, "fr")).toBe("2,3 Mo");
    expect(formatBytes(93, t, "fr")).toBe("93 o");
  });
});

describe("fingerprints", () => {
  const fp = "3f2a91c077de0b44a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718";
  it("shortens to four groups of four upper-case hex digits", () => {
    expect(shortFingerprint(fp)).toBe("3F2A 91C0 77DE 0B44");
    expect(shortFingerprint(`0x${fp}`)).toBe("3F2A 91C0 77DE 0B44");
  });
  it("groups the full fingerprint", () => {
    expect(groupedFingerprint(fp).split(" ")).toHaveLength(16);
    expect(groupedFingerprint(fp).startsWith("3F2A 91C0")).toBe(true);
  });
});

describe("paths", () => {
  it("takes the last component with either separator", () => {
    expect(baseName("/home/a/result.zip")).toBe("result.zip");
    expect(baseName("C:\\Users\\a\\result.zip")).toBe("result.zip");
    expect(baseName("/home/a/.secrets/beneficiary/")).toBe("beneficiary");
  });
  it("shortens long names in the middle", () => {
    expect(middleEllipsis("short_key")).toBe("short_key");
    const long = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key";
    const short = middleEllipsis(long);
    expect([...short]).toHaveLength(32);
    expect(short.startsWith("0x5B38")).toBe(true);
    expect(short.endsWith("ddC4_key")).toBe(true);
    expect(short).toContain("…");
  });
  it("keeps the tail of a path", () => {
    expect(tailPath("/home/a/.secrets/beneficiary/", 2)).toBe(".secrets/beneficiary");
    expect(tailPath("C:\\Users\\a\\.secrets\\beneficiary", 2)).toBe(".secrets/beneficiary");
    expect(tailPath("/k", 2)).toBe("k");
  });
  it("joins an output folder and a result path with the folder's separator", () => {
    expect(joinPath("/out/r1", "charts/a.png")).toBe("/out/r1/charts/a.png");
    expect(joinPath("/out/r1/", "a.txt")).toBe("/out/r1/a.txt");
    expect(joinPath("C:\\out\\r1", "charts/a.png")).toBe("C:\\out\\r1\\charts\\a.png");
  });
});

describe("percentOf", () => {
  it("is an integer within 0..100 and 0 when the total is unknown", () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(10, 10)).toBe(100);
    expect(percentOf(11, 10)).toBe(100);
  });
});
