/** Who the customer is: tier, value, churn risk and the service strategy for them, their identities on every
 * channel, what they said about us in surveys. */
import { formatNumber, t } from "../../shared/i18n";
import { Avatar, TierBadge, channelName, strategyText } from "../labels";
import { type Phrase, say } from "../phrases";
import { follow } from "../router";
import type { Customer } from "../types";
import { ClaimBadge } from "./MessageBubble";

export function CustomerCard({
  customer,
  surveys,
  phrases,
}: {
  customer: Customer;
  surveys: { rating: number; comment: string | null; ticket_id: number }[];
  phrases?: Record<string, Phrase>;
}) {
  const churn = customer.insight.churn;
  const strategy = strategyText(customer.insight.strategy.name);
  return (
    <section class="panel customer" aria-labelledby="customer-name">
      <div class="customer-head">
        <Avatar name={customer.name} size="lg" />
        <div>
          <h2 id="customer-name">
            <a class="profile-link" href={`/console/customers/${customer.id}`} onClick={(e) => follow(e, `/console/customers/${customer.id}`)}>
              {customer.name}
            </a>
          </h2>
          <p>
            <TierBadge tier={customer.tier} />
            {customer.lifetime_value !== null && customer.lifetime_value !== undefined && (
              <span class="value">
                {" "}
                · {t("lifetime value")} {formatNumber(customer.lifetime_value)}
              </span>
            )}
          </p>
        </div>
      </div>
      <p class="flags">
        {customer.insight.complaints_open > 0 && (
          <span class="flag flag-complaint">{t("%(num)s open complaints", { num: customer.insight.complaints_open })}</span>
        )}
        {churn.level !== "low" && (
          <span class={`flag flag-churn churn-${churn.level}`} title={churn.factors.map((f) => say(f, phrases)).join("; ")}>
            {t("churn risk %(level)s", { level: t(churn.level) })} ({churn.score})
          </span>
        )}
      </p>
      {strategy && <p class="strategy">{strategy}</p>}
      {customer.claim && (
        <p class="claimed">
          <ClaimBadge claim={customer.claim} />
        </p>
      )}
      <ul class="identities" aria-label={t("Identities")}>
        {customer.identities.map(([kind, value]) => (
          <li key={`${kind}:${value}`}>
            <span class="muted">{channelName(kind)}</span> {kind === "webchat" ? t("web chat visitor") : value}
            {kind === "phone" && customer.extensions[value] ? ` ${t("ext.")} ${customer.extensions[value]}` : ""}
          </li>
        ))}
        {customer.shared_phones.map((p) => (
          <li key={`shared:${p.number}`} class="unverified" title={t("shared with customer %(id)s; calls and texts from it are theirs", { id: p.shared_with ?? "" })}>
            {t("phone (shared, unverified)")}: {p.number}
            {p.extension ? ` ${t("ext.")} ${p.extension}` : ""}
          </li>
        ))}
      </ul>
      {surveys.length > 0 && (
        <p class="surveys">
          {t("Satisfaction")}:{" "}
          {surveys.map((v, i) => (
            <span key={i} class="survey" title={`#${v.ticket_id} ${v.comment ?? ""}`}>
              {v.rating}/5{" "}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}
