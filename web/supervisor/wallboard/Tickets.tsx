/** The work itself: tickets waiting for an agent (priority and assignee changed in place) and live
 *  conversations (reassigned, or opened to coach or take over). */
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { duration } from "../format";
import { channelName, valueName } from "../labels";
import { reprioritise } from "./actions";
import { ReassignMenu } from "./ReassignMenu";
import { board, now } from "./store";
import type { TicketRow } from "./types";

const PRIORITIES = ["urgent", "high", "normal", "low"];

function Customer({ tk }: { tk: TicketRow }) {
  return (
    <>
      <span class="cust-name">{tk.customer_name}</span>{" "}
      <span class={`tier tier-${tk.customer_tier}`}>{valueName(tk.customer_tier)}</span>
    </>
  );
}

function Waited({ tk }: { tk: TicketRow }) {
  const s = (now.value - Date.parse(tk.created_at)) / 1000;
  return <span class={tk.sla_breached ? "figure figure-bad" : ""}>{duration(s)}</span>;
}

export function WaitingTickets() {
  const rows = board.value?.waiting ?? [];
  return (
    <section class="card" aria-labelledby="w-title">
      <h2 id="w-title">{t("Waiting tickets")}</h2>
      {rows.length === 0 ? (
        <p class="muted">{t("Nobody is waiting.")}</p>
      ) : (
        <div class="table-wrap with-menus">
          <table class="grid cards-on-phone" id="waiting">
            <thead>
              <tr>
                <th scope="col">{t("Ticket")}</th>
                <th scope="col">{t("Customer")}</th>
                <th scope="col">{t("Queue")}</th>
                <th scope="col">{t("Waiting for")}</th>
                <th scope="col">{t("Priority")}</th>
                <th scope="col"><span class="visually-hidden">{t("Assign to")}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((tk) => (
                <tr key={tk.id} data-ticket={tk.id}>
                  <th scope="row">
                    <a href={`/console/tickets/${tk.id}`}>#{tk.id}</a> <span class="subject">{tk.subject}</span>
                  </th>
                  <td data-label={t("Customer")}><Customer tk={tk} /></td>
                  <td data-label={t("Queue")}>{boot.queues[tk.queue] ?? tk.queue} · {channelName(tk.channel)}</td>
                  <td data-label={t("Waiting for")}><Waited tk={tk} /></td>
                  <td data-label={t("Priority")}>
                    <select class={`priority priority-${tk.priority}`} value={tk.priority}
                      aria-label={`${t("Priority")} #${tk.id}`}
                      onChange={(e) => void reprioritise(tk, e.currentTarget.value)}>
                      {PRIORITIES.map((p) => <option key={p} value={p}>{valueName(p)}</option>)}
                    </select>
                  </td>
                  <td><ReassignMenu ticket={tk} label={t("Assign to")} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function LiveConversations() {
  const rows = board.value?.live_conversations ?? [];
  const names = new Map(boot.agents.map((a) => [a.id, a.name]));
  return (
    <section class="card" aria-labelledby="l-title">
      <h2 id="l-title">{t("Live conversations")}</h2>
      {rows.length === 0 ? (
        <p class="muted">{t("No live conversation.")}</p>
      ) : (
        <div class="table-wrap with-menus">
          <table class="grid cards-on-phone" id="live-conversations">
            <thead>
              <tr>
                <th scope="col">{t("Ticket")}</th>
                <th scope="col">{t("Customer")}</th>
                <th scope="col">{t("Channel")}</th>
                <th scope="col">{t("Agent")}</th>
                <th scope="col"><span class="visually-hidden">{t("Actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((tk) => (
                <tr key={tk.id} data-ticket={tk.id}>
                  <th scope="row">
                    <a href={`/console/tickets/${tk.id}`}>#{tk.id}</a> <span class="subject">{tk.subject}</span>
                  </th>
                  <td data-label={t("Customer")}><Customer tk={tk} /></td>
                  <td data-label={t("Channel")}>{channelName(tk.channel)}</td>
                  <td data-label={t("Agent")}>{(tk.assignee_id !== null && names.get(tk.assignee_id)) || "—"}</td>
                  <td class="row-actions">
                    <ReassignMenu ticket={tk} label={t("Reassign")} />
                    <a class="button secondary" href={`/console/tickets/${tk.id}`}>{t("Coach or take over")}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
