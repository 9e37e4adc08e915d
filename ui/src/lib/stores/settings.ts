import { derived, writable, type Readable } from "svelte/store";
import type { Backend } from "../backend";
import { toIpcError } from "../backend";
import { languageChoice, setLanguageChoice, type LanguageChoice } from "../i18n";
import type { IpcError } from "../ipc/bindings";

/**
 * The settings' store: the general settings of the Settings screen and their one command
 * (`open_log_folder`). The language is kept on this computer by the i18n module (no IPC); the
 * store reads and changes it there. The networks have their own store (stores/networks.ts).
 */
export type SettingsState = {
  /** The language chosen ("system": the system's). */
  language: LanguageChoice;
  /** The log folder is being opened. */
  openingLogs: boolean;
  /** Why the log folder could not be opened, the last time. */
  logError: IpcError | null;
};

export type Settings = Readable<SettingsState> & {
  /** Chooses the UI's language (kept on this computer). */
  chooseLanguage(choice: LanguageChoice): Promise<void>;
  /** Opens the log folder in the file manager; the error, if any, is kept in the state. */
  openLogFolder(): Promise<void>;
};

export function createSettings(backend: Backend): Settings {
  const logs = writable<{ openingLogs: boolean; logError: IpcError | null }>({ openingLogs: false, logError: null });
  const state = derived([languageChoice, logs], ([language, l]) => ({ language, ...l }));
  let opening = false;

  return {
    subscribe: state.subscribe,
    chooseLanguage: (choice) => setLanguageChoice(choice),
    async openLogFolder() {
      if (opening) return;
      opening = true;
      logs.set({ openingLogs: true, logError: null });
      try {
        await backend.openLogFolder();
        logs.set({ openingLogs: false, logError: null });
      } catch (err) {
        logs.set({ openingLogs: false, logError: toIpcError(err) });
      } finally {
        opening = false;
      }
    },
  };
}
