/** Registering a webhook: the URL, the events it wants, and an optional secret of our choosing. */
import { useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { EVENTS, eventName } from "../labels";
import type { Webhook } from "../types";
import { ErrorNote, Field } from "../ui";

export function WebhookForm(props: { onCreated: (hook: Webhook & { secret: string }) => void; onCancel: () => void }) {
  const [url, setUrl] = useState("https://");
  const [events, setEvents] = useState<string[]>(["ticket.created"]);
  const [secret, setSecret] = useState("");
  const [description, setDescription] = useState("");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (event: string) =>
    setEvents(events.includes(event) ? events.filter((e) => e !== event) : [...events, event]);
  const submit = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url.trim())) found.url = t("Enter a web address such as https://crm.example.com/hooks.");
    if (!events.length) found.events = t("Choose at least one event.");
    if (secret && secret.length < 16) found.secret = t("A secret needs at least 16 characters; leave it empty to get one.");
    setProblems(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    const body = { url: url.trim(), events, secret: secret || null, description: description.trim() };
    api<Webhook & { secret: string }>("POST", "/api/v1/webhooks", body).then(props.onCreated, (err: unknown) => {
      setError(err);
      setBusy(false);
    });
  };
  return (
    <form class="adm-card adm-form" onSubmit={submit} noValidate aria-label={t("New webhook")}>
      <h2>{t("New webhook")}</h2>
      <div class="adm-grid">
        <Field label={t("URL")} error={problems.url} hint={t("A public https address; redirects are not followed.")}>
          <input type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <Field label={t("Description")}>
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <Field label={t("Secret")} error={problems.secret} hint={t("Signs every delivery. Empty: the hub makes one.")}>
          <input value={secret} onInput={(e) => setSecret(e.currentTarget.value)} autoComplete="off" />
        </Field>
      </div>
      <fieldset class={problems.events ? "adm-fieldset invalid" : "adm-fieldset"}>
        <legend>{t("Events")}</legend>
        <div class="adm-checks">
          {EVENTS.map((ev) => (
            <label key={ev}>
              <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} /> {eventName(ev)}
            </label>
          ))}
        </div>
        {problems.events ? <span class="adm-field-error">{problems.events}</span> : null}
      </fieldset>
      <ErrorNote error={error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t("Create webhook")}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}
