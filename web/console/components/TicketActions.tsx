/** Ticket actions in place: status, priority, queue, assignee (take, take over), snooze with a reminder, tags,
 * merge into another ticket and links. */
import { AlarmClock, Merge, Scissors, Tag } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { boot } from "../boot";
import { change, state } from "../conversation";
import { splitting, startSplit } from "../split";
import { MergeForm } from "./MergeForm";
import { SnoozeAt } from "./SnoozeAt";
import { errorText } from "../errors";

const STATUSES = ["open", "pending", "solved", "closed"];
const PRIORITIES = ["urgent", "high", "normal", "low"];
const SNOOZE_HOURS = [1, 4, 24];

function inHours(h: number): string {
  return new Date(Date.now() + h * 3600 * 1000).toISOString();
}

export function TicketActions() {
  const s = state.value;
  const [error, setError] = useState("");
  const [panel, setPanel] = useState<"" | "snooze" | "tags" | "merge">("");
  // A refusal belongs to the action tried: it goes when a panel opens or closes, or another ticket shows.
  useEffect(() => setError(""), [panel, s?.ticket.id]);
  if (!s) return null;
  const tk = s.ticket;
  const me = boot.me.agent_id;
  const supervisor = boot.me.supervisor;
  const run = (p: Promise<unknown>) => {
    setError("");
    p.then(() => setPanel("")).catch((err: unknown) => setError(errorText(err)));
  };
  const form = (e: Event) => e.currentTarget as HTMLFormElement;
  return (
    <div class="ticket-actions" aria-label={t("Ticket actions")} role="group">
      <div class="status-actions" id="status-actions" role="group" aria-label={t("Set status:")}>
        {STATUSES.map((st) => (
          <button
            key={st}
            type="button"
            class={`seg${tk.status === st ? " on" : ""}`}
            data-status={st}
            aria-pressed={tk.status === st}
            onClick={() => run(change({ status: st }))}
          >
            {t(st)}
          </button>
        ))}
      </div>
      {/* Only supervisors change priority (the API refuses agents): agents read it in the ticket's header. */}
      {supervisor && (
        <label class="inline">
          <span class="visually-hidden">{t("Priority")}</span>
          <select id="move-priority" value={tk.priority} onChange={(e) => run(change({ priority: e.currentTarget.value }))}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(p)}
              </option>
            ))}
          </select>
        </label>
      )}
      {supervisor && s.queues.length > 0 && (
        <label class="inline">
          <span class="visually-hidden">{t("Queue")}</span>
          <select id="move-queue" value={tk.queue} onChange={(e) => run(change({ queue: e.currentTarget.value }))}>
            {s.queues.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
      )}
      {supervisor && (
        <label class="inline">
          <span class="visually-hidden">{t("Assign to")}</span>
          <select
            id="move-assignee"
            value={tk.assignee_id ? String(tk.assignee_id) : ""}
            onChange={(e) => run(change({ assignee_id: e.currentTarget.value ? Number(e.currentTarget.value) : null }))}
          >
            <option value="">{t("Unassigned")}</option>
            {Object.entries(s.agents).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      {!tk.assignee_id && (
        <button type="button" class="secondary" id="take" onClick={() => run(change({ assignee_id: me }))}>
          {t("Take it")}
        </button>
      )}
      {supervisor && tk.assignee_id && tk.assignee_id !== me && tk.channel !== "voice.twilio" && (
        <button type="button" class="secondary" id="takeover" onClick={() => run(change({ assignee_id: me }))}>
          {t("Take over")}
        </button>
      )}
      <button type="button" class="secondary" aria-expanded={panel === "snooze"} onClick={() => setPanel(panel === "snooze" ? "" : "snooze")}>
        <AlarmClock size={14} aria-hidden="true" /> {t("Snooze")}
      </button>
      <button type="button" class="secondary" aria-expanded={panel === "tags"} onClick={() => setPanel(panel === "tags" ? "" : "tags")}>
        <Tag size={14} aria-hidden="true" /> {t("Tags")}
      </button>
      <button type="button" class="secondary" aria-expanded={panel === "merge"} onClick={() => setPanel(panel === "merge" ? "" : "merge")}>
        <Merge size={14} aria-hidden="true" /> {t("Merge or link")}
      </button>
      <button type="button" class="secondary" id="split-start" aria-pressed={splitting.value} onClick={() => startSplit(!splitting.value)}>
        <Scissors size={14} aria-hidden="true" /> {t("Split off messages")}
      </button>
      <a class="secondary-link" href={`/console/directory?ticket=${tk.id}`}>
        {t("Consult or transfer…")}
      </a>
      {panel === "snooze" && (
        <div class="action-panel" id="snooze-panel">
          <span>{t("Wait for the customer, and remind me in:")}</span>
          {SNOOZE_HOURS.map((h) => (
            <button key={h} type="button" class="secondary" onClick={() => run(change({ status: "pending", remind_at: inHours(h) }))}>
              {t("%(h)s h", { h })}
            </button>
          ))}
          <SnoozeAt onPick={(at) => run(change({ status: "pending", remind_at: at }))} />
        </div>
      )}
      {panel === "tags" && (
        <form
          class="action-panel"
          onSubmit={(e) => {
            e.preventDefault();
            const tags = String(new FormData(form(e)).get("tags") ?? "").split(",").map((x) => x.trim()).filter(Boolean);
            run(change({ tags }));
          }}
        >
          <label>
            {t("Tags, separated by commas")} <input name="tags" defaultValue={tk.tags.join(", ")} />
          </label>
          <button type="submit">{t("Save")}</button>
        </form>
      )}
      {panel === "merge" && <MergeForm ticket={tk} run={run} />}
      {tk.tags.length > 0 && (
        <span class="tags">
          {tk.tags.map((tag) => (
            <span class="tag" key={tag}>
              {tag}
            </span>
          ))}
        </span>
      )}
      <span id="action-error" class="error" role="alert">
        {error}
      </span>
    </div>
  );
}
