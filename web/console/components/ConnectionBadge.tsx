/** Whether the workspace is live: pushed changes arrive, or it is reconnecting. */
import { t } from "../../shared/i18n";
import { connection, reconnecting } from "../live";

export function ConnectionBadge() {
  const state = connection.value;
  const label = state === "live" ? t("live") : state === "offline" ? (reconnecting.value ? t("reconnecting…") : t("offline")) : t("connecting…");
  return (
    <span id="conn" class="conn" data-state={state} role="status">
      {label}
    </span>
  );
}
