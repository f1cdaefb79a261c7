/** A supervisor corrects a customer's name, tier (or lets value rules set it) and the notes agents read. */
import { useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { type Profile, saveCustomer } from "../customers";
import { errorText } from "../errors";

export function CustomerEdit({ c, tiers, onDone }: { c: Profile; tiers: string[]; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const patch: { display_name?: string; notes?: string; tier?: string } = {};
    if (value("name").trim() && value("name").trim() !== c.name) patch.display_name = value("name").trim();
    if (value("notes") !== c.notes) patch.notes = value("notes");
    const tier = value("tier");
    if (tier !== (c.tier_override ?? "auto")) patch.tier = tier;
    if (!Object.keys(patch).length) return onDone();
    setBusy(true);
    saveCustomer(c.id, patch)
      .then(onDone)
      .catch((err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      });
  };
  return (
    <form id="customer-edit" class="cust-edit" onSubmit={submit}>
      <label>
        {t("Name")}
        <input name="name" required maxLength={200} value={c.name} />
      </label>
      <label>
        {t("Tier")}
        <select name="tier" value={c.tier_override ?? "auto"}>
          <option value="auto">{t("Set by value rules (now %(tier)s)", { tier: t(c.tier) })}</option>
          {tiers.map((tier) => (
            <option key={tier} value={tier}>
              {t(tier)}
            </option>
          ))}
        </select>
      </label>
      <label class="cust-edit-notes">
        {t("Notes")}
        <textarea name="notes" rows={3} maxLength={4000} value={c.notes} placeholder={t("What colleagues should know about this customer")} />
      </label>
      <div class="cust-edit-actions">
        <button type="submit" disabled={busy}>
          {t("Save")}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t("Cancel")}
        </button>
        {error && <span class="error" role="alert">{error}</span>}
      </div>
    </form>
  );
}
