/** The knowledge pages and the yellow pages: the article list, the editor, the directory; which one the shell
 * page's boot data names. */
import "./knowledge.css";
import { render } from "preact";
import { startTopbarSearch } from "../shared/topbar_search";
import { ArticleList } from "./ArticleList";
import { boot } from "./boot";
import { Directory } from "./Directory";
import { Editor } from "./Editor";

const PAGES = { list: ArticleList, editor: Editor, directory: Directory };

function App() {
  const Page = PAGES[boot.page] ?? ArticleList;
  return (
    <main id="main" class="kb-main" tabIndex={-1} aria-labelledby="page-title">
      <Page />
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);

// The language picker applies at once (the form posts to the server, which keeps it on the account).
const pick = document.getElementById("locale-pick") as HTMLSelectElement | null;
pick?.addEventListener("change", () => pick.form?.submit());

// "/" jumps to the page's search box (the article list's, else the top bar's), as in the workspace.
startTopbarSearch();

// On a phone the sections scroll sideways: keep the current one in view.
document.querySelector(".kb-nav [aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
