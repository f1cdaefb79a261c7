/** The agent's own presence: available for new work, away, busy (wrap-up is set by the hub). */
import { t } from "../../shared/i18n";
import { presence, setPresence } from "../notices";

export function StatusPicker() {
  return (
    <label class="status-pick">
      <span class={`presence-dot presence-${presence.value}`} aria-hidden="true" />
      <span class="visually-hidden">{t("Status")}</span>
      <select id="my-status" value={presence.value} onChange={(e) => void setPresence(e.currentTarget.value)}>
        <option value="available">{t("available")}</option>
        <option value="away">{t("away")}</option>
        <option value="busy">{t("busy")}</option>
        <option value="wrap-up" disabled>
          {t("wrap-up")}
        </option>
      </select>
    </label>
  );
}
