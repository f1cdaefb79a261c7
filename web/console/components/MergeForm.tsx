/** Merge the open ticket into another of the customer's, or link the two: the other's number typed, or picked
 * from the customer's open tickets; a merge is asked again (it closes this ticket), then shows where it went. */
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { linkTickets, loadPastTickets, mergeTicket, pastTickets } from "../context";
import { navigate } from "../router";
import type { Ticket } from "../types";

interface Props {
  ticket: Ticket;
  /** The parent's way of running an action: it shows a refusal and closes the panel on success. */
  run: (p: Promise<unknown>) => void;
}

export function MergeForm({ ticket, run }: Props) {
  const [other, setOther] = useState("");
  const [how, setHow] = useState("merge");
  const [asked, setAsked] = useState<number | null>(null);
  const customer = ticket.customer_id;
  useEffect(() => {
    // The context panel loads them too, but a phone shows that panel only on request.
    if (pastTickets.value?.customer !== customer) loadPastTickets(customer).catch(() => undefined);
  }, [customer]);
  const known = pastTickets.value?.customer === customer ? pastTickets.value.list : [];
  const candidates = known.filter((x) => x.id !== ticket.id && x.status !== "closed");

  if (asked !== null) {
    return (
      <div class="action-panel" id="merge-confirm" role="group" aria-labelledby="merge-question">
        <p id="merge-question">
          {t("Merge #%(from)s into #%(into)s? Its messages move there and #%(from)s is closed.", { from: ticket.id, into: asked })}
        </p>
        <button type="button" id="merge-yes" onClick={() => run(mergeTicket(ticket.id, asked).then(() => navigate(asked)))}>
          {t("Merge")}
        </button>
        <button type="button" class="secondary" onClick={() => setAsked(null)}>
          {t("Cancel")}
        </button>
      </div>
    );
  }
  return (
    <form
      class="action-panel"
      id="merge-panel"
      onSubmit={(e) => {
        e.preventDefault();
        const into = Number(other);
        if (how === "merge") setAsked(into);
        else run(linkTickets(ticket.id, into));
      }}
    >
      <label>
        {t("Other ticket number")}{" "}
        <input name="other" type="number" min="1" required value={other} onInput={(e) => setOther(e.currentTarget.value)} />
      </label>
      <label class="inline">
        <select name="how" aria-label={t("Merge or link")} value={how} onChange={(e) => setHow(e.currentTarget.value)}>
          <option value="merge">{t("Merge this ticket into it")}</option>
          <option value="link">{t("Link the two tickets")}</option>
        </select>
      </label>
      <button type="submit">{t("Apply")}</button>
      {candidates.length > 0 && (
        <div class="merge-candidates" role="group" aria-labelledby="merge-candidates-title">
          <span id="merge-candidates-title" class="muted">
            {t("Or pick one of the customer's open tickets:")}
          </span>
          {candidates.map((c) => (
            <button key={c.id} type="button" class="link" data-id={c.id} onClick={() => setOther(String(c.id))}>
              #{c.id} {c.subject}
            </button>
          ))}
        </div>
      )}
    </form>
  );
}
