/** A customer's tickets on their profile: open ones first (most urgent first), then the solved and closed,
 * each a page at a time. */
import { formatRelative, t } from "../../shared/i18n";
import { doneTickets, loadTickets, openTickets } from "../customers";
import { ChannelIcon, channelName } from "../labels";
import { follow } from "../router";
import { localTime } from "../time";

function List({ customer, done }: { customer: number; done: boolean }) {
  const list = done ? doneTickets.value : openTickets.value;
  const id = done ? "done-tickets" : "open-tickets";
  return (
    <div class="cust-tickets">
      <h3 id={`${id}-title`}>{done ? t("Solved and closed") : t("Open tickets")}</h3>
      <ul id={id} class="cust-ticket-list" aria-labelledby={`${id}-title`} aria-busy={list.loading} hidden={!list.tickets.length}>
        {list.tickets.map((tk) => (
          <li key={tk.id} data-id={tk.id}>
            <a href={`/console/tickets/${tk.id}`} onClick={(e) => follow(e, `/console/tickets/${tk.id}`)}>
              <span class="chan" title={channelName(tk.channel)}>
                <ChannelIcon channel={tk.channel} />
                <span class="visually-hidden">{channelName(tk.channel)}</span>
              </span>
              <span class="cust-ticket-subject">
                #{tk.id} {tk.subject}
              </span>
            </a>
            <span class="cust-ticket-meta">
              <span class="status" data-status={tk.status}>
                {t(tk.status)}
              </span>
              {tk.priority !== "normal" && <span class={`prio prio-${tk.priority}`}>{t(tk.priority)}</span>}
              <time class="muted" dateTime={tk.last_message_at ?? ""} title={localTime(tk.last_message_at)}>
                {tk.last_message_at ? formatRelative(new Date(tk.last_message_at)) : ""}
              </time>
            </span>
          </li>
        ))}
      </ul>
      {!list.loading && list.tickets.length === 0 && <p class="muted">{done ? t("None solved yet.") : t("Nothing open.")}</p>}
      {list.next && (
        <button type="button" class="secondary more" disabled={list.loading} onClick={() => void loadTickets(customer, done, true)}>
          {t("Show more")}
        </button>
      )}
    </div>
  );
}

export function CustomerTickets({ customer }: { customer: number }) {
  return (
    <section class="panel cust-tickets-panel" aria-labelledby="cust-tickets-title">
      <h2 id="cust-tickets-title">{t("Tickets")}</h2>
      <List customer={customer} done={false} />
      <List customer={customer} done={true} />
    </section>
  );
}
