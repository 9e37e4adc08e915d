import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Vite root is ui/; the build goes to ui/dist with relative asset paths (loaded by Tauri).
// `--mode demo` (npm run build:demo) builds the browser demo into ui/dist-demo instead: the app's
// build (mode production) never contains the demo (src/main.ts).
export default defineConfig(({ mode }) => ({
  root,
  base: "./",
  plugins: [svelte({ configFile: fileURLToPath(new URL("./svelte.config.js", import.meta.url)) }), svelteTesting()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
  },
  build: {
    outDir: mode === "demo" ? "dist-demo" : "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    root,
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    restoreMocks: true,
  },
}));
