/** The workspace's part of the top bar: search, connection, presence, notifications, shortcuts. */
import { Keyboard } from "lucide-preact";
import { t } from "../../shared/i18n";
import { ConnectionBadge } from "./ConnectionBadge";
import { Notifications } from "./Notifications";
import { SearchBox } from "./SearchBox";
import { helpOpen } from "./ShortcutsHelp";
import { StatusPicker } from "./StatusPicker";

export function Tools() {
  return (
    <>
      <SearchBox />
      <ConnectionBadge />
      <StatusPicker />
      <Notifications />
      <button type="button" class="icon-button" id="shortcuts-help" aria-haspopup="dialog" aria-label={`${t("Shortcuts")} (?)`} onClick={() => (helpOpen.value = true)}>
        <Keyboard size={18} aria-hidden="true" />
      </button>
    </>
  );
}
