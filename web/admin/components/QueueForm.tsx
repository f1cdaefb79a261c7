/** Creating a queue, or changing one's display name, calendar and auto-assignment. */
import { useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import type { Queue } from "../types";
import { ErrorNote, Field } from "../ui";

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function QueueForm(props: { queue?: Queue; calendars: string[]; onSaved: () => void; onCancel: () => void }) {
  const q = props.queue;
  const [name, setName] = useState(q?.name ?? "");
  const [display, setDisplay] = useState(q?.display_name ?? "");
  const [calendar, setCalendar] = useState(q?.calendar ?? "");
  const [auto, setAuto] = useState(q?.auto_assign ?? true);
  const [problem, setProblem] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: Event) => {
    event.preventDefault();
    if (!q && !NAME.test(name))
      return setProblem(t("A queue name uses lower-case letters, digits, - and _, such as vip-support."));
    setProblem("");
    setBusy(true);
    setError(null);
    const fields = { display_name: display.trim() || (q ? q.display_name : name), calendar: calendar || null, auto_assign: auto };
    const work = q ? api("PATCH", `/api/v1/queues/${q.name}`, fields) : api("POST", "/api/v1/queues", { name, ...fields });
    work.then(props.onSaved, (e: unknown) => {
      setError(e);
      setBusy(false);
    });
  };

  return (
    <form class="adm-form" onSubmit={submit} noValidate aria-label={q ? t("Change queue") : t("New queue")}>
      {q ? null : <h2>{t("New queue")}</h2>}
      <div class="adm-grid">
        {q ? null : (
          <Field label={t("Name")} error={problem} hint={t("Used by tickets and the API; cannot change later.")}>
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
          </Field>
        )}
        <Field label={t("Display name")}>
          <input value={display} onInput={(e) => setDisplay(e.currentTarget.value)} />
        </Field>
        <Field label={t("Calendar")} hint={t("The business hours its SLA clocks count in.")}>
          <select value={calendar} onChange={(e) => setCalendar(e.currentTarget.value)}>
            <option value="">{t("Around the clock")}</option>
            {props.calendars.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <label class="adm-switch">
          <input type="checkbox" role="switch" checked={auto} onChange={(e) => setAuto(e.currentTarget.checked)} />
          <span>{t("Assign automatically")}</span>
        </label>
      </div>
      <ErrorNote error={error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {q ? t("Save") : t("Create queue")}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}
