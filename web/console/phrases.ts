/** Sentences the server composed in English (routing reasons, timeline summaries, churn factors), shown in the
 * agent's language from the message key + params the ticket's JSON carries for each (hub/agent_console/phrases.py):
 * UTC times in the browser's time zone, skill ids as skill names. */
import { lang, t } from "../shared/i18n";
import { skillName } from "../shared/skills";
import { channelName } from "./labels";

export interface Phrase {
  key: string;
  params: Record<string, string | Phrase | (string | Phrase)[]>;
}

const languages = new Intl.DisplayNames([lang], { type: "language" });
const lists = new Intl.ListFormat(lang, { style: "long", type: "conjunction" });
const stamp = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
const clock = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" });


/** A UTC time the server wrote ("2026-12-03 09:30", or "09:30:00" of today) in the browser's time zone. */
function localUtc(value: string): string | null {
  const full = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?$/.exec(value);
  if (full) return stamp.format(new Date(`${full[1]}T${full[2]}:00Z`));
  const time = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!time) return null;
  const when = new Date();
  when.setUTCHours(Number(time[1]), Number(time[2]), Number(time[3] ?? 0), 0);
  if (when.getTime() > Date.now() + 60_000) when.setUTCDate(when.getUTCDate() - 1); // "idle since" is in the past
  return clock.format(when);
}

const TIMES = ["due", "since"];
/** Params naming skills: "refunds≥2" (what a ticket needs), "refunds 3" (an agent's level), a list or one id. */
const SKILLS: Record<string, RegExp> = { needs: /^(.+?)(≥\d+)$/, fit: /^(.+?)( \d+)$/, skill: /^(.+)()$/ };

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
  if (TIMES.includes(name)) return localUtc(value) ?? value;
  if (name === "skills") return lists.format(value.split(", ").map(skillName));
  const skill = SKILLS[name]?.exec(value);
  if (skill) return `${skillName(skill[1] ?? "")}${skill[2] ?? ""}`;
  if (["tier", "tier_before", "status", "status_before", "priority", "role", "link"].includes(name)) return t(value);
  return value;
}

function render(p: Phrase, names: Record<string, string>): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.params)) params[name] = param(name, value, names);
  let text = t(p.key, params);
  // A time now in local time: the "UTC" the sentence put after it no longer holds.
  for (const name of TIMES) {
    const local = params[name];
    if (local && local !== p.params[name]) text = text.replace(`${local} UTC`, local);
  }
  return text;
}

/** The text in the page's language when the server sent its key, else as written (what people typed). */
export function say(text: string, phrases: Record<string, Phrase> | undefined, names: Record<string, string> = {}): string {
  const p = phrases?.[text];
  return p ? render(p, names) : text;
}
