/** Editing one agent in place: name, role, languages, skills with levels, and capacity per channel. */
import { Plus, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { channelName } from "../labels";
import type { Account } from "../types";
import { ErrorNote, Field } from "../ui";
import { RoleSelect } from "./RoleSelect";
import { splitList } from "./AgentForm";

interface SkillRow {
  skill: string;
  level: number;
}

export function AgentEditor(props: { agent: Account; onSaved: () => void; onCancel: () => void }) {
  const a = props.agent;
  const [name, setName] = useState(a.display_name);
  const [role, setRole] = useState(a.role);
  const [languages, setLanguages] = useState(a.languages.join(", "));
  const [skills, setSkills] = useState<SkillRow[]>(a.skills.map((s) => ({ ...s })));
  const [capacity, setCapacity] = useState<Record<string, string>>(
    Object.fromEntries(a.channels.map((c) => [c, String(a.capacity[c] ?? "")])),
  );
  const [problem, setProblem] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const setSkill = (i: number, row: Partial<SkillRow>) =>
    setSkills(skills.map((s, j) => (j === i ? { ...s, ...row } : s)));

  const submit = (event: Event) => {
    event.preventDefault();
    const named = skills.filter((s) => s.skill.trim());
    const caps = Object.entries(capacity).filter(([, v]) => v.trim() !== "");
    if (!name.trim()) return setProblem(t("Enter a name."));
    if (caps.some(([, v]) => !/^\d+$/.test(v.trim()) || Number(v) > 50))
      return setProblem(t("Capacity is a whole number from 0 to 50."));
    setProblem("");
    setBusy(true);
    setError(null);
    const profile = {
      display_name: name.trim(),
      languages: splitList(languages),
      skills: Object.fromEntries(named.map((s) => [s.skill.trim(), s.level])),
      capacity: Object.fromEntries(caps.map(([c, v]) => [c, Number(v)])),
    };
    const work =
      role === a.role ? Promise.resolve() : api("PATCH", `/api/v1/agents/${a.id}`, { role }).then(() => undefined);
    work
      .then(() => api("PATCH", `/api/v1/agents/${a.id}/profile`, profile))
      .then(props.onSaved, (e: unknown) => {
        setError(e);
        setBusy(false);
      });
  };

  return (
    <form class="adm-form adm-editor" onSubmit={submit} noValidate aria-label={t("Edit %(name)s", { name: a.display_name })}>
      <div class="adm-grid">
        <Field label={t("Name")}>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t("Role")}>
          <RoleSelect value={role} onChange={setRole} />
        </Field>
        <Field label={t("Languages")} hint={t("Language tags, separated by commas: en, zh, yue")}>
          <input value={languages} onInput={(e) => setLanguages(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset class="adm-fieldset">
        <legend>{t("Skills and levels (1 to 5)")}</legend>
        {skills.map((s, i) => (
          <div class="adm-skill" key={i}>
            <input
              value={s.skill}
              aria-label={t("Skill")}
              placeholder={t("e.g. refunds")}
              onInput={(e) => setSkill(i, { skill: e.currentTarget.value })}
            />
            <select
              value={String(s.level)}
              aria-label={t("Level")}
              onChange={(e) => setSkill(i, { level: Number(e.currentTarget.value) })}
            >
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="btn btn-icon"
              aria-label={t("Remove skill")}
              onClick={() => setSkills(skills.filter((_, j) => j !== i))}
            >
              <X size={16} aria-hidden="true" />
            </button>
          </div>
        ))}
        <button type="button" class="btn" onClick={() => setSkills([...skills, { skill: "", level: 3 }])}>
          <Plus size={16} aria-hidden="true" /> {t("Add skill")}
        </button>
      </fieldset>
      {a.channels.length ? (
        <fieldset class="adm-fieldset">
          <legend>{t("Conversations at a time, per channel")}</legend>
          <div class="adm-grid">
            {a.channels.map((c) => (
              <Field label={channelName(c)} key={c}>
                <input
                  inputMode="numeric"
                  value={capacity[c] ?? ""}
                  onInput={(e) => setCapacity({ ...capacity, [c]: e.currentTarget.value })}
                />
              </Field>
            ))}
          </div>
        </fieldset>
      ) : null}
      <ErrorNote error={problem || error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t("Save")}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}
