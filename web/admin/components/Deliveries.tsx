/** A webhook's recent deliveries, newest first, with their outcome. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { deliveryState, eventName } from "../labels";
import type { Delivery } from "../types";
import { ErrorNote, formatWhen, Loading } from "../ui";

export function Deliveries({ hookId }: { hookId: number }) {
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ deliveries: Delivery[] }>("GET", `/api/v1/webhooks/${hookId}/deliveries?limit=20`).then(
      (b) => setRows(b.deliveries),
      (e: unknown) => setError(e),
    );
  }, [hookId]);
  if (error) return <ErrorNote error={error} />;
  if (rows === null) return <Loading />;
  if (!rows.length) return <p class="adm-muted">{t("Nothing sent yet: deliveries show here once a chosen event happens.")}</p>;
  return (
    <ul class="adm-deliveries" aria-label={t("Recent deliveries")}>
      {rows.map((d) => (
        <li key={d.id}>
          <span class={`pill ${d.status === "delivered" ? "pill-ok" : d.status === "failed" ? "pill-bad" : "pill-off"}`}>
            {deliveryState(d.status)}
          </span>
          <span>{eventName(d.event)}</span>
          <span class="adm-sub">{formatWhen(d.delivered_at ?? d.occurred_at)}</span>
          <span class="adm-sub">
            {t("%(n)s attempts", { n: d.attempts })}
            {d.last_status_code ? ` · HTTP ${d.last_status_code}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
