/** One conversation in the list: who, what, when, and what makes it urgent (SLA, priority, tier). */
import { AlarmClock, CornerUpLeft } from "lucide-preact";
import { t } from "../../shared/i18n";
import { Avatar, ChannelIcon, TierBadge, channelName } from "../labels";
import { due } from "../order";
import { navigate } from "../router";
import { agents, unread } from "../store";
import { countdown, localTime, shortTime } from "../time";
import type { Ticket } from "../types";

const SLA_RISK_MS = 10 * 60 * 1000;

function SlaBadge({ ticket, now }: { ticket: Ticket; now: number }) {
  const at = due(ticket);
  // Waiting on the customer, or done: no answer is due from us.
  if (!Number.isFinite(at) || ["pending", "solved", "closed"].includes(ticket.status)) return null;
  const left = at - now;
  const level = left < 0 ? "breached" : left < SLA_RISK_MS ? "at-risk" : "ok";
  return (
    <span class={`sla sla-${level} due`} title={t("First response due")}>
      <AlarmClock size={12} aria-hidden="true" /> {countdown(left)}
    </span>
  );
}

export function ConversationItem({ ticket, now, selected }: { ticket: Ticket; now: number; selected: boolean }) {
  const fresh = unread(ticket) && ticket.status !== "solved" && ticket.status !== "closed"; // done work waits on nobody
  const assignee = ticket.assignee_id ? (agents.value[ticket.assignee_id] ?? `#${ticket.assignee_id}`) : null;
  return (
    <li data-id={ticket.id} class={`conv${selected ? " selected" : ""}${fresh ? " unread" : ""} conv-${ticket.priority}`}>
      <a
        href={`/console/tickets/${ticket.id}`}
        aria-current={selected ? "page" : undefined}
        onClick={(e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey) return;
          e.preventDefault();
          navigate(ticket.id);
        }}
      >
        <Avatar name={ticket.customer_name} />
        <span class="conv-body">
          <span class="conv-top">
            <span class="conv-name">{ticket.customer_name}</span>
            {fresh && <span class="unread-dot" title={t("Unread")}><span class="visually-hidden">{t("Unread")}</span></span>}
            <time class="conv-time" dateTime={ticket.last_message_at ?? ""} title={localTime(ticket.last_message_at)}>
              {shortTime(ticket.last_message_at, now)}
            </time>
          </span>
          <span class="conv-subject subject">
            #{ticket.id} {ticket.subject}
          </span>
          {ticket.preview && (
            <span class="conv-preview" data-by={ticket.preview.by}>
              {ticket.preview.by === "agent" && (
                <span class="conv-preview-by" title={t("Our reply")}>
                  <CornerUpLeft size={12} aria-hidden="true" />
                  <span class="visually-hidden">{t("Our reply")}: </span>
                </span>
              )}
              {ticket.preview.text}
            </span>
          )}
          <span class="conv-meta">
            <span class="chan" title={channelName(ticket.channel)}>
              <ChannelIcon channel={ticket.channel} />
              <span class="visually-hidden">{channelName(ticket.channel)}</span>
            </span>
            <TierBadge tier={ticket.customer_tier} />
            {ticket.priority !== "normal" && <span class={`prio prio-${ticket.priority}`}>{t(ticket.priority)}</span>}
            <span class="status" data-status={ticket.status}>
              {t(ticket.status)}
              {ticket.status === "pending" && ticket.remind_at && (
                <>
                  {" "}
                  <AlarmClock size={12} aria-hidden="true" />{" "}
                  <time class="remind-at" dateTime={ticket.remind_at}>
                    {localTime(ticket.remind_at)}
                  </time>
                </>
              )}
            </span>
            <SlaBadge ticket={ticket} now={now} />
            {assignee && <span class="assignee muted">{assignee}</span>}
          </span>
        </span>
      </a>
    </li>
  );
}
