/** The window's top bar: the website's logo or initials, its name, the business-hours notice, a close button. */
import { X } from "lucide-preact";
import { boot, configured, embedded, t } from "../boot";
import { connection } from "../store";
import { initials } from "./Avatar";

function closeChat(): void {
  window.parent.postMessage("hub-chat:close", "*"); // the launcher checks where it came from
}

export function Header() {
  const title = configured(boot.branding.title) ?? t("Chat with us");
  const hours = configured(boot.branding.hours_notice);
  const state = connection.value;
  return (
    <header class="chat-header">
      {boot.branding.logo ? (
        <img class="chat-logo" src={boot.branding.logo} alt="" />
      ) : (
        <span class="chat-logo chat-logo-initials" aria-hidden="true">
          {initials(title)}
        </span>
      )}
      <div class="chat-heading">
        <h1 id="chat-title">{title}</h1>
        {hours ? <p class="chat-hours">{hours}</p> : null}
        {state === "connecting" || state === "offline" ? (
          <p class="chat-connection" role="status">
            {state === "connecting" ? t("Connecting…") : t("Reconnecting…")}
          </p>
        ) : null}
      </div>
      {embedded ? (
        <button type="button" class="icon-button chat-close" aria-label={t("Close chat")} onClick={closeChat}>
          <X size={20} aria-hidden="true" />
        </button>
      ) : null}
    </header>
  );
}
