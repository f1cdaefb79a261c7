/** Customers who are probably this one, with the score and its evidence (each signal strong, medium, weak or
 * against). Nothing merges by itself: the agent decides, and confirms. */
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { duplicates, loadDuplicates, mergeCustomer } from "../context";
import { evidenceText } from "../customers_evidence";
import type { Duplicate } from "../types";
import { errorText } from "../errors";

function Item({ d, customer, likely }: { d: Duplicate; customer: number; likely: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const merge = () => {
    if (!window.confirm(t("Merge this customer into %(name)s (#%(id)s)? Undo stays possible.", { name: d.name, id: d.customer_id }))) return;
    setBusy(true);
    mergeCustomer(customer, d.customer_id)
      .then(() => window.location.reload())
      .catch((err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      });
  };
  return (
    <li class={`dup-item${likely ? "" : " dup-unlikely"}`}>
      <div class="dup-head">
        <span class="dup-name">
          {d.name} #{d.customer_id}
        </span>
        <span class={`dup-score dup-${d.basis}`}>
          {d.score}% · {t("%(basis)s evidence", { basis: t(d.basis) })}
        </span>
      </div>
      <ul class="dup-signals">
        {d.signals.map((s, i) => (
          <li key={i} class={`dup-signal dup-${s.strength}`}>
            {evidenceText(s)}{" "}
            <span class="dup-strength">
              {t(s.strength)} {s.points > 0 ? "+" : ""}
              {s.points}
            </span>
          </li>
        ))}
      </ul>
      {likely && (
        <button type="button" class="dup-merge secondary" disabled={busy} onClick={merge}>
          {t("Merge into this one")}
        </button>
      )}
      {error && <span class="error">{error}</span>}
    </li>
  );
}

export function Duplicates({ customer }: { customer: number }) {
  const [lookAlikes, setLookAlikes] = useState(false);
  useEffect(() => void loadDuplicates(customer, lookAlikes), [customer, lookAlikes]);
  const d = duplicates.value?.customer === customer ? duplicates.value : null;
  return (
    <section class="panel duplicates" id="duplicates" data-customer={customer} aria-labelledby="dup-title">
      <h2 id="dup-title">{t("Probably the same person")}</h2>
      <label class="dup-toggle check">
        <input type="checkbox" class="dup-look-alikes" checked={lookAlikes} onChange={(e) => setLookAlikes(e.currentTarget.checked)} />{" "}
        {t("Show look-alikes too (weak evidence)")}
      </label>
      <ol class="dup-list" aria-live="polite">
        {d?.failed && <li class="muted">{t("Duplicates could not be loaded.")}</li>}
        {d && !d.failed && d.list.length === 0 && <li class="muted">{lookAlikes ? t("No look-alike either.") : t("No probable duplicate.")}</li>}
        {d?.list.map((x) => (
          <Item key={x.customer_id} d={x} customer={customer} likely={x.score >= d.threshold} />
        ))}
      </ol>
    </section>
  );
}
