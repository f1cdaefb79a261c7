/** One message: the customer on the left, us on the right, internal notes tinted, system events as quiet
 * lines; e-mail with its quoted history folded, forwarded mails, the mail as sent, attachments, calls, and
 * the delivery state of what we sent (with "send again" when it failed). Text only: nothing renders as HTML. */
import { Paperclip, RotateCw } from "lucide-preact";
import { useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { retry, state } from "../conversation";
import { Avatar, channelName } from "../labels";
import { say } from "../phrases";
import { localTime } from "../time";
import { SplitPick } from "./SplitBar";
import type { Claim, Interaction, Ticket } from "../types";
import { errorText } from "../errors";

interface Forwarded {
  sender?: string;
  date?: string;
  subject?: string;
  text?: string;
  storage_key?: string;
}
interface Step {
  menu?: string;
  label?: string;
  via?: string;
  input?: string;
}

export function ClaimBadge({ claim }: { claim: Claim }) {
  const text = claim.verified
    ? t("verified by the website as %(who)s", { who: claim.identifier ?? claim.email ?? "" })
    : t("says they are %(who)s, not verified", { who: `${claim.name ?? ""}${claim.email ? ` <${claim.email}>` : ""}`.trim() });
  return (
    <span class="claim" data-verified={claim.verified ? "yes" : "no"}>
      {text}
    </span>
  );
}

function Delivery({ m }: { m: Interaction }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  if (!m.delivery_status) return null;
  const again = m.direction === "outbound" && (m.delivery_status === "retrying" || m.delivery_status === "failed");
  return (
    <>
      <span class="delivery" data-status={m.delivery_status}>
        {t(m.delivery_status)}
      </span>
      {m.delivery_status === "retrying" && m.delivery_next_attempt_at && (
        <span class="next-attempt">{t("next attempt at %(time)s", { time: localTime(m.delivery_next_attempt_at) })}</span>
      )}
      {again && (
        <button
          type="button"
          class="retry link"
          data-retry={m.id}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            retry(m.id)
              .catch((err: unknown) => setError(errorText(err)))
              .finally(() => setBusy(false));
          }}
        >
          <RotateCw size={12} aria-hidden="true" /> {t("Send again now")}
        </button>
      )}
      {error && <span class="error">{error}</span>}
    </>
  );
}

interface Problem {
  key?: unknown;
  params?: Record<string, string | number>;
}

/** Why a reply failed or waits: the cause the hub named, in the agent's language, with the provider's own words (an
 * SMTP or API error, as they came) in a smaller details line; without a named cause, those words introduced. */
function DeliveryProblem({ m }: { m: Interaction }) {
  if (!m.delivery_error) return null;
  const problem = m.meta?.delivery_problem as Problem | undefined;
  if (!problem || typeof problem.key !== "string") {
    return (
      <div class="error delivery-error">
        {t("The channel answered:")} <code lang="en">{m.delivery_error}</code>
      </div>
    );
  }
  return (
    <div class="error delivery-error" data-problem={problem.key}>
      <span class="delivery-cause">{t(problem.key, problem.params ?? {})}</span>
      <small class="delivery-detail">
        {t("Details:")} <code lang="en">{m.delivery_error}</code>
      </small>
    </div>
  );
}

// What the voice channel records (hub/channels/twilio), as words in the agent's language.
const OUTCOMES: Record<string, string> = {
  answered: "Answered",
  abandoned: "Caller hung up",
  voicemail: "Voicemail",
  callback: "Callback requested",
};
const HOW: Record<string, string> = { dtmf: "keypad", speech: "speech", timeout: "no choice", none: "no choice" };

function Call({ meta }: { meta: Record<string, unknown> }) {
  const path = (meta.ivr_path as Step[] | undefined) ?? [];
  const recording = meta.recording as { url?: string; seconds?: number } | undefined;
  return (
    <dl class="call">
      <dt>{t("Menu")}</dt>
      <dd>
        {path.length
          ? path.map((s, i) => (
              <span key={i}>
                {s.menu && <small>{s.menu}: </small>}
                {s.label} <small>({t(HOW[s.via ?? ""] ?? s.via ?? "")}{s.input ? `: ${s.input}` : ""})</small>
                {i < path.length - 1 ? " › " : ""}
              </span>
            ))
          : "—"}
      </dd>
      {meta.outcome ? (
        <>
          <dt>{t("Outcome")}</dt>
          <dd class="outcome" data-outcome={String(meta.outcome)}>
            {t(OUTCOMES[String(meta.outcome)] ?? String(meta.outcome))}
          </dd>
        </>
      ) : null}
      {meta.duration_seconds ? (
        <>
          <dt>{t("Duration")}</dt>
          <dd>{t("%(s)s s", { s: String(meta.duration_seconds) })}</dd>
        </>
      ) : null}
      {recording?.url?.startsWith("https://") && (
        <>
          <dt>{t("Voicemail")}</dt>
          <dd>
            <a href={recording.url} rel="noreferrer" target="_blank">
              {t("recording")}
            </a>
          </dd>
        </>
      )}
    </dl>
  );
}

