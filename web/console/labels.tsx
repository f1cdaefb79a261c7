/** Names people read for the hub's internal values (channels, tiers, roles, history kinds), and their icons. */
import { Crown, Gem, Mail, Medal, MessageCircle, MessageSquare, Phone, User } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { t } from "../shared/i18n";

const CHANNELS: Record<string, string> = {
  webchat: "Web chat",
  email: "E-mail",
  "sms.twilio": "SMS",
  sms: "SMS",
  "voice.twilio": "Phone call",
  wechat: "WeChat",
  phone: "Phone",
};

const HISTORY: Record<string, string> = {
  "contact.inbound": "Customer wrote",
  "contact.outbound": "We answered",
  note: "Internal note",
  "survey.answered": "Survey answered",
  "ticket.assigned": "Assigned",
  "ticket.created": "Ticket opened",
  "ticket.reopened": "Ticket reopened",
  "ticket.status": "Status changed",
  "consent.granted": "Consent given",
  "consent.revoked": "Consent withdrawn",
  "ticket.offered": "Offered to an agent",
  "ticket.tier": "Tier changed",
  "ticket.reminder": "Snoozed",
  "ticket.merged": "Merged into another ticket",
  "ticket.merged_in": "Ticket merged in",
  "ticket.split": "Split",
  "ticket.split_from": "Split off",
  "ticket.linked": "Linked",
  "ticket.unlinked": "Link removed",
};

const STRATEGIES: Record<string, string> = {
  dedicated: "Dedicated service: a named agent, proactive contact, the fastest targets.",
  retain: "Retention: priority handling; a supervisor follows up every complaint.",
  nurture: "Standard service with a personal touch; a good moment to offer more.",
  standard: "Standard service: self-service and the knowledge base first.",
};

export function channelName(channel: string): string {
  return t(CHANNELS[channel] ?? channel);
}

export function historyName(kind: string): string {
  return t(HISTORY[kind] ?? kind);
}

export function strategyText(name: string): string {
  return STRATEGIES[name] ? t(STRATEGIES[name]) : "";
}

export function ChannelIcon({ channel }: { channel: string }): ComponentChildren {
  const props = { size: 14, "aria-hidden": true } as const;
  if (channel === "email") return <Mail {...props} />;
  if (channel.startsWith("sms")) return <MessageSquare {...props} />;
  if (channel.startsWith("voice") || channel === "phone") return <Phone {...props} />;
  return <MessageCircle {...props} />;
}

export function TierBadge({ tier }: { tier: string }): ComponentChildren {
  const props = { size: 12, "aria-hidden": true } as const;
  const icon =
    tier === "diamond" ? <Gem {...props} /> : tier === "gold" ? <Crown {...props} /> : tier === "silver" ? <Medal {...props} /> : <User {...props} />;
  return (
    <span class={`tier tier-${tier}`}>
      {icon}
      {t(tier)}
    </span>
  );
}

/** Initials for an avatar: the first letters of two words, or the first character (Chinese names). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2 && /^[A-Za-z]/.test(words[0] ?? "")) return `${words[0]?.[0] ?? ""}${words[1]?.[0] ?? ""}`.toUpperCase();
  return (name.trim()[0] ?? "?").toUpperCase();
}

export function Avatar({ name, size = "md" }: { name: string; size?: "sm" | "md" | "lg" }): ComponentChildren {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span class={`avatar avatar-${size} hue-${hash % 8}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
