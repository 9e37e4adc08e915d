import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import {
  i18n,
  LANGUAGE_KEY,
  languageChoice,
  pickLanguage,
  resolveLanguage,
  setLanguage,
  setLanguageChoice,
  storedLanguageChoice,
} from "../src/lib/i18n";
import { get } from "svelte/store";
import { ERROR_KINDS } from "../src/lib/backend";

type Tree = { [key: string]: string | Tree };

function flatKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : flatKeys(v, `${prefix}${k}.`),
  );
}

function flatEntries(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : flatEntries(v, `${prefix}${k}.`),
  );
}

describe("translations", () => {
  it("en.json and fr.json have exactly the same keys", () => {
    const enKeys = flatKeys(en as Tree).sort();
    const frKeys = flatKeys(fr as Tree).sort();
    expect(frKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !frKeys.includes(k))).toEqual([]);
  });

  it("uses the same {{placeholders}} in both languages", () => {
    const frMap = new Map(flatEntries(fr as Tree));
    const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of flatEntries(en as Tree)) {
      expect(vars(frMap.get(key) ?? ""), key).toEqual(vars(value));
    }
  });

  it("has no empty strings", () => {
    for (const [key, value] of [...flatEntries(en as Tree), ...flatEntries(fr as Tree)]) {
      expect(value.trim(), key).not.toBe("");
    }
  });

  it("has a title and a default hint for every error kind", () => {
    for (const kind of ERROR_KINDS) {
      expect(en.errors.title[kind], kind).toBeTruthy();
      expect(en.errors.defaultHint[kind], kind).toBeTruthy();
      expect(fr.errors.title[kind], kind).toBeTruthy();
      expect(fr.errors.defaultHint[kind], kind).toBeTruthy();
    }
  });

  it("picks French for fr* and English otherwise", () => {
    expect(pickLanguage("fr")).toBe("fr");
    expect(pickLanguage("fr-CA")).toBe("fr");
    expect(pickLanguage("FR-fr")).toBe("fr");
    expect(pickLanguage("en-US")).toBe("en");
    expect(pickLanguage("de-DE")).toBe("en");
    expect(pickLanguage("")).toBe("en");
    expect(pickLanguage(undefined)).toBe("en");
  });

  it("switches language at run time, plurals included", async () => {
    await setLanguage("fr");
    expect(i18n.t("drop.choose")).toBe("Choisir un fichier");
    expect(i18n.t("result.files", { count: 1 })).toBe("1 fichier");
    expect(i18n.t("result.files", { count: 3 })).toBe("3 fichiers");
    expect(i18n.t("result.files", { count: 1_000_000 })).toBe("1000000 fichiers");
    expect(document.documentElement.lang).toBe("fr");
    await setLanguage("en");
    expect(i18n.t("result.files", { count: 1 })).toBe("1 file");
    expect(document.documentElement.lang).toBe("en");
  });
});

describe("the language chosen in Settings", () => {
  it("is stored (none for the system's), and switches every string at once", async () => {
    expect(storedLanguageChoice()).toBe("system");
    await setLanguageChoice("fr");
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe("fr");
    expect(get(languageChoice)).toBe("fr");
    expect(i18n.language).toBe("fr");
    expect(storedLanguageChoice()).toBe("fr");
    await setLanguageChoice("system");
    expect(localStorage.getItem(LANGUAGE_KEY)).toBeNull();
    expect(get(languageChoice)).toBe("system");
    expect(i18n.language).toBe(pickLanguage(navigator.language));
  });

  it("follows the system when nothing (or junk) is stored", () => {
    localStorage.setItem(LANGUAGE_KEY, "klingon");
    expect(storedLanguageChoice()).toBe("system");
    expect(resolveLanguage("system")).toBe(pickLanguage(navigator.language));
    expect(resolveLanguage("fr")).toBe("fr");
  });

  it("has a name for every language, written in that language", () => {
    expect(en.settings.general.languageNames).toEqual({ en: "English", fr: "Français" });
    expect(fr.settings.general.languageNames).toEqual({ en: "English", fr: "Français" });
  });
});

