/** The workspace's address, kept in history: /console (the list), /console/tickets/{id} (a conversation),
 * /console/customers (the customers list) and /console/customers/{id} (a profile). */
import { openTicket } from "./conversation";
import { loadCustomers, openProfile, page, roster } from "./customers";

function fromPath(path: string): number | null {
  const m = /^\/console\/tickets\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** The navigation's links say which section shows. */
function markNav(path: string): void {
  const section = path.startsWith("/console/customers") ? "/console/customers" : "/console";
  for (const a of document.querySelectorAll<HTMLAnchorElement>(".ws-nav a")) {
    if (a.getAttribute("href") === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function show(path: string): void {
  markNav(path);
  const customer = /^\/console\/customers\/(\d+)$/.exec(path);
  if (customer || path === "/console/customers") {
    openTicket(null); // the conversation's watch ends while the agent looks at customers
    if (customer) {
      page.value = { kind: "customer", id: Number(customer[1]) };
      void openProfile(Number(customer[1]));
    } else {
      const first = page.value.kind !== "customers" && roster.value.list.length === 0;
      page.value = { kind: "customers" };
      if (first) void loadCustomers();
    }
    return;
  }
  page.value = { kind: "work" };
  openTicket(fromPath(path));
}

export function navigate(id: number | null): void {
  go(id === null ? "/console" : `/console/tickets/${id}`);
}

/** Show a workspace address (a ticket, the list, customers, a profile) without a page load. */
export function go(path: string): void {
  if (window.location.pathname !== path) window.history.pushState({}, "", path);
  show(path);
}

/** A plain click on an in-app link goes there in place; new tabs and windows keep the browser's way. */
export function follow(e: MouseEvent, path: string): void {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  go(path);
}

export function startRouter(): void {
  window.addEventListener("popstate", () => show(window.location.pathname));
  // The top bar's Inbox and Customers links switch in place (the socket and the store stay).
  document.querySelector(".ws-nav")?.addEventListener("click", (e) => {
    const href = (e.target as HTMLElement).closest("a")?.getAttribute("href") ?? "";
    if (href === "/console" || href === "/console/customers") follow(e as MouseEvent, href);
  });
  show(window.location.pathname);
}
