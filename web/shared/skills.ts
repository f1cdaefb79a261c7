/** A skill as people name it, on every page that shows skills. */
import { t } from "./i18n";

/** The catalog's name for a skill id ("refunds" → "Refunds", 退款), else the id in words. */
export function skillName(id: string): string {
  const words = id.replace(/[_-]+/g, " ").trim();
  return t(words.charAt(0).toUpperCase() + words.slice(1));
}
