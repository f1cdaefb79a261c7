/** The three panes: conversation list | conversation | context panel; one pane at a time on a phone. */
import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { t } from "../../shared/i18n";
import { openId, state } from "../conversation";
import { offers, unseenNotices } from "../notices";
import { unreadMine } from "../store";
import { ContextPanel } from "./ContextPanel";
import { Conversation } from "./Conversation";
import { ConversationList } from "./ConversationList";
import { Offers } from "./Offers";
import { ShortcutsHelp } from "./ShortcutsHelp";

const detailsOpen = signal(false);

export function Workspace() {
  const open = openId.value;
  const subject = state.value?.ticket.subject;
  const waiting = unreadMine.value + offers.value.length + unseenNotices.value;
  useEffect(() => {
    const page = open !== null && subject ? `#${open} ${subject}` : t("Inbox");
    document.title = `${waiting ? `(${waiting}) ` : ""}${page} · hub`;
  }, [open, subject, waiting]);
  useEffect(() => {
    detailsOpen.value = false;
  }, [open]);
  const pane = open === null ? "list" : detailsOpen.value ? "context" : "conversation";
  return (
    <>
      <Offers />
      <main id="main" class="ws" data-pane={pane} data-open={open === null ? "none" : "ticket"}>
        <ConversationList />
        <Conversation onDetails={() => (detailsOpen.value = !detailsOpen.value)} />
        <ContextPanel onClose={() => (detailsOpen.value = false)} />
      </main>
      <ShortcutsHelp />
    </>
  );
}
