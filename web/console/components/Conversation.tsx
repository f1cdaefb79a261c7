/** The open conversation: its header and actions, the messages, who else is here, and the composer. */
import { ArrowLeft, PanelRight } from "lucide-preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { customerTyping, loadError, openId, state, viewers } from "../conversation";
import { loadDraft } from "../draft";
import { ChannelIcon, TierBadge, channelName } from "../labels";
import { navigate } from "../router";
import { Composer } from "./Composer";
import { MessageBubble } from "./MessageBubble";
import { SplitBar } from "./SplitBar";
import { TicketActions } from "./TicketActions";

export function Conversation({ onDetails }: { onDetails: () => void }) {
  const s = state.value;
  const list = useRef<HTMLOListElement>(null);
  const count = s?.interactions.length ?? 0;
  useEffect(() => loadDraft(openId.value), [openId.value]);
  useEffect(() => {
    const last = list.current?.lastElementChild;
    if (last) last.scrollIntoView({ block: "end" });
  }, [count, s?.ticket.id]);
  if (openId.value === null) {
    return (
      <section class="ws-conversation ws-empty" aria-label={t("Conversation")}>
        <p class="muted">{t("Pick a conversation, or press n for the next one to answer.")}</p>
      </section>
    );
  }
  if (!s) {
    return (
      <section class="ws-conversation" aria-label={t("Conversation")}>
        <p class={loadError.value ? "error" : "muted"}>{loadError.value || t("Loading…")}</p>
      </section>
    );
  }
  const tk = s.ticket;
  const others = viewers.value.filter((v) => v.agent_id !== boot.me.agent_id);
  return (
    <section class="ws-conversation" aria-labelledby="ticket-title">
      <header class="conv-header">
        <button type="button" class="icon-button back" aria-label={t("Back to the list")} onClick={() => navigate(null)}>
          <ArrowLeft size={18} aria-hidden="true" />
        </button>
        <div class="conv-title">
          <h1 id="ticket-title">
            <span class="muted">#{tk.id}</span> <span id="subject">{tk.subject}</span>
          </h1>
          <p class="meta">
            <span id="status" class="status" data-status={tk.status}>
              {t(tk.status)}
            </span>
            <span class={`prio prio-${tk.priority}`}>{t(tk.priority)}</span>
            <span class="chan">
              <ChannelIcon channel={tk.channel} /> {channelName(tk.channel)}
            </span>
            <span>{tk.customer_name}</span>
            <TierBadge tier={tk.customer_tier} />
          </p>
        </div>
        <button type="button" class="icon-button details-toggle" aria-label={t("Customer details")} onClick={onDetails}>
          <PanelRight size={18} aria-hidden="true" />
        </button>
      </header>
      <TicketActions />
      <SplitBar />
      <p id="viewers" class="viewers" aria-live="polite">
        {others.length > 0 && (
          <>
            <span>{t("Also here:")} </span>
            {others.map((v) => (
              <span key={`${v.agent_id}-${v.name}`} class={`viewer${v.typing ? " typing" : ""}`}>
                {v.name}
                {v.typing ? ` (${t("typing…")})` : ""}{" "}
              </span>
            ))}
          </>
        )}
      </p>
      <ol id="messages" class="messages" ref={list} aria-label={t("Conversation")}>
        {s.interactions.map((m) => (
          <MessageBubble key={m.id} m={m} ticket={tk} agents={s.agents} me={boot.me.agent_id} />
        ))}
      </ol>
      {customerTyping.value && (
        <p id="typing" class="typing">
          {t("Customer is typing…")}
        </p>
      )}
      <Composer key={tk.id} />
    </section>
  );
}
