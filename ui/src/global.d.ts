/// <reference types="svelte" />
/// <reference types="vite/client" />

declare global {
  interface Window {
    /**
     * Test hooks, only in an end-to-end build running with RESULT_VAULT_E2E=1 or =tour
     * (`e2e_mode`): `openPath` opens an archive as if it had been dropped; `setNextPath` makes
     * the next file dialog (opened by Rust) return `path` without showing it.
     */
    __resultVault?: {
      openPath(path: string): Promise<void>;
      setNextPath(path: string): Promise<void>;
    };
  }
}

export {};
