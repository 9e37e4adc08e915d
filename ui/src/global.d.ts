/// <reference types="svelte" />
/// <reference types="vite/client" />

declare global {
  interface Window {
    /** Test hook: opens an archive as if it had been dropped (used by the end-to-end tests). */
    __resultVault?: { openPath(path: string): Promise<void> };
  }
}

export {};
