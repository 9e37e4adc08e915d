/**
 * What axe cannot check in jsdom: the colours of both themes (contrast) and the keyboard focus
 * ring. The colours are read from app.css, as the app uses them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

// jsdom's URL is not the file's: find app.css from this file's path.
const here = dirname(fileURLToPath(import.meta.url.startsWith("file:") ? import.meta.url : `file://${__filename}`));
const css = readFileSync(join(here, "../src/app.css"), "utf8");

const SOURCES = import.meta.glob<string>("../src/**/*.svelte", { query: "?raw", import: "default", eager: true });

function variables(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name, value] of block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\b/g)) out[name] = value;
  return out;
}

const [lightPart, darkPart] = css.split("@media (prefers-color-scheme: dark)");
const LIGHT = variables(lightPart);
const DARK = { ...LIGHT, ...variables(darkPart.slice(0, darkPart.indexOf("}\n}") + 1)) };
const DARK_OWN = variables(darkPart.slice(0, darkPart.indexOf("}\n}") + 1));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Text colours on the backgrounds the components put them on (WCAG AA: 4.5:1). */
const TEXT_PAIRS: [string, string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-2"],
  ["text", "accent-soft"],
  ["text", "warn-soft"],
  ["text", "danger-soft"],
  ["text", "ok-soft"],
  ["muted", "surface"],
  ["muted", "surface-2"],
  ["muted", "bg"],
  ["muted", "accent-soft"],
  ["muted", "warn-soft"],
  ["muted", "danger-soft"],
  ["muted", "ok-soft"],
  ["accent", "surface"],
  ["accent", "surface-2"],
  ["accent", "accent-soft"],
  ["on-accent", "accent"],
  ["on-accent", "accent-hover"],
  // Status chips and states of the tasks, wallet, key service and rotation screens.
  ["ok", "ok-soft"],
  ["ok", "surface"],
  ["ok", "surface-2"],
  ["warn", "warn-soft"],
  ["warn", "surface"],
  ["warn", "surface-2"],
  ["danger", "danger-soft"],
  ["danger", "surface"],
  ["danger", "surface-2"],
];

/** Outlines of controls and of the focus (WCAG AA for non-text: 3:1). */
const UI_PAIRS: [string, string][] = [
  ["control-border", "surface"],
  ["focus", "surface"],
  ["focus", "surface-2"],
  ["focus", "bg"],
  ["focus", "warn-soft"],
  ["focus", "accent-soft"],
];

describe.each([
  ["light", LIGHT],
  ["dark", DARK],
] as const)("the %s theme", (_name, theme) => {
  it.each(TEXT_PAIRS)("%s on %s reads at 4.5:1 at least", (fg, bg) => {
    expect(contrast(theme[fg], theme[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(UI_PAIRS)("%s on %s shows at 3:1 at least", (fg, bg) => {
    expect(contrast(theme[fg], theme[bg])).toBeGreaterThanOrEqual(3);
  });
});

describe("themes", () => {
  it("the dark theme sets every colour of the light one (nothing stays light)", () => {
    const colours = Object.keys(LIGHT);
    expect(colours.length).toBeGreaterThan(15);
    expect(colours.filter((c) => !(c in DARK_OWN))).toEqual([]);
  });

  it("components take their colours from the theme (no fixed colour but the print-out's)", () => {
    for (const [file, source] of Object.entries(SOURCES)) {
      const style = source.slice(source.indexOf("<style"));
      const fixed = [...style.matchAll(/(?<![\w-])(#[0-9a-fA-F]{3,6})\b/g)].map((m) => m[1]);
      const allowed = file.endsWith("BackupWizard.svelte") ? ["#000"] : [];
      expect(fixed.filter((c) => !allowed.includes(c)), file).toEqual([]);
    }
  });
});

describe("the keyboard focus", () => {
  it("is drawn for every focusable element", () => {
    expect(css).toMatch(/:focus-visible\s*\{\s*outline:\s*3px solid var\(--focus\)/);
  });

  it("is hidden nowhere but on headings that receive it from the app", () => {
    expect(css).toMatch(/\[tabindex="-1"\]:focus\s*\{\s*outline:\s*none/);
    for (const [file, source] of Object.entries(SOURCES)) {
      expect(source, file).not.toMatch(/outline:\s*(none|0)\b/);
    }
  });
});
