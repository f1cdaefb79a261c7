/** The context panel: the customer, why the ticket went where it did, knowledge suggestions, probable
 * duplicates, their other tickets and their history across channels. */
import { ArrowLeft } from "lucide-preact";
import { useEffect } from "preact/hooks";
import { t } from "../../shared/i18n";
import { loadPastTickets, pastTickets } from "../context";
import { state } from "../conversation";
import { channelName, historyName } from "../labels";
import { say } from "../phrases";
import { navigate } from "../router";
import { agents } from "../store";
import { localTime } from "../time";
import { CustomerCard } from "./CustomerCard";
import { Duplicates } from "./Duplicates";
import { LinkedTickets } from "./LinkedTickets";
import { Suggestions } from "./Suggestions";

function Routing() {
  const tk = state.value?.ticket;
  if (!tk) return null;
  const reasons = tk.assignment?.reasons ?? [];
  const names = { ...agents.value, ...(state.value?.agents ?? {}) };
  const who = tk.assignee_id
    ? t("Assigned to %(name)s", { name: names[tk.assignee_id] ?? `#${tk.assignee_id}` })
    : reasons.length
      ? t("Waiting in queue")
      : "";
  return (
    <section class="panel routing" aria-labelledby="routing-title">
      <h2 id="routing-title">{t("Routing")}</h2>
      <div id="assignment" class="assignment">
        {who && <strong>{who}</strong>}
        <ul>
          {reasons.map((why, i) => (
            <li key={i}>{say(why, state.value?.phrases, names)}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function PastTickets({ customer, current }: { customer: number; current: number }) {
  useEffect(() => void loadPastTickets(customer), [customer]);
  const list = (pastTickets.value?.customer === customer ? pastTickets.value.list : []).filter((x) => x.id !== current);
  if (!list.length) return null;
  return (
    <section class="panel past" aria-labelledby="past-title">
      <h2 id="past-title">{t("Other tickets")}</h2>
      <ul class="past-tickets">
        {list.map((x) => (
          <li key={x.id}>
            <a
              href={`/console/tickets/${x.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(x.id);
              }}
            >
              #{x.id} {x.subject}
            </a>{" "}
            <span class="muted">
              {t(x.status)} · {localTime(x.last_message_at)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ContextPanel({ onClose }: { onClose: () => void }) {
  const s = state.value;
  if (!s) return <aside class="ws-context" aria-label={t("Customer details")} />;
  const names = { ...agents.value, ...s.agents };
  return (
    <aside class="ws-context" aria-label={t("Customer details")}>
      <button type="button" class="secondary context-close" onClick={onClose}>
        <ArrowLeft size={14} aria-hidden="true" /> {t("Back to the conversation")}
      </button>
      <CustomerCard customer={s.customer} surveys={s.surveys} phrases={s.phrases} />
      <Suggestions />
      <Routing />
      <LinkedTickets ticket={s.ticket.id} />
      <PastTickets customer={s.customer.id} current={s.ticket.id} />
      <Duplicates customer={s.customer.id} />
      <section class="panel" aria-labelledby="history-title">
        <h2 id="history-title">{t("History")}</h2>
        <ol class="history">
          {s.history.map((h) => (
            <li key={h.id} class={`h-${h.kind.replace(".", "-")}`}>
              <time dateTime={h.occurred_at}>{localTime(h.occurred_at)}</time> {historyName(h.kind)}
              {h.channel ? ` · ${channelName(h.channel)}` : ""}{" "}
              {h.ticket_id && <a href={`/console/tickets/${h.ticket_id}`}>#{h.ticket_id}</a>}
              <span class="summary">{say(h.summary, s.phrases, names)}</span>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
