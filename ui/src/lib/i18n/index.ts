import i18next, { type TFunction } from "i18next";
import { readable, writable, type Readable } from "svelte/store";
import en from "./en.json";
import fr from "./fr.json";

export const SUPPORTED_LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** What the user chose in Settings: follow the system, or one language. */
export type LanguageChoice = "system" | Language;
export const LANGUAGE_CHOICES: readonly LanguageChoice[] = ["system", "en", "fr"];

/** Where the choice is kept (absent: follow the system). */
export const LANGUAGE_KEY = "rv.language";

/** `fr`, `fr-FR`, `fr-CA`... -> French; anything else -> English. */
export function pickLanguage(tag: string | null | undefined): Language {
  return tag && tag.toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** The system's language (the webview's `navigator.language`). */
export function systemLanguage(): Language {
  return pickLanguage(typeof navigator === "undefined" ? "en" : navigator.language);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage disabled: the choice lasts until the app closes
  }
}

/** The stored choice; anything unknown means "follow the system". */
export function storedLanguageChoice(): LanguageChoice {
  let stored: string | null = null;
  try {
    stored = storage()?.getItem(LANGUAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  return stored === "en" || stored === "fr" ? stored : "system";
}

/** The language a choice stands for. */
export function resolveLanguage(choice: LanguageChoice): Language {
  return choice === "system" ? systemLanguage() : choice;
}

/** One instance for the whole UI, initialised synchronously (resources are bundled). */
export const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: resolveLanguage(storedLanguageChoice()),
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

/** Switches the language for this session (not stored: the demo and the tests use it). */
export async function setLanguage(lng: Language): Promise<void> {
  await i18n.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return pickLanguage(i18n.language);
}

const choiceStore = writable<LanguageChoice>(storedLanguageChoice());
/** The choice of Settings, as it is now. */
export const languageChoice: Readable<LanguageChoice> = { subscribe: choiceStore.subscribe };

/** Settings: stores the choice (none for "system") and switches every string at once. */
export async function setLanguageChoice(choice: LanguageChoice): Promise<void> {
  try {
    if (choice === "system") storage()?.removeItem(LANGUAGE_KEY);
    else storage()?.setItem(LANGUAGE_KEY, choice);
  } catch {
    // Not stored: still applied for this session.
  }
  choiceStore.set(choice);
  await i18n.changeLanguage(resolveLanguage(choice));
}
