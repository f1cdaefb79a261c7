/** The workspace's address: /console (the list) or /console/tickets/{id} (a conversation), kept in history. */
import { openTicket } from "./conversation";

function fromPath(path: string): number | null {
  const m = /^\/console\/tickets\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : null;
}

export function navigate(id: number | null): void {
  const path = id === null ? "/console" : `/console/tickets/${id}`;
  if (window.location.pathname !== path) window.history.pushState({ id }, "", path);
  openTicket(id);
}

export function startRouter(): void {
  window.addEventListener("popstate", () => openTicket(fromPath(window.location.pathname)));
  openTicket(fromPath(window.location.pathname));
}
