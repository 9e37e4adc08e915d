import { mount } from "svelte";
import App, { type AppHandle } from "./App.svelte";
import "./app.css";
import { isTauri, tauriBackend, type Backend } from "./lib/backend";
import { translate } from "./lib/i18n";
import type { OnboardingRecord } from "./lib/onboarding";

async function start() {
  const target = document.getElementById("app");
  if (!target) throw new Error("#app is missing from index.html");
  document.title = translate("app.name");
  let backend: Backend = tauriBackend;
  let onReady: ((app: AppHandle) => void) | undefined;
  let onboardingRecord: OnboardingRecord | null | undefined;
  // Plain browser: an in-memory backend, driven by ?demo=..., in `npm run dev` (mode development)
  // and `npm run build:demo` (mode demo) only. `import.meta.env.MODE` is a constant of the build,
  // so in `npm run build` (mode production, whatever NODE_ENV says) the branch and its dynamic
  // import are dropped: no demo or mock code ships with the app (tests/bundle.test.ts checks it).
  if ((import.meta.env.MODE === "development" || import.meta.env.MODE === "demo") && !isTauri()) {
    const { createDemo } = await import("./lib/demo");
    const demo = createDemo(window.location.search);
    backend = demo.backend;
    onReady = demo.run;
    onboardingRecord = demo.onboarding;
  }
  mount(App, { target, props: { backend, onReady, onboardingRecord } });
}

void start();
