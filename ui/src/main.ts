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
  if (!isTauri()) {
    // Plain browser (`npm run dev`): an in-memory backend, driven by ?demo=...
    const { createDemo } = await import("./lib/demo");
    const demo = createDemo(window.location.search);
    backend = demo.backend;
    onReady = demo.run;
    onboardingRecord = demo.onboarding;
  }
  mount(App, { target, props: { backend, onReady, onboardingRecord } });
}

void start();
