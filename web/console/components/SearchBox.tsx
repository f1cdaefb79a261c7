/** Search on every page (`/`): tickets by their words and customers by name, e-mail or phone. */
import { signal } from "@preact/signals";
import { Search } from "lucide-preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../shared/i18n";
import { follow, navigate } from "../router";
import { results, runSearch } from "../search";
import { ChannelIcon, TierBadge } from "../labels";

export const searchOpen = signal(false);

export function focusSearch(): void {
  document.getElementById("search-q")?.focus();
}

export function SearchBox() {
  const timer = useRef<number>(0);
  const box = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // A click anywhere else closes the results.
    const away = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) searchOpen.value = false;
    };
    document.addEventListener("mousedown", away);
    // Sent here by another page's top-bar search (/console?q=…): show those results, and keep the address clean.
    const asked = new URLSearchParams(window.location.search).get("q");
    const input = box.current?.elements.namedItem("q");
    if (asked && input instanceof HTMLInputElement) {
      window.history.replaceState(window.history.state, "", window.location.pathname);
      input.value = asked;
      input.focus();
      void runSearch(asked);
    }
    return () => document.removeEventListener("mousedown", away);
  }, []);
  const r = results.value;
  const show = searchOpen.value && r.q !== "";
  return (
    <form
      ref={box}
      class="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void runSearch((e.currentTarget.elements.namedItem("q") as HTMLInputElement).value);
      }}
    >
      <Search size={16} aria-hidden="true" class="search-icon" />
      <input
        id="search-q"
        name="q"
        type="search"
        autocomplete="off"
        aria-label={t("Search tickets and customers")}
        placeholder={`${t("Search tickets and customers")} (/)`}
        onFocus={() => (searchOpen.value = true)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            searchOpen.value = false;
            e.currentTarget.blur();
          }
        }}
        onInput={(e) => {
          const q = e.currentTarget.value;
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => void runSearch(q), 250);
        }}
      />
      {show && (
        <div class="search-results" id="search-results" aria-live="polite">
          {r.loading && <p class="muted">{t("Searching…")}</p>}
          {!r.loading && !r.tickets.length && !r.customers.length && <p class="muted">{t("Nothing found.")}</p>}
          {r.customers.length > 0 && <h2>{t("Customers")}</h2>}
          <ul>
            {r.customers.map((c) => (
              <li key={`c${c.id}`}>
                <a
                  class="result"
                  href={`/console/customers/${c.id}`}
                  onClick={(e) => {
                    searchOpen.value = false;
                    follow(e, `/console/customers/${c.id}`);
                  }}
                >
                  <strong>{c.display_name}</strong> <TierBadge tier={c.tier} />
                  <span class="muted"> {c.identities.slice(0, 2).map((i) => i.value).join(" · ")}</span>
                </a>
              </li>
            ))}
          </ul>
          {r.tickets.length > 0 && <h2>{r.label || t("Tickets")}</h2>}
          <ul>
            {r.tickets.map((tk) => (
              <li key={`t${tk.id}`}>
                <a
                  class="result"
                  href={`/console/tickets/${tk.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    searchOpen.value = false;
                    navigate(tk.id);
                  }}
                >
                  <ChannelIcon channel={tk.channel} /> <strong>#{tk.id}</strong> {tk.subject}
                  <span class="muted"> · {tk.customer_name} · {t(tk.status)}</span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
