/** Agents: who can sign in, with what role, skills, languages and capacity; create, edit, deactivate, reset. */
import { Plus, Search } from "lucide-preact";
import { Fragment } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { AgentEditor } from "../components/AgentEditor";
import { AgentForm } from "../components/AgentForm";
import { channelName, ROLES, roleName } from "../labels";
import type { Account } from "../types";
import { ConfirmButton, Empty, ErrorNote, Loading, PageHead, SecretOnce, StatusPill } from "../ui";

export function AgentsPage() {
  const [agents, setAgents] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState("");
  const [role, setRole] = useState("");
  const [state, setState] = useState("active");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [secret, setSecret] = useState<{ name: string; password: string } | null>(null);

  const load = () =>
    api<{ agents: Account[] }>("GET", "/api/v1/agents/accounts").then(
      (body) => setAgents(body.agents),
      (e: unknown) => setError(e),
    );
  useEffect(() => void load(), []);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (agents ?? []).filter(
      (a) =>
        (!role || a.role === role) &&
        (state === "all" || a.active === (state === "active")) &&
        (!q ||
          [a.display_name, a.email, ...a.languages, ...a.skills.map((s) => s.skill)].some((v) =>
            v.toLowerCase().includes(q),
          )),
    );
  }, [agents, query, role, state]);

  const act = (work: Promise<unknown>) => {
    setError(null);
    work.then(load, (e: unknown) => setError(e));
  };
  const resetPassword = (a: Account) => {
    setError(null);
    api<{ password: string }>("PUT", `/api/v1/agents/${a.id}/password`, { generate: true }).then(
      (body) => setSecret({ name: a.display_name, password: body.password }),
      (e: unknown) => setError(e),
    );
  };

  return (
    <section>
      <PageHead title={t("Agents")} intro={t("Who can sign in, what they may do, and the work routing offers them.")}>
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          <Plus size={16} aria-hidden="true" /> {t("New agent")}
        </button>
      </PageHead>
      {creating ? (
        <AgentForm
          onCreated={() => {
            setCreating(false);
            void load();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {secret ? (
        <SecretOnce
          label={t("New password for %(name)s", { name: secret.name })}
          value={secret.password}
          onDone={() => setSecret(null)}
        />
      ) : null}
      <ErrorNote error={error} />
      <div class="adm-filters" role="search">
        <label class="adm-search">
          <Search size={16} aria-hidden="true" />
          <input
            type="search"
            value={query}
            placeholder={t("Name, e-mail, skill or language")}
            aria-label={t("Search agents")}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <select value={role} onChange={(e) => setRole(e.currentTarget.value)} aria-label={t("Role")}>
          <option value="">{t("All roles")}</option>
          {ROLES.map((r) => (
            <option value={r} key={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
        <select value={state} onChange={(e) => setState(e.currentTarget.value)} aria-label={t("Status")}>
          <option value="active">{t("Active")}</option>
          <option value="inactive">{t("Deactivated")}</option>
          <option value="all">{t("Everyone")}</option>
        </select>
      </div>
      {agents === null && !error ? <Loading /> : null}
      {agents !== null && shown.length === 0 ? (
        <Empty
          title={agents.length ? t("No agent matches these filters.") : t("No agents yet.")}
          hint={agents.length ? t("Clear the search or choose another role.") : t("Add the first one with “New agent”.")}
        />
      ) : null}
      {shown.length ? (
        <div class="adm-table-wrap">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t("Agent")}</th>
                <th scope="col">{t("Role")}</th>
                <th scope="col">{t("Status")}</th>
                <th scope="col">{t("Skills")}</th>
                <th scope="col">{t("Languages")}</th>
                <th scope="col">{t("Capacity")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("Actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <Fragment key={a.id}>
                  <tr data-agent={a.email}>
                    <th scope="row" data-label={t("Agent")}>
                      <span class="adm-name">{a.display_name}</span>
                      <span class="adm-sub">{a.email}</span>
                    </th>
                    <td data-label={t("Role")}>{roleName(a.role)}</td>
                    <td data-label={t("Status")}>
                      <StatusPill ok={a.active} label={a.active ? t("Active") : t("Deactivated")} />
                    </td>
                    <td data-label={t("Skills")}>
                      {a.skills.length
                        ? a.skills.map((s) => (
                            <span class="chip" key={s.skill}>
                              {s.skill} <b>{s.level}</b>
                            </span>
                          ))
                        : "—"}
                    </td>
                    <td data-label={t("Languages")}>{a.languages.join(", ") || "—"}</td>
                    <td data-label={t("Capacity")}>
                      {a.channels.length
                        ? a.channels.map((c) => (
                            <span class="chip" key={c}>
                              {channelName(c)}
                              {a.capacity[c] !== undefined ? <b>{a.capacity[c]}</b> : null}
                            </span>
                          ))
                        : "—"}
                    </td>
                    <td class="adm-actions" data-label={t("Actions")}>
                      <button
                        type="button"
                        class="btn"
                        aria-expanded={editing === a.id}
                        aria-label={t("Edit %(name)s", { name: a.display_name })}
                        onClick={() => setEditing(editing === a.id ? null : a.id)}
                      >
                        {t("Edit")}
                      </button>
                      {a.active ? (
                        <ConfirmButton
                          label={t("Deactivate")}
                          question={t("Sign %(name)s out everywhere and stop their work?", { name: a.display_name })}
                          confirm={t("Deactivate")}
                          onConfirm={() => act(api("PATCH", `/api/v1/agents/${a.id}`, { active: false }))}
                        />
                      ) : (
                        <button
                          type="button"
                          class="btn"
                          onClick={() => act(api("PATCH", `/api/v1/agents/${a.id}`, { active: true }))}
                        >
                          {t("Reactivate")}
                        </button>
                      )}
                      <ConfirmButton
                        label={t("Reset password")}
                        question={t("Make a new password and sign %(name)s out?", { name: a.display_name })}
                        confirm={t("Reset password")}
                        onConfirm={() => resetPassword(a)}
                      />
                    </td>
                  </tr>
                  {editing === a.id ? (
                    <tr class="adm-edit-row">
                      <td colSpan={7}>
                        <AgentEditor
                          agent={a}
                          onSaved={() => {
                            setEditing(null);
                            void load();
                          }}
                          onCancel={() => setEditing(null)}
                        />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
