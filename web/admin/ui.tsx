/** Small pieces every admin page uses: headings, errors, empty states, confirmations, secrets shown once. */
import { Check, Copy, TriangleAlert } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "../shared/api";
import { lang, t } from "../shared/i18n";

const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

export function formatWhen(iso: string | null): string {
  return iso ? dates.format(new Date(iso)) : "—";
}

/** What went wrong, in the user's language where the API's message is a catalog key. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const translated = error.translated();
    if (translated && error.status !== 403) return translated;
    if (error.status === 403) return t("Only administrators can do this.");
    return t(error.message);
  }
  return t("Something went wrong. Reload the page and try again.");
}

export function PageHead({ title, intro, children }: { title: string; intro: string; children?: ComponentChildren }) {
  return (
    <div class="adm-head">
      <div>
        <h1 id="page-title">{title}</h1>
        <p class="adm-intro">{intro}</p>
      </div>
      {children ? <div class="adm-head-actions">{children}</div> : null}
    </div>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="adm-error" role="alert">
      <TriangleAlert size={16} aria-hidden="true" /> {typeof error === "string" ? error : errorText(error)}
    </p>
  );
}

export function Empty({ title, hint }: { title: string; hint: string }) {
  return (
    <div class="adm-empty">
      <p class="adm-empty-title">{title}</p>
      <p>{hint}</p>
    </div>
  );
}

export function Loading() {
  return <p class="adm-muted" role="status">{t("Loading…")}</p>;
}

/** A destructive action asks once more in place, naming what it will do. */
export function ConfirmButton(props: { label: string; question: string; confirm: string; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" class="btn btn-danger-quiet" onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  return (
    <span class="adm-confirm" role="group" aria-label={props.question}>
      <span>{props.question}</span>
      <button
        type="button"
        class="btn btn-danger"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirm}
      </button>
      <button type="button" class="btn" onClick={() => setAsking(false)}>
        {t("Cancel")}
      </button>
    </span>
  );
}

/** A secret the hub shows this once: readable, selectable and copyable, with a warning that it will not return. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div class="adm-secret" role="status">
      <p class="adm-secret-title">{label}</p>
      <p>{t("Copy it now: it is not shown again.")}</p>
      <div class="adm-secret-row">
        <code class="adm-secret-value" data-testid="secret">{value}</code>
        <button type="button" class="btn" onClick={copy}>
          {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}{" "}
          {copied ? t("Copied") : t("Copy")}
        </button>
        <button type="button" class="btn" onClick={onDone}>
          {t("Done")}
        </button>
      </div>
    </div>
  );
}

/** A labelled control; the hint and the problem sit under it, outside the label, so its name stays short. */
export function Field(props: { label: string; error?: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class={props.error ? "adm-field invalid" : "adm-field"}>
      <label class="adm-field-label">
        <span class="adm-label">{props.label}</span>
        {props.children}
      </label>
      {props.hint && !props.error ? <span class="adm-hint">{props.hint}</span> : null}
      {props.error ? <span class="adm-field-error">{props.error}</span> : null}
    </div>
  );
}

export function StatusPill({ ok, label }: { ok: boolean; label: string }) {
  return <span class={ok ? "pill pill-ok" : "pill pill-off"}>{label}</span>;
}
