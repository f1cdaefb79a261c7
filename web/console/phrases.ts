/** Sentences the server composed in English (routing reasons, timeline summaries, churn factors), shown in the
 * agent's language from the message key + params the ticket's JSON carries for each (hub/agent_console/phrases.py). */
import { lang, t } from "../shared/i18n";
import { channelName } from "./labels";

export interface Phrase {
  key: string;
  params: Record<string, string | Phrase | (string | Phrase)[]>;
}

const languages = new Intl.DisplayNames([lang], { type: "language" });
const lists = new Intl.ListFormat(lang, { style: "long", type: "conjunction" });

function languageName(code: string): string {
  try {
    return languages.of(code) ?? code;
  } catch {
    return code; // not a language tag: show it as configured
  }
}

/** A param by what it names: internal names become labels, agent ids names, nested phrases their translation. */
function param(name: string, value: string | Phrase | (string | Phrase)[], names: Record<string, string>): string {
  if (Array.isArray(value)) return lists.format(value.map((v) => param(name, v, names)));
  if (typeof value !== "string") return render(value, names);
  if (name === "channel") return channelName(value);
  if (name === "language") return languageName(value);
  if (name === "agent_id") return names[value] ?? `#${value}`;
  if (["tier", "tier_before", "status", "status_before", "priority", "role", "link"].includes(name)) return t(value);
  return value;
}

function render(p: Phrase, names: Record<string, string>): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.params)) params[name] = param(name, value, names);
  return t(p.key, params);
}

/** The text in the page's language when the server sent its key, else as written (what people typed). */
export function say(text: string, phrases: Record<string, Phrase> | undefined, names: Record<string, string> = {}): string {
  const p = phrases?.[text];
  return p ? render(p, names) : text;
}
