/// <reference types="svelte" />
/// <reference types="vite/client" />

declare global {
  interface Window {
    /**
     * Test hooks (end-to-end tests). `openPath` opens an archive as if it had been dropped;
     * `setNextPath`, only when the app runs with RESULT_VAULT_E2E=1 or =tour (`e2e_mode`), makes the
     * next open/save dialog return `path` without showing it.
     */
    __resultVault?: {
      openPath(path: string): Promise<void>;
      setNextPath?(path: string): void;
    };
  }
}

export {};
