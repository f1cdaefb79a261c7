/** Tickets linked to the open one (related, its parent, its children), each a click away and unlinked in place. */
import { Link2Off } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { linked, loadLinks, unlinkTickets } from "../context";
import { navigate } from "../router";
import { errorText } from "../errors";

// What the other ticket is to this one, as the hub names it (hub/tickets/links.py).
const KINDS: Record<string, string> = { related: "Related", parent: "Parent ticket", child: "Child ticket" };

export function LinkedTickets({ ticket }: { ticket: number }) {
  const [error, setError] = useState("");
  useEffect(() => {
    setError("");
    loadLinks(ticket).catch((err: unknown) => setError(errorText(err)));
  }, [ticket]);
  const list = linked.value?.ticket === ticket ? linked.value.list : [];
  if (!list.length && !error) return null;
  return (
    <section class="panel linked" aria-labelledby="linked-title">
      <h2 id="linked-title">{t("Linked tickets")}</h2>
      <ul class="past-tickets" id="linked-tickets">
        {list.map((x) => (
          <li key={x.ticket_id} data-id={x.ticket_id}>
            <span class="muted">{t(KINDS[x.kind] ?? x.kind)}</span>{" "}
            <a
              href={`/console/tickets/${x.ticket_id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(x.ticket_id);
              }}
            >
              #{x.ticket_id} {x.subject}
            </a>{" "}
            <span class="muted">{t(x.status)}</span>{" "}
            <button
              type="button"
              class="icon-button"
              aria-label={t("Unlink #%(id)s", { id: x.ticket_id })}
              title={t("Unlink #%(id)s", { id: x.ticket_id })}
              onClick={() => unlinkTickets(ticket, x.ticket_id).catch((err: unknown) => setError(errorText(err)))}
            >
              <Link2Off size={14} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      {error && <p class="error">{error}</p>}
    </section>
  );
}