// ---------------------------------------------------------------------------------------------
// No hard-coded user-visible text in components: every text node and every aria-label, title,
// placeholder, alt, aria-description, aria-valuetext or aria-roledescription must come from an
// expression ({$t(...)}), never from literal words.

// Every component's source, read by Vite (no file-system paths needed).
const SOURCES = import.meta.glob<string>("../src/**/*.svelte", {
  query: "?raw",
  import: "default",
  eager: true,
});
const TEXT_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "aria-valuetext",
  "aria-roledescription",
  "aria-placeholder",
  "title",
  "placeholder",
  "alt",
  "label",
]);
const WORDS = /\p{L}/u;

type Node = { type: string; [key: string]: unknown };

/** Literal user-visible strings found in one component's markup. */
export function hardCodedTexts(source: string): string[] {
  const ast = parse(source, { modern: true }) as unknown as { fragment: Node };
  const found: string[] = [];
  const visit = (node: unknown, parentName: string | null) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((n) => visit(n, parentName));
      return;
    }
    const n = node as Node;
    if (n.type === "Text" && parentName !== "style" && parentName !== "script") {
      const text = String(n.data ?? "").trim();
      if (WORDS.test(text)) found.push(`text "${text}"`);
      return;
    }
    if (n.type === "Attribute") {
      const name = String(n.name).toLowerCase();
      if (TEXT_ATTRIBUTES.has(name) && Array.isArray(n.value)) {
        for (const part of n.value as Node[]) {
          if (part.type === "Text" && WORDS.test(String(part.data ?? ""))) {
            found.push(`${name}="${String(part.data)}"`);
          }
        }
      }
      return;
    }
    if (n.type === "Script" || n.type === "StyleSheet") return;
    const name = typeof n.name === "string" ? n.name : parentName;
    for (const [key, value] of Object.entries(n)) {
      if (key === "type" || key === "start" || key === "end" || key === "metadata") continue;
      if (value && typeof value === "object") visit(value, name);
    }
  };
  visit(ast.fragment, null);
  return found;
}

describe("no hard-coded user-visible text in .svelte files", () => {
  it("the scanner catches literal text and literal labels", () => {
    expect(hardCodedTexts(`<p>Hello</p>`)).toEqual(['text "Hello"']);
    expect(hardCodedTexts(`<button aria-label="Close">{x}</button>`)).toEqual(['aria-label="Close"']);
    expect(hardCodedTexts(`<input placeholder="Search" />`)).toEqual(['placeholder="Search"']);
    expect(hardCodedTexts(`{#if a}<span title="Tip {n}">x</span>{/if}`)).toHaveLength(2);
    expect(hardCodedTexts(`<svg><title>Logo</title></svg>`)).toEqual(['text "Logo"']);
  });

  it("the scanner accepts translated text, symbols and non-text attributes", () => {
    expect(hardCodedTexts(`<p>{$t("a.b")}</p>`)).toEqual([]);
    expect(hardCodedTexts(`<button aria-label={$t("x")} class="btn primary">{$t("y")} · 42%</button>`)).toEqual([]);
    expect(hardCodedTexts(`<script>const s = "Words in code";</script><style>p { font: x; }</style>`)).toEqual([]);
    expect(hardCodedTexts(`<div data-testid="drop-zone" role="button"></div>`)).toEqual([]);
  });

  const files = Object.entries(SOURCES);
  it("finds the components", () => {
    const names = files.map(([name]) => name);
    expect(names).toContain("../src/App.svelte");
    for (const component of [
      "TasksScreen",
      "TaskItem",
      "TaskDetails",
      "WatchedRow",
      "FetchProgress",
      "VerificationBadge",
      "CopyButton",
      "InlineError",
      "SettingsScreen",
      "NetworkForm",
      "WalletSection",
      "SmsSection",
      "RotationWizard",
      "PasswordDialog",
      "HomeScreen",
      "Onboarding",
      "DropZone",
    ]) {
      expect(names).toContain(`../src/lib/components/${component}.svelte`);
    }
    expect(files.length).toBeGreaterThanOrEqual(31);
  });

  it.each(files)("%s has none", (_name, source) => {
    expect(hardCodedTexts(source)).toEqual([]);
  });
});
