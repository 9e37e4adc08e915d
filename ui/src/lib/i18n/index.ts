import i18next, { type TFunction } from "i18next";
import { readable, type Readable } from "svelte/store";
import en from "./en.json";
import fr from "./fr.json";

export const SUPPORTED_LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** `fr`, `fr-FR`, `fr-CA`... -> French; anything else -> English. */
export function pickLanguage(tag: string | null | undefined): Language {
  return tag && tag.toLowerCase().startsWith("fr") ? "fr" : "en";
}

function detect(): Language {
  return pickLanguage(typeof navigator === "undefined" ? "en" : navigator.language);
}

/** One instance for the whole UI, initialised synchronously (resources are bundled). */
export const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: detect(),
  fallbackLng: "en",
  supportedLngs: [...SUPPORTED_LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false }, // Svelte escapes text itself
  returnNull: false,
});

function syncDocumentLang(lng: string) {
  if (typeof document !== "undefined") document.documentElement.lang = lng;
}
syncDocumentLang(i18n.language);
i18n.on("languageChanged", syncDocumentLang);

/** Reactive translate function: `$t("drop.title")` re-renders when the language changes. */
export const t: Readable<TFunction> = readable<TFunction>(i18n.t.bind(i18n), (set) => {
  const onChange = () => set(i18n.t.bind(i18n));
  i18n.on("languageChanged", onChange);
  return () => i18n.off("languageChanged", onChange);
});

/** Non-reactive translate, for code outside components (dialogs, announcements). */
export function translate(key: string, options?: Record<string, unknown>): string {
  return i18n.t(key, options ?? {}) as string;
}

export async function setLanguage(lng: Language): Promise<void> {
  await i18n.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return pickLanguage(i18n.language);
}
