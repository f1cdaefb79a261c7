/** A channel's limits as the agent types: characters, bytes, SMS segments, the reply window. */
import { t } from "../shared/i18n";
import type { Limits } from "./types";

const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

function segments(s: string): number {
  if (!s) return 0;
  const gsm = GSM.test(s);
  const one = gsm ? 160 : 70;
  const many = gsm ? 153 : 67;
  return s.length <= one ? 1 : Math.ceil(s.length / many);
}

export function describeLimits(text: string, rule: Limits | undefined): { parts: string[]; over: boolean } {
  const parts: string[] = [];
  let over = false;
  if (!rule) return { parts, over };
  if (rule.max_chars) {
    parts.push(t("%(n)s / %(max)s characters", { n: text.length, max: rule.max_chars }));
    over ||= text.length > rule.max_chars;
  }
  if (rule.max_bytes) {
    const bytes = new TextEncoder().encode(text).length;
    parts.push(t("%(n)s / %(max)s bytes", { n: bytes, max: rule.max_bytes }));
    over ||= bytes > rule.max_bytes;
  }
  if (rule.segments) parts.push(t("%(n)s SMS", { n: segments(text) }));
  if (rule.window_hours) parts.push(t("replies only within %(h)s hours of the customer's last message", { h: rule.window_hours }));
  return { parts, over };
}
