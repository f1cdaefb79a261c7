/** A customer's profile: who they are (tier, value, churn risk and the strategy for them, language), their
 * identities on every channel, their tickets, history and surveys, probable duplicates; supervisors edit. */
import { ArrowLeft, BadgeCheck, Pencil } from "lucide-preact";
import { useState } from "preact/hooks";
import { formatNumber, lang, t } from "../../shared/i18n";
import { profile, profileError } from "../customers";
import { Avatar, ChannelIcon, TierBadge, channelName, strategyText } from "../labels";
import { say } from "../phrases";
import { follow } from "../router";
import { localTime } from "../time";
import { CustomerEdit } from "./CustomerEdit";
import { CustomerTickets } from "./CustomerTickets";
import { CustomerSurveys, CustomerTimeline } from "./CustomerTimeline";
import { Duplicates } from "./Duplicates";

const languages = new Intl.DisplayNames([lang], { type: "language" });

function languageName(code: string): string {
  try {
    return languages.of(code) ?? code;
  } catch {
    return code;
  }
}

function Header() {
  const [editing, setEditing] = useState(false);
  const p = profile.value;
  if (!p) return null;
  const c = p.customer;
  const churn = c.insight.churn;
  const strategy = strategyText(c.insight.strategy.name);
  return (
    <section class="panel cust-card" aria-labelledby="profile-name">
      <div class="cust-card-head">
        <Avatar name={c.name} size="lg" />
        <div class="cust-card-title">
          <h1 id="profile-name">{c.name || t("Unnamed customer")}</h1>
          <p class="cust-card-meta">
            <TierBadge tier={c.tier} />
            {c.tier_override && <span class="muted">{t("tier set by hand")}</span>}
            {c.lifetime_value !== null && (
              <span class="value">
                {t("lifetime value")} {formatNumber(c.lifetime_value)}
              </span>
            )}
            {c.language && <span class="cust-lang">{t("speaks %(language)s", { language: languageName(c.language) })}</span>}
            <span class="muted">{t("customer since %(date)s", { date: localTime(c.created_at).split(/[ ,]/)[0] ?? "" })}</span>
          </p>
        </div>
        {p.can_edit && !editing && (
          <button type="button" class="secondary cust-edit-open" onClick={() => setEditing(true)}>
            <Pencil size={14} aria-hidden="true" /> {t("Edit")}
          </button>
        )}
      </div>
      <p class="flags">
        <span class={`flag flag-churn churn-${churn.level}`} title={churn.factors.map((f) => say(f, p.phrases)).join("; ")}>
          {t("churn risk %(level)s", { level: t(churn.level) })} ({churn.score})
        </span>
        {c.insight.complaints_open > 0 && (
          <span class="flag flag-complaint">{t("%(num)s open complaints", { num: c.insight.complaints_open })}</span>
        )}
      </p>
      {churn.factors.length > 0 && (
        <ul class="cust-factors muted">
          {churn.factors.map((f, i) => (
            <li key={i}>{say(f, p.phrases)}</li>
          ))}
        </ul>
      )}
      {strategy && <p class="strategy">{strategy}</p>}
      {editing ? (
        <CustomerEdit c={c} tiers={p.tiers} onDone={() => setEditing(false)} />
      ) : (
        c.notes && (
          <div class="cust-notes">
            <h2>{t("Notes")}</h2>
            <p>{c.notes}</p>
          </div>
        )
      )}
    </section>
  );
}

function Identities() {
  const c = profile.value?.customer;
  if (!c) return null;
  return (
    <section class="panel cust-ident-panel" aria-labelledby="cust-ident-title">
      <h2 id="cust-ident-title">{t("Identities")}</h2>
      <ul class="cust-identities">
        {c.identities.map((i) => (
          <li key={`${i.kind}:${i.value}`}>
            <span class="cust-ident-kind">
              <ChannelIcon channel={i.kind} /> {channelName(i.kind)}
            </span>
            <span class="cust-ident-value">
              {i.kind === "webchat" ? t("web chat visitor") : i.value}
              {i.kind === "phone" && c.extensions[i.value] ? ` ${t("ext.")} ${c.extensions[i.value]}` : ""}
            </span>
            {i.verified ? (
              <span class="verified">
                <BadgeCheck size={14} aria-hidden="true" /> {t("verified")}
              </span>
            ) : (
              <span class="muted">{t("unverified")}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function CustomerProfile({ id }: { id: number }) {
  const p = profile.value?.id === id ? profile.value : null;
  const back = (
    <a class="cust-back" href="/console/customers" onClick={(e) => follow(e, "/console/customers")}>
      <ArrowLeft size={14} aria-hidden="true" /> {t("All customers")}
    </a>
  );
  if (!p) {
    return (
      <section class="cust-page cust-profile" aria-label={t("Customer profile")}>
        {back}
        <p class={profileError.value ? "error" : "muted"}>{profileError.value || t("Loading…")}</p>
      </section>
    );
  }
  const merged = p.customer.merged_into_id;
  return (
    <section class="cust-page cust-profile" aria-labelledby="profile-name" data-customer={id}>
      {back}
      {merged && (
        <p class="warning">
          {t("This record was merged into another customer.")}{" "}
          <a href={`/console/customers/${merged}`} onClick={(e) => follow(e, `/console/customers/${merged}`)}>
            {t("Open that profile")}
          </a>
        </p>
      )}
      <div class="cust-grid">
        <div class="cust-col">
          <Header />
          <Identities />
          <CustomerSurveys />
          {!merged && <Duplicates customer={id} />}
        </div>
        <div class="cust-col">
          <CustomerTickets customer={id} />
          <CustomerTimeline />
        </div>
      </div>
    </section>
  );
}
