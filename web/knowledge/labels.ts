/** Names people read for the hub's internal values on these pages: statuses, roles, channels, presence, languages. */
import { lang, t } from "../shared/i18n";
import type { Status } from "./types";

export const STATUSES: Status[] = ["draft", "in_review", "published", "archived"];

const STATUS_NAMES: Record<string, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
  archived: "Archived",
  review_due: "Review due",
};

const ROLE_NAMES: Record<string, string> = {
  agent: "Agent",
  supervisor: "Supervisor",
  knowledge_manager: "Knowledge manager",
  admin: "Administrator",
};

const CHANNEL_NAMES: Record<string, string> = {
  webchat: "Web chat",
  email: "E-mail",
  "sms.twilio": "SMS",
  sms: "SMS",
  "voice.twilio": "Phone call",
  wechat: "WeChat",
  phone: "Phone",
};

const PRESENCE_NAMES: Record<string, string> = {
  available: "Available",
  away: "Away",
  busy: "Busy",
  "wrap-up": "Wrapping up",
  offline: "Offline",
};

export function statusName(status: string): string {
  return t(STATUS_NAMES[status] ?? status);
}

export function roleName(role: string): string {
  return t(ROLE_NAMES[role] ?? "Agent");
}

export function channelName(channel: string): string {
  return t(CHANNEL_NAMES[channel] ?? CHANNEL_NAMES[channel.split(".")[0] ?? ""] ?? "Other channel");
}

export function presenceName(presence: string): string {
  return t(PRESENCE_NAMES[presence] ?? "Offline");
}

// Language tags (zh-CN, yue, en) read as language names in the page's language (中文（中国）, 粤语, 英语).
const languages = (() => {
  try {
    return new Intl.DisplayNames([lang], { type: "language" });
  } catch {
    return null;
  }
})();

export function languageName(tag: string): string {
  try {
    return languages?.of(tag) ?? tag;
  } catch {
    return tag; // not a well-formed tag: shown as typed
  }
}

const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
const times = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

/** A calendar date such as a review-by date (yyyy-mm-dd, no time zone): read as that day wherever the reader is. */
export function formatDay(day: string | null): string {
  if (!day) return "—";
  const [y, m, d] = day.split("-").map(Number);
  return dates.format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

export function formatWhen(iso: string | null): string {
  return iso ? times.format(new Date(iso)) : "—";
}
