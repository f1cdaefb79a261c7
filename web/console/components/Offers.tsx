/** Offered conversations with their countdown (accept with `a`), and the notice after a missed offer (`b`). */
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { channelName } from "../labels";
import { answerOffer, awayAfterMiss, dropOffer, offers, setPresence } from "../notices";
import { navigate } from "../router";
import type { Offer } from "../types";

function OfferCard({ offer }: { offer: Offer }) {
  const until = new Date(offer.expires_at).getTime();
  const [left, setLeft] = useState(() => Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  useEffect(() => {
    const timer = window.setInterval(() => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s <= 0) dropOffer(offer.ticket.id);
    }, 250);
    return () => window.clearInterval(timer);
  }, [until, offer.ticket.id]);
  const tk = offer.ticket;
  return (
    <div class="offer" data-ticket={tk.id} role="alertdialog" aria-labelledby={`offer-${tk.id}`}>
      <strong id={`offer-${tk.id}`}>
        #{tk.id} {tk.subject}
      </strong>
      <span class="offer-meta">
        {channelName(tk.channel)} · {t(tk.customer_tier)}
      </span>
      <span class="countdown">{t("%(s)s s", { s: left })}</span>
      <button
        type="button"
        class="primary"
        data-act="accept"
        onClick={() => void answerOffer(tk.id, true).then((ok) => ok && navigate(tk.id))}
      >
        {t("Accept")} (a)
      </button>
      <button type="button" class="secondary" onClick={() => void answerOffer(tk.id, false)}>
        {t("Decline")}
      </button>
      {offer.error && <span class="error">{offer.error}</span>}
    </div>
  );
}

export function Offers() {
  return (
    <div id="offers" class="offers" aria-live="assertive">
      {awayAfterMiss.value && (
        <div id="away-notice" class="away-notice" role="status">
          <span>{t("You missed an offer, so you are now away and get no new work.")} </span>
          <button type="button" class="primary" data-act="back" onClick={() => void setPresence("available")}>
            {t("I am back")} (b)
          </button>
        </div>
      )}
      {offers.value.map((o) => (
        <OfferCard key={o.ticket.id} offer={o} />
      ))}
    </div>
  );
}
