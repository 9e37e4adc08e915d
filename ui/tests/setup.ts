import "@testing-library/jest-dom/vitest";
import { beforeEach } from "vitest";
import { setLanguage } from "../src/lib/i18n";
import { ONBOARDING_KEY } from "../src/lib/onboarding";

// Tests assert on English texts; the language-detection test switches explicitly.
beforeEach(async () => {
  localStorage.clear();
  // Most tests start on Home with an empty key ring: as for someone who already saw (and
  // finished) the welcome tour. The tour's own tests remove this record.
  localStorage.setItem(ONBOARDING_KEY, JSON.stringify({ status: "done", skipped: [] }));
  await setLanguage("en");
});
