import type { SmsState, WalletSummary } from "./ipc/bindings";
import type { KeyRingState } from "./stores/keys";

/**
 * The welcome tour of a first run, and what it leaves to do:
 *
 *   welcome ─▶ keys (create | restore | import) ─▶ backup ─▶ wallet (+ push) ─▶ watch ─▶ done ─▶ tasks
 *
 * Every step can be skipped; a skipped step stays as a reminder on Home until it is done.
 * The record is kept in localStorage (`rv.onboarding`): the tour starts by itself only while the
 * open key ring has no key and the tour was never finished or skipped.
 */
export type OnboardingStep = "welcome" | "keys" | "backup" | "wallet" | "watch" | "done";
export const ONBOARDING_STEPS: readonly OnboardingStep[] = ["welcome", "keys", "backup", "wallet", "watch", "done"];

/** The steps that leave something to do when skipped. */
export type SkippableStep = "keys" | "backup" | "wallet" | "watch";
export const SKIPPABLE_STEPS: readonly SkippableStep[] = ["keys", "backup", "wallet", "watch"];

export type OnboardingRecord = {
  /** null while the tour is under way (or was left before its end). */
  status: "done" | "skipped" | null;
  /** Steps skipped, in the order of the tour. */
  skipped: SkippableStep[];
};

export const ONBOARDING_KEY = "rv.onboarding";

export function isOnboardingStep(value: unknown): value is OnboardingStep {
  return typeof value === "string" && (ONBOARDING_STEPS as readonly string[]).includes(value);
}

function isSkippable(value: unknown): value is SkippableStep {
  return typeof value === "string" && (SKIPPABLE_STEPS as readonly string[]).includes(value);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** The stored record; null when the tour never ran (or the record is unreadable). */
export function readOnboarding(): OnboardingRecord | null {
  let raw: string | null = null;
  try {
    raw = storage()?.getItem(ONBOARDING_KEY) ?? null;
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const status = parsed.status === "done" || parsed.status === "skipped" ? parsed.status : null;
    const skipped = Array.isArray(parsed.skipped) ? parsed.skipped.filter(isSkippable) : [];
    return { status, skipped: SKIPPABLE_STEPS.filter((s) => skipped.includes(s)) };
  } catch {
    return null;
  }
}

export function writeOnboarding(record: OnboardingRecord): void {
  try {
    storage()?.setItem(ONBOARDING_KEY, JSON.stringify(record));
  } catch {
    // Not stored: the tour may show again at the next start, nothing worse.
  }
}

/** The record with `step` skipped (or done: no longer skipped). */
export function withStep(record: OnboardingRecord | null, step: SkippableStep, skipped: boolean): OnboardingRecord {
  const base = record ?? { status: null, skipped: [] };
  const list = skipped ? [...base.skipped.filter((s) => s !== step), step] : base.skipped.filter((s) => s !== step);
  return { ...base, skipped: SKIPPABLE_STEPS.filter((s) => list.includes(s)) };
}

/** The steps from `step` to the end of the tour that can be skipped (the tour is left there). */
export function skippableFrom(step: OnboardingStep): SkippableStep[] {
  const at = ONBOARDING_STEPS.indexOf(step);
  return SKIPPABLE_STEPS.filter((s) => ONBOARDING_STEPS.indexOf(s) >= at);
}

/** The tour ends: done, or skipped from `from` on (every remaining step becomes a reminder). */
export function finished(record: OnboardingRecord | null, how: "done" | "skipped", from?: OnboardingStep): OnboardingRecord {
  let next = record ?? { status: null, skipped: [] };
  if (how === "skipped" && from) {
    for (const step of skippableFrom(from)) next = withStep(next, step, true);
  }
  return { ...next, status: how };
}

/** First run: the key ring is open and empty, and the tour was never finished or skipped. */
export function shouldOfferTour(record: OnboardingRecord | null, vault: KeyRingState): boolean {
  if (record?.status) return false;
  return vault.name === "open" && vault.overview.keys.length === 0;
}

export type ReminderKind = "keys" | "backup" | "wallet" | "sms" | "watch";
export type Reminder =
  | { kind: "keys" | "backup" | "wallet" | "watch" }
  | { kind: "sms"; network: string; label: string };

/** What Home knows, for the reminders (null: not known yet). */
export type ReminderFacts = {
  vault: KeyRingState;
  wallets: WalletSummary[] | null;
  /** The key service of each (current) network, for the first wallet. */
  sms: { network: string; label: string; state: SmsState | null }[];
  watchedCount: number | null;
};

/** The skipped steps that are still not done. */
export function remindersOf(record: OnboardingRecord | null, facts: ReminderFacts): Reminder[] {
  const skipped = record?.skipped ?? [];
  const out: Reminder[] = [];
  const open = facts.vault.name === "open" ? facts.vault.overview : null;
  if (skipped.includes("keys") && open && open.keys.length === 0) out.push({ kind: "keys" });
  if (skipped.includes("backup") && open && open.keys.length > 0 && (open.not_backed_up.length > 0 || open.kit_out_of_date)) {
    out.push({ kind: "backup" });
  }
  if (skipped.includes("wallet") && facts.wallets !== null) {
    if (facts.wallets.length === 0) out.push({ kind: "wallet" });
    else {
      for (const s of facts.sms) {
        if (s.state === "absent" || s.state === "set_elsewhere") out.push({ kind: "sms", network: s.network, label: s.label });
      }
    }
  }
  if (skipped.includes("watch") && facts.watchedCount === 0) out.push({ kind: "watch" });
  return out;
}
