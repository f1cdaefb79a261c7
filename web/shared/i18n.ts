/** Translations handed over by the page (the server's catalog, JSON in #i18n) and locale-aware formatting. */

interface Catalog {
  lang: string;
  strings: Record<string, string>;
}

function readCatalog(): Catalog {
  const node = document.getElementById("i18n");
  if (!node?.textContent) return { lang: document.documentElement.lang || "en", strings: {} };
  const parsed = JSON.parse(node.textContent) as Partial<Catalog>;
  return { lang: parsed.lang ?? document.documentElement.lang ?? "en", strings: parsed.strings ?? {} };
}

const catalog = readCatalog();

/** The page's language tag, e.g. "en" or "zh-Hans". */
export const lang = catalog.lang;

/** Translate `msg` (the English source text, as in the .po catalogs); `%(name)s` takes params.name. */
export function t(msg: string, params?: Record<string, string | number>): string {
  const text = catalog.strings[msg] ?? msg;
  if (!params) return text;
  return text.replace(/%\((\w+)\)s/g, (_m, key: string) => (params[key] === undefined ? "" : String(params[key])));
}

const numbers = new Intl.NumberFormat(lang);
const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" });

export function formatNumber(n: number): string {
  return numbers.format(n);
}

/** "3 min ago", "in 2 h" in the page's language, for a time relative to `now`. */
export function formatRelative(when: Date, now: Date = new Date()): string {
  const seconds = Math.round((when.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, "second");
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86400), "day");
}
