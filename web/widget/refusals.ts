/** The hub's refusals (error codes) in the visitor's language; anything unknown as a generic retry. */
import { boot, t } from "./boot";

export interface Refusal {
  code: string;
  message?: string;
  retry_after_s?: number;
  limit?: number;
}

export function errorText(e: Refusal | undefined): string {
  switch (e?.code) {
    case "too_many_conversations":
      return t("Too many new chats right now, please try again in %(minutes)s min.", {
        minutes: Math.max(1, Math.ceil((e.retry_after_s ?? 60) / 60)),
      });
    case "slow_down":
      return t("Too many messages, please wait a moment.");
    case "too_large":
      return t("Message too long (limit %(bytes)s bytes).", { bytes: boot.max_bytes });
    case "empty":
      return t("Please write a message.");
    case "file_type":
      return t("Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.");
    case "bad_file":
    case "file_too_large":
      return t("The file could not be uploaded, please try again.");
    default:
      return t("Not sent, please try again.");
  }
}
