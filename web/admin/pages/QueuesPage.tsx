/** Queues and members: what waits where, each queue's calendar and auto-assignment, and who works it. */
import { Plus } from "lucide-preact";
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { formatNumber, t } from "../../shared/i18n";
import { MemberPicker } from "../components/MemberPicker";
import { QueueForm } from "../components/QueueForm";
import type { Account, Calendar, Queue, QueueStats } from "../types";
import { Empty, ErrorNote, Loading, PageHead, StatusPill } from "../ui";

type Open = { queue: string; what: "edit" | "members" } | null;

export function QueuesPage() {
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [stats, setStats] = useState<Record<string, QueueStats>>({});
  const [agents, setAgents] = useState<Account[]>([]);
  const [calendars, setCalendars] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    Promise.all([
      api<{ queues: Queue[] }>("GET", "/api/v1/queues"),
      api<{ queues: QueueStats[] }>("GET", "/api/v1/queues/stats"),
      api<{ agents: Account[] }>("GET", "/api/v1/agents/accounts"),
      api<{ calendars: Calendar[] }>("GET", "/api/v1/calendars"),
    ]).then(
      ([q, s, a, c]) => {
        setQueues(q.queues);
        setStats(Object.fromEntries(s.queues.map((x) => [x.queue, x])));
        setAgents(a.agents);
        setCalendars(c.calendars.map((x) => x.name));
      },
      (e: unknown) => setError(e),
    );
  useEffect(() => void load(), []);

  const names = new Map(agents.map((a) => [a.id, a.display_name]));
  const saveMembers = (queue: string, ids: number[]) => {
    setBusy(true);
    setError(null);
    api("PUT", `/api/v1/queues/${queue}/members`, { agent_ids: ids })
      .then(() => {
        setOpen(null);
        return load();
      }, (e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };
  const toggleOpen = (queue: string, what: "edit" | "members") =>
    setOpen(open?.queue === queue && open.what === what ? null : { queue, what });

  return (
    <section>
      <PageHead title={t("Queues")} intro={t("Where tickets wait for an agent, and who works each queue.")}>
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          <Plus size={16} aria-hidden="true" /> {t("New queue")}
        </button>
      </PageHead>
      {creating ? (
        <div class="adm-card">
          <QueueForm
            calendars={calendars}
            onSaved={() => {
              setCreating(false);
              void load();
            }}
            onCancel={() => setCreating(false)}
          />
        </div>
      ) : null}
      <ErrorNote error={error} />
      {queues === null && !error ? <Loading /> : null}
      {queues !== null && queues.length === 0 ? (
        <Empty title={t("No queues yet.")} hint={t("Create one with “New queue”, then add its members.")} />
      ) : null}
      {queues?.length ? (
        <div class="adm-table-wrap">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t("Queue")}</th>
                <th scope="col">{t("Waiting")}</th>
                <th scope="col">{t("SLA at risk")}</th>
                <th scope="col">{t("Calendar")}</th>
                <th scope="col">{t("Assignment")}</th>
                <th scope="col">{t("Members")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("Actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => {
                const s = stats[q.name];
                const editing = open?.queue === q.name ? open.what : null;
                return (
                  <Fragment key={q.name}>
                    <tr data-queue={q.name}>
                      <th scope="row" data-label={t("Queue")}>
                        <span class="adm-name">{q.display_name}</span>
                        <span class="adm-sub">{q.name}</span>
                      </th>
                      <td data-label={t("Waiting")}>{formatNumber(s?.waiting ?? 0)}</td>
                      <td data-label={t("SLA at risk")}>
                        {s && s.sla_breached + s.sla_at_risk > 0 ? (
                          <span class="pill pill-warn">
                            {t("%(risk)s at risk, %(late)s late", {
                              risk: formatNumber(s.sla_at_risk),
                              late: formatNumber(s.sla_breached),
                            })}
                          </span>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td data-label={t("Calendar")}>{q.calendar ?? t("Around the clock")}</td>
                      <td data-label={t("Assignment")}>
                        <StatusPill ok={q.auto_assign} label={q.auto_assign ? t("Automatic") : t("Agents pick")} />
                      </td>
                      <td data-label={t("Members")}>
                        {q.members.length
                          ? q.members.map((id) => (
                              <span class="chip" key={id}>
                                {names.get(id) ?? `#${id}`}
                              </span>
                            ))
                          : t("No members yet")}
                      </td>
                      <td class="adm-actions" data-label={t("Actions")}>
                        <button
                          type="button"
                          class="btn"
                          aria-expanded={editing === "members"}
                          aria-label={t("Members of %(queue)s", { queue: q.display_name })}
                          onClick={() => toggleOpen(q.name, "members")}
                        >
                          {t("Members")}
                        </button>
                        <button
                          type="button"
                          class="btn"
                          aria-expanded={editing === "edit"}
                          aria-label={t("Change %(queue)s", { queue: q.display_name })}
                          onClick={() => toggleOpen(q.name, "edit")}
                        >
                          {t("Change")}
                        </button>
                      </td>
                    </tr>
                    {editing ? (
                      <tr class="adm-edit-row">
                        <td colSpan={7}>
                          {editing === "members" ? (
                            <MemberPicker
                              agents={agents}
                              chosen={q.members}
                              busy={busy}
                              onSave={(ids) => saveMembers(q.name, ids)}
                              onCancel={() => setOpen(null)}
                            />
                          ) : (
                            <QueueForm
                              queue={q}
                              calendars={calendars}
                              onSaved={() => {
                                setOpen(null);
                                void load();
                              }}
                              onCancel={() => setOpen(null)}
                            />
                          )}
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
