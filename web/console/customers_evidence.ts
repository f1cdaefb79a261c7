/** Duplicate evidence in the agent's language: the server words each signal in English ("same e-mail (a / b)"),
 * so other languages get the signal's translated name and the values it compared. */
import { lang, t } from "../shared/i18n";
import type { Signal } from "./types";

const SIGNALS: Record<string, string> = {
  same_mailbox: "same mailbox",
  same_mobile: "same mobile number",
  same_phone: "same phone number",
  same_landline: "same landline",
  same_extension: "same extension",
  other_extension: "other extensions on one switchboard",
  phone_tail: "phone numbers end alike",
  same_mailbox_name: "same mailbox name at another provider",
  same_name_mailbox: "a name-like mailbox name elsewhere",
  name_as_mailbox: "the name as a mailbox name elsewhere",
  company_alias: "one company, mailbox names that fit one name",
  company_domain: "same company domain",
  same_address: "same address",
  name_same: "same name",
  name_same_common: "same common name",
  name_alike: "names alike",
  name_sound: "names sound alike",
  name_differs: "names differ",
};

/** The values a detail compared: its quoted names and its closing parenthesis ("a / b", "100%"). */
function values(detail: string): string {
  const quoted = [...detail.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? "");
  const last = /\(([^()]*)\)\s*$/.exec(detail)?.[1];
  return [...quoted, ...(last ? [last] : [])].join(" · ");
}

export function evidenceText(s: Signal): string {
  const label = SIGNALS[s.signal];
  if (lang.startsWith("en") || !label) return s.detail;
  const shown = values(s.detail);
  return shown ? `${t(label)}: ${shown}` : t(label);
}
