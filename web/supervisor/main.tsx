/** The supervisor pages (wallboard, reports): mounted on the shell page's #app, the page named by the shell. */
import "./supervisor.css";
import { render } from "preact";
import { startTopbarSearch } from "../shared/topbar_search";
import { boot } from "./boot";
import { Reports } from "./reports/Reports";
import { startMyStatus } from "./wallboard/MyStatus";
import { startOffers } from "./wallboard/Offers";
import { startWallboard } from "./wallboard/store";
import { Wallboard } from "./wallboard/Wallboard";

startTopbarSearch();
const root = document.getElementById("app");
if (root) {
  if (boot.page === "wallboard") {
    startMyStatus();
    startOffers();
    startWallboard();
    render(<Wallboard />, root);
  } else {
    render(<Reports />, root);
  }
}

// The language picker applies at once (the form posts to the server, which keeps it on the account).
const pick = document.getElementById("locale-pick") as HTMLSelectElement | null;
pick?.addEventListener("change", () => pick.form?.submit());
document.querySelector(".sup-nav [aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
