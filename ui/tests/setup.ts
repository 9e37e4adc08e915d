import "@testing-library/jest-dom/vitest";
import { beforeEach } from "vitest";
import { setLanguage } from "../src/lib/i18n";

// Tests assert on English texts; the language-detection test switches explicitly.
beforeEach(async () => {
  await setLanguage("en");
});
