/** The agent workspace: mounted on the shell page's #app (and its tools in the top bar). */
import "../shared/tokens.css";
import "./workspace.css";
import { render } from "preact";
import { CustomerPages } from "./components/CustomerPages";
import { Tools } from "./components/Tools";
import { Workspace } from "./components/Workspace";
import { startConversation } from "./conversation";
import { startKeys } from "./keys";
import { connect } from "./live";
import { startNotices } from "./notices";
import { startReceipts } from "./receipts";
import { startRouter } from "./router";
import { debug, startInbox } from "./store";

declare global {
  interface Window {
    hubLive: { connect: typeof connect };
    hubInbox: typeof debug;
  }
}

// For tests and debugging, as the earlier console pages offered: the socket and the store's state.
window.hubLive = { connect };
window.hubInbox = debug;

startNotices();
startConversation();
startReceipts();
startInbox();
startRouter();
startKeys();

const tools = document.getElementById("tools");
if (tools) render(<Tools />, tools);
const root = document.getElementById("app");
if (root)
  render(
    <>
      <Workspace />
      <CustomerPages />
    </>,
    root,
  );

// The language picker applies at once (the form posts to the server, which keeps it on the account).
const pick = document.getElementById("locale-pick") as HTMLSelectElement | null;
pick?.addEventListener("change", () => pick.form?.submit());
