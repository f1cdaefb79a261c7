/** The bell: what happened for the agent (mentions, transfers, SLA warnings), with their sound and desktop
 * settings, which are kept on their account. */
import { signal } from "@preact/signals";
import { Bell, BellOff, BellRing, Volume2, VolumeX } from "lucide-preact";
import { t } from "../../shared/i18n";
import {
  desktop,
  desktopWanted,
  markAllRead,
  notices,
  preferenceError,
  setDesktop,
  setSound,
  soundOn,
  unseenNotices,
} from "../notices";
import { navigate } from "../router";
import { localTime } from "../time";
import type { Notice } from "../types";

const open = signal(false);

function says(n: Notice): string {
  switch (n.kind) {
    case "mention":
      return t("%(name)s mentioned you on #%(id)s", { name: n.by ?? "", id: n.ticket_id });
    case "assigned":
      return t("Assigned to you: #%(id)s", { id: n.ticket_id });
    case "unassigned":
      return t("Moved away from you: #%(id)s", { id: n.ticket_id });
    case "sla":
      return t("First answer due soon: #%(id)s", { id: n.ticket_id });
    default:
      return `#${n.ticket_id}`;
  }
}

/** A setting's state in words beside it; hidden from screen readers, which hear aria-pressed or aria-checked. */
function State({ on }: { on: boolean }) {
  return (
    <span class={`setting-state${on ? " on" : ""}`} aria-hidden="true">
      {on ? t("On") : t("Off")}
    </span>
  );
}

/** Off: an invitation that also asks the browser's permission; on (opted in, and this browser allows it): a
 * switch that turns them off again. */
function DesktopSetting() {
  if (desktop.value === "unsupported") return null;
  const on = desktopWanted.value && desktop.value === "granted";
  if (!on) {
    return (
      <>
        <button type="button" class="link" id="desktop-setting" onClick={() => void setDesktop(true)}>
          <BellOff size={14} aria-hidden="true" /> {t("Desktop notifications")} <State on={false} />
        </button>
        {desktopWanted.value && desktop.value === "denied" && (
          <p class="muted">{t("This browser blocks notifications from the hub: allow them in its site settings.")}</p>
        )}
      </>
    );
  }
  return (
    <button type="button" class="link" id="desktop-setting" role="switch" aria-checked="true" onClick={() => void setDesktop(false)}>
      <BellRing size={14} aria-hidden="true" /> {t("Desktop notifications")} <State on />
    </button>
  );
}

export function Notifications() {
  const count = unseenNotices.value;
  return (
    <div class="notifications">
      <button
        type="button"
        class="icon-button"
        id="notifications-toggle"
        aria-expanded={open.value}
        aria-controls="notification-list"
        aria-label={count ? t("Notifications (%(n)s new)", { n: count }) : t("Notifications")}
        onClick={() => {
          open.value = !open.value;
          if (!open.value) markAllRead();
        }}
      >
        <Bell size={18} aria-hidden="true" />
      </button>
      {/* Beside the button, not in it: the button's name says the count in words (axe: label-content-name-mismatch). */}
      {count > 0 && (
        <span class="badge" aria-hidden="true" style={{ pointerEvents: "none" }}>
          {count}
        </span>
      )}
      {open.value && (
        <div class="notification-panel" id="notification-list">
          <div class="panel-head">
            <h2>{t("Notifications")}</h2>
            <button type="button" class="link" onClick={() => void setSound(!soundOn.value)} aria-pressed={soundOn.value}>
              {soundOn.value ? <Volume2 size={14} aria-hidden="true" /> : <VolumeX size={14} aria-hidden="true" />}{" "}
              {t("Sound on new offers and messages")} <State on={soundOn.value} />
            </button>
            <DesktopSetting />
          </div>
          {preferenceError.value && (
            <p class="error" id="preference-error" role="alert">
              {preferenceError.value}
            </p>
          )}
          {notices.value.length === 0 && <p class="muted">{t("Nothing new.")}</p>}
          <ul>
            {notices.value.map((n) => (
              <li key={n.id} class={`notice notice-${n.kind}${n.read ? "" : " unread"}`}>
                <a
                  href={`/console/tickets/${n.ticket_id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    open.value = false;
                    markAllRead();
                    navigate(n.ticket_id);
                  }}
                >
                  {says(n)}
                </a>
                <span class="muted"> {n.subject}</span>
                {n.text && <p class="muted notice-text">{n.text}</p>}
                <time dateTime={n.at}>{localTime(n.at)}</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
