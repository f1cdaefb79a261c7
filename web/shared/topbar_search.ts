/** The top bar's search on the supervisor, knowledge and admin pages: `/` focuses it (unless the page has a search
 * of its own, or the user is typing); it opens the workspace with the words, which shows the results there. */
// Its look (topbar_search.css) is @imported by each page's stylesheet, so it lands in the page's one CSS file.

export function startTopbarSearch(): void {
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (target?.closest("input, textarea, select, [contenteditable]")) return;
    const box = document.querySelector<HTMLInputElement>("main input[type=search]") ?? document.querySelector<HTMLInputElement>("#search-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
  });
}
