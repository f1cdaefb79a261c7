/** The agent workspace: mounted on #app by the console's shell page. */
import { render } from "preact";
import { t } from "../shared/i18n";

function Workspace() {
  return <main id="main">{t("Inbox")}</main>;
}

const root = document.getElementById("app");
if (root) render(<Workspace />, root);
