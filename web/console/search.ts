/** Search results in the store: tickets (their words) and customers (names, e-mails, phones). */
import { signal } from "@preact/signals";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import type { CustomerHit, Ticket } from "./types";

export const results = signal<{ q: string; loading: boolean; tickets: Ticket[]; customers: CustomerHit[]; label: string }>({
  q: "",
  loading: false,
  tickets: [],
  customers: [],
  label: "",
});

export async function runSearch(q: string): Promise<void> {
  const words = q.trim();
  results.value = { q: words, loading: !!words, tickets: [], customers: [], label: "" };
  if (!words) return;
  const query = encodeURIComponent(words);
  const [found, people] = await Promise.all([
    api<{ tickets: Ticket[] }>("GET", `/api/v1/tickets?q=${query}&limit=8`).catch(() => ({ tickets: [] })),
    api<{ customers: CustomerHit[] }>("GET", `/api/v1/customers?q=${query}&limit=5`).catch(() => ({ customers: [] })),
  ]);
  if (results.value.q === words) results.value = { q: words, loading: false, tickets: found.tickets, customers: people.customers, label: "" };
}

/** A customer's tickets, newest first, in place of the results. */
export async function ticketsOf(customerId: number, name: string): Promise<void> {
  const q = results.value.q;
  const found = await api<{ tickets: Ticket[] }>("GET", `/api/v1/tickets?customer_id=${customerId}&limit=20`);
  results.value = { q, loading: false, tickets: found.tickets, customers: [], label: t("Tickets of %(name)s", { name }) };
}