function Mail({ m }: { m: Interaction }) {
  const meta = m.meta ?? {};
  const quoted = typeof meta.quoted === "string" ? meta.quoted : "";
  return (
    <>
      {quoted && (
        <details class="quoted">
          <summary>{t("Show quoted history")}</summary>
          <div class="quoted-text">{quoted}</div>
        </details>
      )}
      {m.html && m.direction === "inbound" && (
        <details class="mail-html" open={!!meta.cid}>
          <summary>{t("Mail as sent")}</summary>
          <iframe sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" src={`/console/messages/${m.id}/mail`} title={t("Mail as sent")} />
        </details>
      )}
      {((meta.forwarded as Forwarded[] | undefined) ?? []).map((f, i) => (
        <blockquote class="forwarded" key={i}>
          <div class="who">
            {t("Forwarded message")}
            {f.storage_key && (
              <>
                {" · "}
                <a href={`/api/v1/attachments/${f.storage_key}`}>{t("original mail (.eml)")}</a>
              </>
            )}
          </div>
          <dl>
            <dt>{t("From")}</dt>
            <dd>{f.sender ?? ""}</dd>
            <dt>{t("Date")}</dt>
            <dd>{f.date ?? ""}</dd>
            <dt>{t("Subject")}</dt>
            <dd>{f.subject ?? ""}</dd>
          </dl>
          <div class="text">{f.text ?? ""}</div>
        </blockquote>
      ))}
    </>
  );
}

export function MessageBubble({ m, ticket, agents, me }: { m: Interaction; ticket: Ticket; agents: Record<string, string>; me: number | null }) {
  const meta = m.meta ?? {};
  if (m.direction === "system") {
    return (
      <li class="msg msg-system" data-id={m.id}>
        <span class="text">{say(m.text, state.value?.phrases, agents)}</span> <time dateTime={m.created_at}>{localTime(m.created_at)}</time>
      </li>
    );
  }
  const coach = m.direction === "note" && !!meta.coach_for;
  const author =
    m.direction === "inbound" ? ticket.customer_name : m.author_agent_id ? (agents[m.author_agent_id] ?? t("agent")) : t("Automatic");
  const mine = m.author_agent_id !== null && m.author_agent_id === me;
  const warnings = [...((meta.warnings as string[] | undefined) ?? []), ...(meta.warning ? [String(meta.warning)] : [])];
  return (
    <li class={`msg msg-${m.direction}${coach ? " msg-coach" : ""}${mine ? " msg-mine" : ""}`} data-id={m.id}>
      <SplitPick id={m.id} label={`${author}: ${m.text.slice(0, 40)}`} />
      {m.direction === "inbound" && <Avatar name={author} size="sm" />}
      <div class="bubble">
        <div class="who">
          <span class="author">{author}</span>{" "}
          {m.direction === "inbound" && meta.claim ? <ClaimBadge claim={meta.claim as Claim} /> : null}
          {m.direction === "note" && <em>{coach ? t("coaching, only you see it") : t("internal note")}</em>}
          {m.channel !== ticket.channel && <span class="via">{t("via %(channel)s", { channel: channelName(m.channel) })}</span>}
          <time dateTime={m.created_at}>{localTime(m.created_at)}</time>
          <Delivery m={m} />
        </div>
        <div class="text">{m.text}</div>
        {meta.automatic ? (
          <div class="automatic">
            {t("Automatic reply from %(sender)s: kept on the ticket, nothing reopened or answered", { sender: String(meta.from ?? "?") })}
          </div>
        ) : null}
        <Mail m={m} />
        {m.attachments?.length > 0 && (
          <div class="attachments">
            {m.attachments
              .filter((a) => a.content_type?.startsWith("image/"))
              .map((a) => (
                <a key={`preview-${a.storage_key}`} class="thumb" href={`/api/v1/attachments/${a.storage_key}`} target="_blank" rel="noreferrer">
                  <img src={`/api/v1/attachments/${a.storage_key}`} alt={a.filename || t("file")} loading="lazy" />
                </a>
              ))}
            {m.attachments.map((a) => (
              <a key={a.storage_key} class="attachment" href={`/api/v1/attachments/${a.storage_key}`} download={a.filename || "file"}>
                <Paperclip size={12} aria-hidden="true" />
                {a.filename || t("file")}
              </a>
            ))}
          </div>
        )}
        {meta.call_sid ? <Call meta={meta} /> : null}
        {warnings.map((w, i) => (
          // What a channel noted while reading the message (a mail header it could not decode, a photo not
          // fetched): its technical words, introduced in the agent's language.
          <div class="warning" key={i}>
            {t("Noted while reading it:")} <span lang="en">{w}</span>
          </div>
        ))}
        <DeliveryProblem m={m} />
      </div>
    </li>
  );
}
