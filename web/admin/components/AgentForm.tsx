/** The form that adds an agent: e-mail, name, role, first password and languages, checked before it is sent. */
import { useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { ErrorNote, Field } from "../ui";
import { RoleSelect } from "./RoleSelect";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function splitList(text: string): string[] {
  return text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function AgentForm({ onCreated, onCancel }: { onCreated: () => void; onCancel: () => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("agent");
  const [password, setPassword] = useState("");
  const [languages, setLanguages] = useState("");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: Event) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!EMAIL.test(email.trim())) found.email = t("Enter an e-mail address such as li.na@example.com.");
    if (password.length < 8) found.password = t("A password needs at least 8 characters.");
    setProblems(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    const body = { email: email.trim(), display_name: name.trim(), role, password, languages: splitList(languages) };
    api("POST", "/api/v1/agents", body).then(onCreated, (e: unknown) => {
      setError(e);
      setBusy(false);
    });
  };

  return (
    <form class="adm-card adm-form" onSubmit={submit} noValidate aria-label={t("New agent")}>
      <h2>{t("New agent")}</h2>
      <div class="adm-grid">
        <Field label={t("E-mail")} error={problems.email}>
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <Field label={t("Name")} hint={t("Shown to customers and colleagues.")}>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t("Role")}>
          <RoleSelect value={role} onChange={setRole} />
        </Field>
        <Field label={t("First password")} error={problems.password} hint={t("At least 8 characters.")}>
          <input
            type="password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
        </Field>
        <Field label={t("Languages")} hint={t("Language tags, separated by commas: en, zh, yue")}>
          <input value={languages} onInput={(e) => setLanguages(e.currentTarget.value)} />
        </Field>
      </div>
      <ErrorNote error={error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t("Create agent")}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}
