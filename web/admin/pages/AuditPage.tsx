/** The audit log: who did what to which record and when, filtered on the server and read a page at a time. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { actionName, actionOptions, entityName, eventName } from "../labels";
import type { Account, AuditEntry } from "../types";
import { Empty, ErrorNote, Field, formatWhen, Loading, PageHead } from "../ui";

const ENTITIES = ["agent", "api_token", "queue", "webhook", "ticket", "customer", "article", "macro", "routing"];
const PAGE = 25;

interface Filters {
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  since: string;
  until: string;
}

const NONE: Filters = { actor: "", action: "", entity: "", entity_id: "", since: "", until: "" };

function actorLabel(entry: AuditEntry): string {
  if (entry.actor.kind === "system") return t("The hub");
  const name = entry.actor.name ?? `#${entry.actor.id ?? "?"}`;
  return entry.actor.kind === "token" ? t("API token “%(name)s”", { name }) : name;
}

/** A detail value people can read: lists joined, before/after as an arrow, event names as labels. */
function readable(value: unknown): string {
  if (Array.isArray(value)) return value.map(readable).join(", ") || "—";
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("before" in v && "after" in v) return `${readable(v.before)} → ${readable(v.after)}`;
    return Object.entries(v)
      .map(([k, x]) => `${k.replace(/_/g, " ")}: ${readable(x)}`)
      .join("; ");
  }
  if (typeof value === "string" && /^[a-z]+\.[a-z_]+$/.test(value)) return eventName(value);
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

function details(entry: AuditEntry): string {
  return Object.entries(entry.details)
    .filter(([k, v]) => k !== "via" && v !== null && v !== "")
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${readable(v)}`)
    .join(" · ");
}

export function AuditPage() {
  const [agents, setAgents] = useState<Account[]>([]);
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState("");

  useEffect(() => {
    api<{ agents: Account[] }>("GET", "/api/v1/agents/accounts").then(
      (b) => setAgents(b.agents),
      () => setAgents([]),
    );
  }, []);
  const before = cursors[cursors.length - 1] ?? null;
  useEffect(() => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if (filters.until) q.set("until", `${filters.until}T23:59:59`);
    if (before !== null) q.set("before", String(before));
    setEntries(null);
    setError(null);
    api<{ entries: AuditEntry[]; next_before: number | null }>("GET", `/api/v1/audit?${q.toString()}`).then(
      (b) => {
        setEntries(b.entries);
        setNext(b.next_before);
      },
      (e: unknown) => {
        setError(e);
        setEntries([]);
      },
    );
  }, [filters, before]);

  const set = (key: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const apply = (e: Event) => {
    e.preventDefault();
    if (draft.since && draft.until && draft.since > draft.until) return setProblem(t("The start date must be on or before the end date."));
    if (draft.entity_id && !/^\d+$/.test(draft.entity_id)) return setProblem(t("A record number is a whole number."));
    setProblem("");
    setFilters(draft);
    setCursors([null]);
  };
  const filtered = Object.values(filters).some(Boolean);

  return (
    <section>
      <PageHead title={t("Audit log")} intro={t("Who did what, to which record, and when. Newest first.")} />
      <form class="adm-card adm-form adm-audit-filters" onSubmit={apply} noValidate aria-label={t("Filter the audit log")}>
        <div class="adm-grid">
          <Field label={t("Who")}>
            <select value={draft.actor} onChange={set("actor")}>
              <option value="">{t("Anyone")}</option>
              <option value="system">{t("The hub")}</option>
              <option value="token">{t("Any API token")}</option>
              {agents.map((a) => (
                <option key={a.id} value={`agent:${a.id}`}>
                  {a.display_name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("What")}>
            <select value={draft.action} onChange={set("action")}>
              <option value="">{t("Any action")}</option>
              {actionOptions().map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("Record")}>
            <select value={draft.entity} onChange={set("entity")}>
              <option value="">{t("Any record")}</option>
              {ENTITIES.map((k) => (
                <option key={k} value={k}>
                  {entityName(k)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("Record number")}>
            <input inputMode="numeric" value={draft.entity_id} onInput={set("entity_id")} />
          </Field>
          <Field label={t("Start date")}>
            <input type="date" value={draft.since} onInput={set("since")} />
          </Field>
          <Field label={t("End date")}>
            <input type="date" value={draft.until} onInput={set("until")} />
          </Field>
        </div>
        <ErrorNote error={problem} />
        <div class="adm-form-actions">
          <button type="submit" class="btn btn-primary">
            {t("Show")}
          </button>
          {filtered ? (
            <button
              type="button"
              class="btn"
              onClick={() => {
                setDraft(NONE);
                setFilters(NONE);
                setCursors([null]);
              }}
            >
              {t("Clear filters")}
            </button>
          ) : null}
        </div>
      </form>
      <ErrorNote error={error} />
      {entries === null ? <Loading /> : null}
      {entries !== null && entries.length === 0 && !error ? (
        <Empty
          title={filtered ? t("Nothing matches these filters.") : t("Nothing recorded yet.")}
          hint={filtered ? t("Widen the dates or clear the filters.") : t("Changes to agents, queues, tokens and webhooks show here.")}
        />
      ) : null}
      {entries?.length ? (
        <div class="adm-table-wrap">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t("When")}</th>
                <th scope="col">{t("Who")}</th>
                <th scope="col">{t("What")}</th>
                <th scope="col">{t("Record")}</th>
                <th scope="col">{t("Details")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <th scope="row" data-label={t("When")}>
                    {formatWhen(e.at)}
                  </th>
                  <td data-label={t("Who")}>{actorLabel(e)}</td>
                  <td data-label={t("What")}>{actionName(e.action)}</td>
                  <td data-label={t("Record")}>
                    {e.entity ? `${entityName(e.entity)}${e.entity_id !== null ? ` #${e.entity_id}` : ""}` : "—"}
                  </td>
                  <td data-label={t("Details")} class="adm-details">
                    {details(e) || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="adm-pager" aria-label={t("Pages of the audit log")}>
        <button type="button" class="btn" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("Newer")}
        </button>
        <span class="adm-muted">{t("Page %(n)s", { n: cursors.length })}</span>
        <button type="button" class="btn" disabled={next === null} onClick={() => setCursors([...cursors, next])}>
          {t("Older")}
        </button>
      </nav>
    </section>
  );
}
