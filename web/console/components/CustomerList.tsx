/** The customers list: search (names in any script or pinyin, e-mails, phones, WeChat ids), tier chips, and a
 * page at a time from the server; each row with initials, tier, last contact and open tickets. */
import { Search } from "lucide-preact";
import { useRef } from "preact/hooks";
import { formatNumber, formatRelative, t } from "../../shared/i18n";
import { boot } from "../boot";
import { type Listed, loadCustomers, roster, searchCustomers } from "../customers";
import { Avatar, ChannelIcon, TierBadge, channelName } from "../labels";
import { follow } from "../router";
import { localTime } from "../time";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" };

/** Text the server HTML-escaped (Python's html.escape), back as plain text. */
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#x27);/g, (m) => ENTITIES[m] ?? m);
}

/** The server's snippet (escaped text, terms in <mark>) as text nodes and <mark> elements: never as HTML. */
function Snippet({ html, cls }: { html: string; cls: string }) {
  const parts = html.split(/<mark>(.*?)<\/mark>/);
  return <span class={cls}>{parts.map((p, i) => (i % 2 ? <mark key={i}>{unescape(p)}</mark> : unescape(p)))}</span>;
}

function Row({ c, now }: { c: Listed; now: number }) {
  const first = c.identities[0];
  // A match in the name marks the name; a match elsewhere (an e-mail, a phone) shows under it.
  const inName = !!c.snippet && unescape(c.snippet.replace(/<\/?mark>/g, "")) === c.display_name;
  return (
    <li class="cust-row" data-id={c.id}>
      <a href={`/console/customers/${c.id}`} onClick={(e) => follow(e, `/console/customers/${c.id}`)}>
        <Avatar name={c.display_name} />
        <span class="cust-body">
          <span class="cust-top">
            {inName && c.snippet ? (
              <Snippet html={c.snippet} cls="cust-name" />
            ) : (
              <span class="cust-name">{c.display_name || t("Unnamed customer")}</span>
            )}
            <TierBadge tier={c.tier} />
          </span>
          {c.snippet && !inName ? (
            <Snippet html={c.snippet} cls="cust-snippet" />
          ) : (
            first && (
              <span class="cust-ident muted">
                <ChannelIcon channel={first.kind} />
                <span class="visually-hidden">{channelName(first.kind)}</span> {first.kind === "webchat" ? t("web chat visitor") : first.value}
              </span>
            )
          )}
        </span>
        <span class="cust-facts">
          <span class={`cust-open${c.open_tickets ? " has-open" : ""}`}>{t("%(num)s open", { num: formatNumber(c.open_tickets) })}</span>
          <time class="cust-last muted" dateTime={c.last_contact_at ?? ""} title={localTime(c.last_contact_at)}>
            {c.last_contact_at ? formatRelative(new Date(c.last_contact_at), new Date(now)) : t("no contact yet")}
          </time>
        </span>
      </a>
    </li>
  );
}

export function CustomerList() {
  const r = roster.value;
  const timer = useRef<number>(0);
  const tiers = boot.tiers.length ? boot.tiers : ["diamond", "gold", "silver", "general"];
  const now = Date.now();
  return (
    <section class="cust-page" aria-labelledby="cust-title">
      <div class="cust-head">
        <h1 id="cust-title">{t("Customers")}</h1>
        <form class="cust-search" role="search" onSubmit={(e) => {
          e.preventDefault();
          searchCustomers((e.currentTarget.elements.namedItem("cq") as HTMLInputElement).value, r.tier);
        }}>
          <Search size={16} aria-hidden="true" class="search-icon" />
          <input
            id="customer-q"
            name="cq"
            type="search"
            autocomplete="off"
            value={r.q}
            aria-label={t("Search customers")}
            placeholder={t("Name, pinyin, e-mail, phone or WeChat")}
            onInput={(e) => {
              const q = e.currentTarget.value;
              window.clearTimeout(timer.current);
              timer.current = window.setTimeout(() => searchCustomers(q, roster.value.tier), 250);
            }}
          />
        </form>
        <div class="chips" role="group" aria-label={t("Tier")}>
          {["", ...tiers].map((tier) => (
            <button key={tier || "all"} type="button" class="chip" data-tier={tier || "all"} aria-pressed={r.tier === tier} onClick={() => searchCustomers(r.q, tier)}>
              {tier ? t(tier) : t("All tiers")}
            </button>
          ))}
        </div>
      </div>
      <ol id="customers" class="cust-list" aria-label={t("Customers")} aria-busy={r.loading}>
        {r.list.map((c) => (
          <Row key={c.id} c={c} now={now} />
        ))}
      </ol>
      {r.failed && <p class="error">{t("Customers could not be loaded.")}</p>}
      {!r.loading && !r.failed && r.list.length === 0 && <p class="empty muted">{r.q ? t("No customer matches.") : t("No customers yet.")}</p>}
      {r.loading && <p class="muted cust-loading">{t("Loading…")}</p>}
      {r.next && !r.loading && (
        <button type="button" class="secondary more" onClick={() => void loadCustomers(true)}>
          {t("Show more")}
        </button>
      )}
    </section>
  );
}
