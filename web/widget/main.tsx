/** The customer's chat widget: mounted on #chat by the chat page (inside the launcher's iframe). */
import { render } from "preact";
import { t } from "../shared/i18n";

function Chat() {
  return <main id="main">{t("Chat with us")}</main>;
}

const root = document.getElementById("chat");
if (root) render(<Chat />, root);
