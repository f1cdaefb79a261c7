/** The yellow pages: find a colleague by name (pinyin too), skill, topic, language or channel, see who is
 * available, and from a ticket consult them (a note that mentions them) or hand the ticket over. */
import { Search } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { AgentCard } from "./AgentCard";
import { boot } from "./boot";
import { channelName, languageName } from "./labels";
import type { Person } from "./types";
import { Empty, ErrorNote, PageHead, errorText } from "./ui";

interface Filters {
  q: string;
  skill: string;
  min_level: string;
  language: string;
  channel: string;
  available: boolean;
}

const NONE: Filters = { q: "", skill: "", min_level: "1", language: "", channel: "", available: false };

export function Directory() {
  const [filters, setFilters] = useState<Filters>(NONE);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [languages, setLanguages] = useState<string[]>([]);
  const [said, setSaid] = useState<{ text: string; ok: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const asked = useRef(0);
  const ticket = boot.ticket;

  useEffect(() => {
    const timer = window.setTimeout(() => {
      const p = new URLSearchParams();
      for (const key of ["q", "skill", "min_level", "language", "channel"] as const) if (filters[key]) p.set(key, filters[key].trim());
      if (filters.available) p.set("available", "1");
      const mine = ++asked.current;
      api<{ agents: Person[] }>("GET", `/api/v1/agents?${p.toString()}`).then(
        (r) => {
          if (mine !== asked.current) return;
          setPeople(r.agents);
          setError(null);
          // The languages to offer: every language someone in the team speaks (from the first, unfiltered list).
          setLanguages((known) => (known.length ? known : [...new Set(r.agents.flatMap((a) => a.languages ?? []))].sort()));
        },
        (e: unknown) => mine === asked.current && setError(e),
      );
    }, filters.q ? 200 : 0);
    return () => window.clearTimeout(timer);
  }, [filters]);

  // Availability changes while the page is open: coming back to the tab asks again.
  useEffect(() => {
    const again = () => document.visibilityState === "visible" && setFilters((f) => ({ ...f }));
    document.addEventListener("visibilitychange", again);
    return () => document.removeEventListener("visibilitychange", again);
  }, []);
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const done = (text: string) => setSaid({ text, ok: true });
  const failed = (e: unknown) => setSaid({ text: errorText(e), ok: false });
  const consult = (a: Person) =>
    api("POST", `/api/v1/tickets/${ticket!.id}/replies`, {
      text: `@${a.display_name.replace(/\s+/g, "")} ${t("Consult requested")}`,
      internal: true,
      mentions: [a.id],
    }).then(() => done(t("Asked %(name)s for advice on this ticket", { name: a.display_name })), failed);
  const transfer = (a: Person) =>
    api("PATCH", `/api/v1/tickets/${ticket!.id}`, { assignee_id: a.id }).then(
      () => done(t("Ticket handed to %(name)s", { name: a.display_name })),
      failed,
    );
  const [queue, setQueue] = useState(boot.queues[0] ?? "");
  const toQueue = () =>
    api("PATCH", `/api/v1/tickets/${ticket!.id}`, { queue, assignee_id: null }).then(
      () => done(t("Ticket moved to the queue %(queue)s", { queue })),
      failed,
    );

  return (
    <>
      <PageHead title={t("Directory")} intro={t("Who knows what: find a colleague to ask or to hand a ticket to.")} />
      {ticket ? (
        <div class="kb-card kb-ticket-context">
          <p>
            {t("For ticket")} <a href={`/console/tickets/${ticket.id}`}>#{ticket.id} {ticket.subject}</a>
          </p>
          <form
            class="kb-filters"
            id="to-queue"
            onSubmit={(e) => {
              e.preventDefault();
              void toQueue();
            }}
          >
            <label class="kb-select">
              <span>{t("Transfer to queue")}</span>
              <select name="queue" value={queue} onChange={(e) => setQueue(e.currentTarget.value)}>
                {boot.queues.map((q) => (
                  <option key={q} value={q}>
                    {q}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="btn">
              {t("Transfer")}
            </button>
          </form>
        </div>
      ) : null}
      <form id="search" class="kb-filters" role="search" aria-label={t("Find a colleague")} onSubmit={(e) => e.preventDefault()}>
        <label class="kb-search">
          <Search size={16} aria-hidden="true" />
          <span class="visually-hidden">{t("Name, skill or topic")}</span>
          <input
            type="search"
            name="q"
            value={filters.q}
            placeholder={t("Name (pinyin too), skill or topic…")}
            onInput={(e) => set({ q: e.currentTarget.value })}
          />
        </label>
        <label class="kb-select">
          <span>{t("Skill")}</span>
          <select name="skill" value={filters.skill} onChange={(e) => set({ skill: e.currentTarget.value })}>
            <option value="">{t("Any skill")}</option>
            {boot.skills.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {filters.skill ? (
          <label class="kb-select">
            <span>{t("Minimum level")}</span>
            <select name="min_level" value={filters.min_level} onChange={(e) => set({ min_level: e.currentTarget.value })}>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {t("level %(n)s", { n })}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label class="kb-select">
          <span>{t("Language")}</span>
          <select name="language" value={filters.language} onChange={(e) => set({ language: e.currentTarget.value })}>
            <option value="">{t("Any language")}</option>
            {languages.map((l) => (
              <option key={l} value={l}>
                {languageName(l)}
              </option>
            ))}
          </select>
        </label>
        <label class="kb-select">
          <span>{t("Channel")}</span>
          <select name="channel" value={filters.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
            <option value="">{t("Any channel")}</option>
            {boot.channels.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
              </option>
            ))}
          </select>
        </label>
        <label class="kb-check">
          <input type="checkbox" name="available" checked={filters.available} onChange={(e) => set({ available: e.currentTarget.checked })} />
          {t("Available now")}
        </label>
      </form>
      <p id="dir-status" role="status" class={said ? (said.ok ? "ok" : "error") : ""}>
        {said?.text ?? ""}
      </p>
      <ErrorNote error={error} />
      {people && !people.length ? <Empty title={t("Nobody matches.")} hint={t("Try fewer filters or another word.")} /> : null}
      <ul id="people" class="kb-people" aria-label={t("Colleagues")}>
        {(people ?? []).map((a) => (
          <AgentCard
            key={a.id}
            person={a}
            onConsult={ticket && a.id !== boot.me.agent_id ? () => void consult(a) : undefined}
            onTransfer={ticket && a.id !== boot.me.agent_id ? () => void transfer(a) : undefined}
          />
        ))}
      </ul>
    </>
  );
}
