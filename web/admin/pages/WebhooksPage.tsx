/** Webhooks: where the hub tells other systems what happened; create, delete, and see recent deliveries. */
import { Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { Deliveries } from "../components/Deliveries";
import { WebhookForm } from "../components/WebhookForm";
import { eventName } from "../labels";
import type { Webhook } from "../types";
import { ConfirmButton, Empty, ErrorNote, Loading, PageHead, SecretOnce, StatusPill } from "../ui";

export function WebhooksPage() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const load = () =>
    api<{ webhooks: Webhook[] }>("GET", "/api/v1/webhooks").then(
      (b) => setHooks(b.webhooks),
      (e: unknown) => setError(e),
    );
  useEffect(() => void load(), []);
  const remove = (hook: Webhook) => {
    setError(null);
    api("DELETE", `/api/v1/webhooks/${hook.id}`).then(load, (e: unknown) => setError(e));
  };
  return (
    <section>
      <PageHead title={t("Webhooks")} intro={t("The hub posts each chosen event to these addresses, signed with their secret.")}>
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          <Plus size={16} aria-hidden="true" /> {t("New webhook")}
        </button>
      </PageHead>
      {creating ? (
        <WebhookForm
          onCreated={(hook) => {
            setCreating(false);
            setSecret({ url: hook.url, secret: hook.secret });
            void load();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {secret ? (
        <SecretOnce label={t("Signing secret for %(url)s", { url: secret.url })} value={secret.secret} onDone={() => setSecret(null)} />
      ) : null}
      <ErrorNote error={error} />
      {hooks === null && !error ? <Loading /> : null}
      {hooks !== null && hooks.length === 0 ? (
        <Empty title={t("No webhooks yet.")} hint={t("Add one with “New webhook” to tell another system about new tickets and messages.")} />
      ) : null}
      <ul class="adm-cards">
        {(hooks ?? []).map((h) => (
          <li class="adm-card" key={h.id} data-webhook={h.url}>
            <div class="adm-card-head">
              <div>
                <p class="adm-name adm-url">{h.url}</p>
                {h.description ? <p class="adm-sub">{h.description}</p> : null}
              </div>
              <StatusPill ok={h.active} label={h.active ? t("On") : t("Off")} />
            </div>
            <p>
              {h.events.map((ev) => (
                <span class="chip" key={ev}>
                  {eventName(ev)}
                </span>
              ))}
            </p>
            {h.consecutive_failures > 0 ? (
              <p class="adm-warn">{t("%(n)s deliveries failed in a row.", { n: h.consecutive_failures })}</p>
            ) : null}
            <div class="adm-actions">
              <button type="button" class="btn" aria-expanded={shown === h.id} onClick={() => setShown(shown === h.id ? null : h.id)}>
                {t("Recent deliveries")}
              </button>
              <ConfirmButton
                label={t("Delete")}
                question={t("Delete this webhook? Deliveries still owed are dropped.")}
                confirm={t("Delete")}
                onConfirm={() => remove(h)}
              />
            </div>
            {shown === h.id ? <Deliveries hookId={h.id} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
