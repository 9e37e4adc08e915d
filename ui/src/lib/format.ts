import type { TFunction } from "i18next";

const UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/**
 * Human size with decimal units (as file managers show them): 1 234 567 -> "1.2 MB".
 * `t` is passed in so that callers in templates re-render when the language changes.
 */
export function formatBytes(bytes: number, t: TFunction, locale: string): string {
  let value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = new Intl.NumberFormat(locale, {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
  return t("units.value", { value: number, unit: t(`units.${UNITS[unit]}`) });
}

/**
 * Fingerprint (64 hex digits) shortened to its first 16 digits, upper case, in groups of four:
 * "3f2a91c077de0b44..." -> "3F2A 91C0 77DE 0B44".
 */
export function shortFingerprint(hex: string): string {
  const clean = hex.replace(/^0x/i, "").replace(/[^0-9a-fA-F]/g, "").toUpperCase();
  return (clean.slice(0, 16).match(/.{1,4}/g) ?? []).join(" ");
}

/** Full fingerprint grouped by four, for a tooltip. */
export function groupedFingerprint(hex: string): string {
  const clean = hex.replace(/^0x/i, "").replace(/[^0-9a-fA-F]/g, "").toUpperCase();
  return (clean.match(/.{1,4}/g) ?? []).join(" ");
}

/** Last component of a path, whatever the separator. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Shortens a long name in its middle: "0x5B38Da6a70…beddC4_key". */
export function middleEllipsis(name: string, max = 32): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const head = Math.ceil((max - 1) * 0.55);
  const tail = max - 1 - head;
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - tail).join("")}`;
}

/** The last `count` components of a path, joined with "/": ".secrets/beneficiary". */
export function tailPath(path: string, count: number): string {
  const parts = path.replace(/[\\/]+$/, "").split(/[\\/]/).filter(Boolean);
  return parts.slice(-count).join("/") || path;
}

/**
 * Joins an absolute output folder and a result-relative path (which uses "/"),
 * with the separator the folder already uses.
 */
export function joinPath(dir: string, relative: string): string {
  const windows = dir.includes("\\") && !dir.includes("/");
  const sep = windows ? "\\" : "/";
  const rel = windows ? relative.replace(/\//g, "\\") : relative;
  return dir.replace(/[\\/]+$/, "") + sep + rel.replace(/^[\\/]+/, "");
}

/** Percent 0..100 (integer) of done/total; 0 when the total is unknown. */
export function percentOf(done: number, total: number): number {
  if (!(total > 0) || !(done > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/**
 * A date (RFC 3339) in the user's language: "14 Mar 2025" / "14 mars 2025".
 * `t` is passed in so that callers in templates re-render when the language changes.
 */
export function formatDate(iso: string, locale: string, _t?: TFunction): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}

/** Default file name of a recovery kit: "result-vault-recovery-kit-2025-05-01.age" (local date). */
export function kitFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return `result-vault-recovery-kit-${day}.age`;
}

/** The words of a typed phrase: split on any white space, lower case. */
export function phraseWords(text: string): string[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** A moment (unix seconds) in the user's language: "30 Apr 2025, 10:40" / "30 avr. 2025, 10:40". */
export function formatDateTime(seconds: number, locale: string, _t?: TFunction): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(seconds * 1000),
  );
}

/**
 * How long ago a moment (unix seconds) was, in the user's language: "5 minutes ago" /
 * "il y a 5 minutes"; under a minute, `t("time.justNow")`.
 */
export function formatRelative(seconds: number, nowMs: number, locale: string, t: TFunction): string {
  const diff = Math.round(seconds - nowMs / 1000);
  if (Math.abs(diff) < 60) return t("time.justNow");
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["minute", 60],
    ["hour", 3600],
    ["day", 86_400],
    ["week", 7 * 86_400],
    ["month", 30 * 86_400],
    ["year", 365 * 86_400],
  ];
  let unit: Intl.RelativeTimeFormatUnit = "minute";
  let size = 60;
  for (const [u, s] of steps) {
    if (Math.abs(diff) >= s) {
      unit = u;
      size = s;
    }
  }
  return format.format(Math.trunc(diff / size), unit);
}

/** A long hex id shortened for a list: "0x1a2b3c…9f3c". */
export function shortHex(hex: string, head = 8, tail = 4): string {
  if (hex.length <= head + tail + 1) return hex;
  return `${hex.slice(0, head)}…${hex.slice(hex.length - tail)}`;
}

/** The host of a URL ("https://ipfs.iex.ec/x" -> "ipfs.iex.ec"); the text itself when not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * The first sentence of a text, and the rest (null when there is only one sentence). A sentence
 * ends with `.`, `!` or `?` followed by a space; dots inside URLs, numbers or `e.g.` do not end it.
 */
export function splitFirstSentence(text: string): { first: string; rest: string | null } {
  const trimmed = text.trim();
  const re = /[.!?…](?=\s+\S)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(trimmed)) !== null) {
    const before = trimmed.slice(0, m.index + 1);
    // Abbreviations such as "e.g." or "i.e." do not end a sentence.
    if (/\b(?:e\.g|i\.e|etc|vs|cf)\.$/i.test(before)) continue;
    const rest = trimmed.slice(m.index + 1).trim();
    return { first: before, rest: rest || null };
  }
  return { first: trimmed, rest: null };
}
