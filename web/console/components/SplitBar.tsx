/** Splitting in place: a checkbox on each message while the agent picks, a bar with the count, the new ticket's
 * subject and the button; after the split, the new ticket says where its messages came from. */
import { Scissors, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { openId, state } from "../conversation";
import { navigate } from "../router";
import { picked, splitDone, splitOff, splitting, startSplit, togglePick } from "../split";
import { errorText } from "../errors";

/** The checkbox on one message while picking (nothing otherwise). */
export function SplitPick({ id, label }: { id: number; label: string }) {
  if (!splitting.value) return null;
  return (
    <label class="split-pick">
      <input type="checkbox" checked={picked.value.has(id)} onChange={() => togglePick(id)} />
      <span class="visually-hidden">{t("Move to the new ticket: %(what)s", { what: label })}</span>
    </label>
  );
}

export function SplitBar() {
  const [subject, setSubject] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const done = splitDone.value;
  if (done && done.to === openId.value && !splitting.value) {
    return (
      <p id="split-done" class="split-done" role="status">
        {t("This new ticket holds %(count)s message(s) split off from ticket #%(ticket)s.", { count: done.count, ticket: done.from })}{" "}
        <button type="button" class="link" onClick={() => navigate(done.from)}>
          {t("Back to #%(ticket)s", { ticket: done.from })}
        </button>
      </p>
    );
  }
  if (!splitting.value) return null;
  const total = state.value?.interactions.length ?? 0;
  const n = picked.value.size;
  const all = n > 0 && n >= total;
  return (
    <form
      id="split-bar"
      class="split-bar"
      aria-label={t("Split into a new ticket")}
      onSubmit={(e) => {
        e.preventDefault();
        setError("");
        setBusy(true);
        splitOff(subject)
          .then(() => setSubject(""))
          .catch((err: unknown) => setError(errorText(err)))
          .finally(() => setBusy(false));
      }}
    >
      <span class="split-count" aria-live="polite">
        {all ? t("At least one message stays on this ticket.") : n ? t("%(count)s message(s) picked", { count: n }) : t("Tick the messages that belong to a new ticket.")}
      </span>
      <label class="split-subject">
        <span>{t("Subject of the new ticket")}</span>
        <input value={subject} maxLength={300} placeholder={t("(the first message's first line)")} onInput={(e) => setSubject(e.currentTarget.value)} />
      </label>
      <button type="submit" id="split-go" disabled={!n || all || busy}>
        <Scissors size={14} aria-hidden="true" /> {t("Split into a new ticket")}
      </button>
      <button type="button" class="secondary" onClick={() => startSplit(false)}>
        <X size={14} aria-hidden="true" /> {t("Cancel")}
      </button>
      <span class="error" role="alert">
        {error}
      </span>
    </form>
  );
}
