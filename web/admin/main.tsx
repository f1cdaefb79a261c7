/** The admin pages: mounted on the shell page's #app; one page at a time, chosen by the address. */
import "./admin.css";
import { render } from "preact";
import { startTopbarSearch } from "../shared/topbar_search";
import { Shell } from "./Shell";

startTopbarSearch();
const root = document.getElementById("app");
if (root) render(<Shell />, root);

// The language picker applies at once (the form posts to the server, which keeps it on the account).
const pick = document.getElementById("locale-pick") as HTMLSelectElement | null;
pick?.addEventListener("change", () => pick.form?.submit());

// On a phone the sections scroll sideways: keep "Admin" in view.
document.querySelector(".adm-nav [aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
