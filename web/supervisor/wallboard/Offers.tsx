/** Work offered to the supervisor while they watch the board (they are available like any agent): accept it
 *  (to the workspace) or decline it here, before the offer passes and the hub sets them away. */
import { signal } from "@preact/signals";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { on } from "../live";
import type { TicketRow } from "./types";

interface Offer {
  ticket: TicketRow;
  error?: string;
}

const offers = signal<Offer[]>([]);

export function startOffers(): void {
  on("offer", (o) => {
    const offer = o as unknown as Offer;
    if (!offers.value.some((x) => x.ticket.id === offer.ticket.id)) offers.value = [...offers.value, offer];
  });
  // Taken back, expired or given to someone else: the offer is no longer theirs to answer.
  on("ticket", (e) => {
    const tk = e.ticket as TicketRow | undefined;
    if (tk && offers.value.some((o) => o.ticket.id === tk.id && o.ticket.assignee_id !== tk.assignee_id))
      offers.value = offers.value.filter((o) => o.ticket.id !== tk.id);
  });
}

async function answer(id: number, accept: boolean): Promise<void> {
  try {
    await api("POST", `/api/v1/tickets/${id}/offer`, { accept });
    offers.value = offers.value.filter((o) => o.ticket.id !== id);
    if (accept) window.location.assign(`/console/tickets/${id}`);
  } catch (err) {
    offers.value = offers.value.map((o) => (o.ticket.id === id ? { ...o, error: (err as Error).message } : o));
  }
}

export function Offers() {
  if (offers.value.length === 0) return null;
  return (
    <ul class="offers" aria-label={t("New conversation offered")}>
      {offers.value.map(({ ticket, error }) => (
        <li key={ticket.id} class="offer" data-ticket={ticket.id} role="alert">
          <span>
            <strong>{t("New conversation offered")}</strong> #{ticket.id} {ticket.subject}
          </span>
          <button type="button" class="button" onClick={() => void answer(ticket.id, true)}>{t("Accept")}</button>
          <button type="button" class="button secondary" onClick={() => void answer(ticket.id, false)}>{t("Decline")}</button>
          {error && <span class="error">{error}</span>}
        </li>
      ))}
    </ul>
  );
}
