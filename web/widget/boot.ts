/** What the chat page hands the widget (branding, texts per language, limits) and the visitor's language. */

export type Texts = Record<string, string>;

export interface Branding {
  title: Texts;
  colour: string;
  logo: string | null;
  greeting: Texts;
  hours_notice: Texts;
  prechat: string[];
}

export interface Boot {
  widget: string;
  branding: Branding;
  languages: string[];
  strings: Record<string, Record<string, string>>;
  max_bytes: number;
  max_file_bytes: number;
}

const FALLBACK: Boot = {
  widget: "default",
  branding: { title: {}, colour: "#2157d6", logo: null, greeting: {}, hours_notice: {}, prechat: ["name", "email"] },
  languages: ["en", "zh-Hans"],
  strings: {},
  max_bytes: 10240,
  max_file_bytes: 10 * 1024 * 1024,
};

function readBoot(): Boot {
  const node = document.getElementById("chat-boot");
  if (!node?.textContent) return FALLBACK;
  return { ...FALLBACK, ...(JSON.parse(node.textContent) as Partial<Boot>) };
}

export const boot = readBoot();

/** The browser's first language we speak: Simplified Chinese for zh, zh-CN, zh-SG, zh-Hans; else English. */
export function pickLanguage(preferred: readonly string[]): string {
  for (const raw of preferred) {
    const tag = raw.toLowerCase();
    if (tag.startsWith("zh")) return /^zh-(tw|hk|mo|hant)/.test(tag) ? "en" : "zh-Hans";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

export const lang = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language || "en"]);
document.documentElement.lang = lang;
const strings = boot.strings[lang] ?? {};

/** Translate `msg` (the English source text, as in the .po catalogs); `%(name)s` takes params.name. */
export function t(msg: string, params?: Record<string, string | number>): string {
  const text = strings[msg] || msg;
  if (!params) return text;
  return text.replace(/%\((\w+)\)s/g, (_m, key: string) => (params[key] === undefined ? "" : String(params[key])));
}

/** A configured text in the visitor's language, else English, else any; null when the site set none. */
export function configured(texts: Texts): string | null {
  return texts[lang] ?? texts.en ?? Object.values(texts)[0] ?? null;
}

const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
const moment = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

/** "14:05": a message's time, in the visitor's own time zone. */
export function formatClock(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? "" : clock.format(when);
}

/** "3 Dec 2026, 09:00": a promised time, in the visitor's own time zone. */
export function formatMoment(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? iso : moment.format(when);
}

/** "2.5 MB" in the visitor's language. */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const unit = mb >= 1 ? "megabyte" : "kilobyte";
  const value = mb >= 1 ? mb : Math.max(1, Math.round(bytes / 1024));
  return new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }).format(value);
}

/** The launcher's page, when the chat runs in its iframe (it has a close button then). */
export const embedded = new URLSearchParams(window.location.search).get("embedded") === "1";
