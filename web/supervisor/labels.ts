/** Names people read for the hub's internal values (channels, statuses, tiers, priorities), in their language. */
import { t } from "../shared/i18n";
import { boot } from "./boot";

const CHANNELS: Record<string, string> = {
  webchat: "Web chat",
  email: "E-mail",
  "sms.twilio": "SMS",
  sms: "SMS",
  "voice.twilio": "Phone call",
  wechat: "WeChat",
  phone: "Phone",
};

// Agent statuses and customer tiers are catalog messages under their own names ("available", "diamond").
const KNOWN = new Set(["available", "busy", "away", "wrap-up", "offline", "diamond", "gold", "silver", "general",
  "urgent", "high", "normal", "low"]);

export function channelName(channel: string): string {
  return t(CHANNELS[channel] ?? channel);
}

const capital = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** A status, tier or priority as a label ("Diamond", "钻石"); anything unknown (a tier a hub added) reads as
 *  written, capitalised. */
export function valueName(value: string): string {
  return KNOWN.has(value) ? capital(t(value)) : capital(value.replace(/[._-]/g, " "));
}

/** Tiers by value (diamond, gold, silver, general), then any others by name. */
export function byTierValue<T>(entries: [string, T][]): [string, T][] {
  const rank = (tier: string) => {
    const i = boot.tiers.indexOf(tier);
    return i < 0 ? boot.tiers.length : i;
  };
  return [...entries].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}
