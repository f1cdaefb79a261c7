/** Choosing a queue's members from the active agents: search, tick, save. */
import { useMemo, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { roleName } from "../labels";
import type { Account } from "../types";

export function MemberPicker(props: {
  agents: Account[];
  chosen: number[];
  busy: boolean;
  onSave: (ids: number[]) => void;
  onCancel: () => void;
}) {
  const [picked, setPicked] = useState(new Set(props.chosen));
  const [query, setQuery] = useState("");
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return props.agents.filter(
      (a) => a.active && (!q || a.display_name.toLowerCase().includes(q) || a.email.toLowerCase().includes(q)),
    );
  }, [props.agents, query]);
  const toggle = (id: number) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  return (
    <div class="adm-picker">
      <input
        type="search"
        value={query}
        placeholder={t("Find an agent")}
        aria-label={t("Find an agent")}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      <ul class="adm-picker-list">
        {shown.map((a) => (
          <li key={a.id}>
            <label>
              <input type="checkbox" checked={picked.has(a.id)} onChange={() => toggle(a.id)} />
              <span class="adm-name">{a.display_name}</span>
              <span class="adm-sub">{roleName(a.role)}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 ? <li class="adm-muted">{t("No active agent matches.")}</li> : null}
      </ul>
      <div class="adm-form-actions">
        <button type="button" class="btn btn-primary" disabled={props.busy} onClick={() => props.onSave([...picked])}>
          {t("Save members (%(n)s)", { n: picked.size })}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </div>
  );
}
