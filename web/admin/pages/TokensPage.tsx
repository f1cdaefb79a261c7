/** API tokens: what other systems use to call the hub; create one (its secret shown once) or revoke it. */
import { Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { ROLES, roleName } from "../labels";
import type { Token } from "../types";
import { ConfirmButton, Empty, ErrorNote, Field, formatWhen, Loading, PageHead, SecretOnce, StatusPill } from "../ui";

const EXPIRY = /^\d{1,4}[mhdw]$/;

function TokenForm({ onCreated, onCancel }: { onCreated: (token: Token & { token: string }) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState("agent");
  const [expires, setExpires] = useState("90d");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = t("Name the token after what will use it, such as “CRM sync”.");
    if (expires && !EXPIRY.test(expires)) found.expires = t("A number and a unit: 30m, 12h, 90d or 2w.");
    setProblems(found);
    if (Object.keys(found).length) return;
    setError(null);
    api<Token & { token: string }>("POST", "/api/v1/tokens", { name: name.trim(), role, expires: expires || null }).then(
      onCreated,
      (e: unknown) => setError(e),
    );
  };
  return (
    <form class="adm-card adm-form" onSubmit={submit} noValidate aria-label={t("New API token")}>
      <h2>{t("New API token")}</h2>
      <div class="adm-grid">
        <Field label={t("Name")} error={problems.name}>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <Field label={t("Acts as")} hint={t("The token may do what this role may.")}>
          <select value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("Expires after")} error={problems.expires} hint={t("Empty: until revoked.")}>
          <input value={expires} onInput={(e) => setExpires(e.currentTarget.value.trim())} />
        </Field>
      </div>
      <ErrorNote error={error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary">
          {t("Create token")}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}

function tokenState(tok: Token): string {
  if (tok.revoked_at) return t("Revoked");
  return tok.usable ? t("In use") : t("Expired");
}

export function TokensPage() {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const load = () =>
    api<{ tokens: Token[] }>("GET", "/api/v1/tokens").then(
      (b) => setTokens(b.tokens),
      (e: unknown) => setError(e),
    );
  useEffect(() => void load(), []);
  const revoke = (tok: Token) => {
    setError(null);
    api("POST", `/api/v1/tokens/${tok.id}/revoke`).then(load, (e: unknown) => setError(e));
  };
  return (
    <section>
      <PageHead title={t("API tokens")} intro={t("Keys other systems use to call the hub's API. Each acts with one role.")}>
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          <Plus size={16} aria-hidden="true" /> {t("New API token")}
        </button>
      </PageHead>
      {creating ? (
        <TokenForm
          onCreated={(tok) => {
            setCreating(false);
            setSecret({ name: tok.name, token: tok.token });
            void load();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {secret ? (
        <SecretOnce label={t("Token “%(name)s”", { name: secret.name })} value={secret.token} onDone={() => setSecret(null)} />
      ) : null}
      <ErrorNote error={error} />
      {tokens === null && !error ? <Loading /> : null}
      {tokens !== null && tokens.length === 0 ? (
        <Empty title={t("No API tokens yet.")} hint={t("Create one for each system that calls the hub, so you can revoke it alone.")} />
      ) : null}
      {tokens?.length ? (
        <div class="adm-table-wrap">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t("Name")}</th>
                <th scope="col">{t("Acts as")}</th>
                <th scope="col">{t("Status")}</th>
                <th scope="col">{t("Created")}</th>
                <th scope="col">{t("Last used")}</th>
                <th scope="col">{t("Expires")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("Actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tok) => (
                <tr key={tok.id} data-token={tok.name}>
                  <th scope="row" data-label={t("Name")}>
                    <span class="adm-name">{tok.name}</span>
                  </th>
                  <td data-label={t("Acts as")}>{roleName(tok.role)}</td>
                  <td data-label={t("Status")}>
                    <StatusPill ok={tok.usable} label={tokenState(tok)} />
                  </td>
                  <td data-label={t("Created")}>{formatWhen(tok.created_at)}</td>
                  <td data-label={t("Last used")}>{tok.last_used_at ? formatWhen(tok.last_used_at) : t("Never")}</td>
                  <td data-label={t("Expires")}>{tok.expires_at ? formatWhen(tok.expires_at) : t("Never")}</td>
                  <td class="adm-actions" data-label={t("Actions")}>
                    {tok.usable ? (
                      <ConfirmButton
                        label={t("Revoke")}
                        question={t("Stop “%(name)s” working at once?", { name: tok.name })}
                        confirm={t("Revoke")}
                        onConfirm={() => revoke(tok)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
