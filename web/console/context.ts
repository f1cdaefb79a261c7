/** The context panel's data in the store: probable duplicates of the customer, their other tickets, and the
 * tickets linked to the open one. */
import { signal } from "@preact/signals";
import { api } from "../shared/api";
import type { Duplicate, Ticket } from "./types";

export interface Link {
  ticket_id: number;
  kind: "related" | "parent" | "child";
  subject: string;
  status: string;
}

export const duplicates = signal<{ customer: number; list: Duplicate[]; threshold: number; failed: boolean } | null>(null);
export const pastTickets = signal<{ customer: number; list: Ticket[] } | null>(null);
export const linked = signal<{ ticket: number; list: Link[] } | null>(null);

export async function loadDuplicates(customer: number, lookAlikes: boolean): Promise<void> {
  try {
    const body = await api<{ duplicates: Duplicate[]; threshold: number }>(
      "GET",
      `/api/v1/customers/${customer}/duplicates${lookAlikes ? "?min_score=1" : ""}`,
    );
    duplicates.value = { customer, list: body.duplicates ?? [], threshold: body.threshold, failed: false };
  } catch {
    duplicates.value = { customer, list: [], threshold: 100, failed: true };
  }
}

export async function loadPastTickets(customer: number): Promise<void> {
  const body = await api<{ tickets: Ticket[] }>("GET", `/api/v1/tickets?customer_id=${customer}&limit=10`);
  pastTickets.value = { customer, list: body.tickets };
}

export function mergeCustomer(customer: number, into: number): Promise<unknown> {
  return api("POST", `/api/v1/customers/${customer}/merge`, { into });
}

export async function loadLinks(ticket: number): Promise<void> {
  const body = await api<{ links: Link[] }>("GET", `/api/v1/tickets/${ticket}/links`);
  linked.value = { ticket, list: body.links };
}

/** Merge a ticket into another of the same customer's: its messages move there and it closes. */
export function mergeTicket(ticket: number, into: number): Promise<unknown> {
  return api("POST", `/api/v1/tickets/${ticket}/merge`, { into });
}

/** Link or unlink two tickets; the panel shows the links the hub answers with. */
export async function linkTickets(ticket: number, other: number): Promise<void> {
  const body = await api<{ links: Link[] }>("POST", `/api/v1/tickets/${ticket}/links`, { ticket_id: other });
  linked.value = { ticket, list: body.links };
}

export async function unlinkTickets(ticket: number, other: number): Promise<void> {
  const body = await api<{ links: Link[] }>("DELETE", `/api/v1/tickets/${ticket}/links/${other}`);
  linked.value = { ticket, list: body.links };
}
