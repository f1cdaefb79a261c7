/** The knowledge list: search, category, status chips with counts, sort, paging; each article with its
 * usefulness, how often it was suggested in the last 30 days, owner and review-by date (overdue marked). The
 * filters live in the address, so Back returns to them. */
import { CornerDownRight, Plus, Search, ThumbsDown, ThumbsUp } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../shared/api";
import { formatNumber, formatRelative, t } from "../shared/i18n";
import { Suggested } from "./ArticleUsage";
import { GapReport } from "./GapReport";
import { boot } from "./boot";
import { formatDay, formatWhen, languageName, statusName } from "./labels";
import type { ListedArticle, Overview } from "./types";
import { Empty, ErrorNote, PageHead, StatusBadge } from "./ui";

const PAGE = 25;
const FILTERS = ["", "draft", "in_review", "published", "archived", "review_due"] as const;
const SORTS: [string, string][] = [
  ["updated", "Recently updated"],
  ["title", "Title"],
  ["review_by", "Review by, soonest first"],
  ["useful", "Most useful"],
  ["suggested", "Most suggested"],
];

interface Query {
  q: string;
  status: string;
  category: string;
  sort: string;
  page: number;
}

function fromAddress(): Query {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") ?? "",
    status: p.get("status") ?? "",
    category: p.get("category") ?? "",
    sort: p.get("sort") ?? "",
    page: Math.max(0, Number(p.get("page") ?? "0") || 0),
  };
}

function toParams(query: Query): URLSearchParams {
  const p = new URLSearchParams();
  if (query.q) p.set("q", query.q);
  if (query.status) p.set("status", query.status);
  if (query.category) p.set("category", query.category);
  if (query.sort) p.set("sort", query.sort);
  if (query.page) p.set("page", String(query.page));
  return p;
}

function Usefulness({ a }: { a: ListedArticle }) {
  const u = a.usefulness;
  const said = t("Helpful %(h)s, not helpful %(n)s, inserted in replies %(i)s", {
    h: u.helpful,
    n: u.not_helpful,
    i: u.inserted,
  });
  return (
    <span class="kb-useful" role="img" aria-label={said} title={said}>
      <span class="up">
        <ThumbsUp size={14} aria-hidden="true" /> {formatNumber(u.helpful)}
      </span>
      <span class="down">
        <ThumbsDown size={14} aria-hidden="true" /> {formatNumber(u.not_helpful)}
      </span>
      <span class="ins">
        <CornerDownRight size={14} aria-hidden="true" /> {formatNumber(u.inserted)}
      </span>
    </span>
  );
}

function ArticleRow({ a }: { a: ListedArticle }) {
  const next = a.working_status && a.working_status !== a.status ? a.working_status : null;
  return (
    <tr data-article={a.id}>
      <td class="kb-title-cell">
        <a href={`/console/knowledge/${a.id}`} class="kb-title-link">
          {a.title || t("(untitled)")}
        </a>
        <div class="kb-meta">
          <span class="kb-lang">{languageName(a.locale)}</span>
          {a.category ? <span class="chip">{a.category}</span> : null}
          {a.tags.slice(0, 4).map((tag) => (
            <span class="chip chip-quiet" key={tag}>
              #{tag}
            </span>
          ))}
        </div>
      </td>
      <td data-label={t("Status")} class="status">
        <StatusBadge status={a.status} />
        {next ? (
          <span class="kb-next">{t("next version: %(status)s", { status: statusName(next) })}</span>
        ) : null}
      </td>
      <td data-label={t("Usefulness")}>
        <span class="kb-usage">
          <Usefulness a={a} />
          <Suggested n={a.suggested_30d} />
        </span>
      </td>
      <td data-label={t("Owner")}>{a.owner?.name || <span class="muted">{t("Nobody")}</span>}</td>
      <td data-label={t("Review by")} class="kb-review">
        {formatDay(a.review_by)}
        {a.overdue ? <span class="badge badge-overdue">{t("Overdue")}</span> : null}
      </td>
      <td data-label={t("Updated")}>
        <time dateTime={a.updated_at} title={formatWhen(a.updated_at)}>
          {a.updated_at ? formatRelative(new Date(a.updated_at)) : "—"}
        </time>
      </td>
    </tr>
  );
}

export function ArticleList() {
  const [query, setQuery] = useState<Query>(fromAddress);
  const [typed, setTyped] = useState(query.q);
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const asked = useRef(0);

  useEffect(() => {
    const params = toParams(query);
    const shown = params.toString();
    history.replaceState(null, "", `/console/knowledge${shown ? `?${shown}` : ""}`);
    params.delete("page");
    params.set("offset", String(query.page * PAGE));
    params.set("limit", String(PAGE));
    params.set("sort", query.sort || (query.q ? "relevance" : "updated"));
    const mine = ++asked.current; // a slower answer to an older question never replaces a newer one
    api<Overview>("GET", `/api/v1/knowledge/overview?${params.toString()}`).then(
      (r) => {
        if (mine !== asked.current) return;
        setData(r);
        setError(null);
      },
      (e: unknown) => mine === asked.current && setError(e),
    );
  }, [query]);

  // Typing searches after a short pause, not on every key.
  useEffect(() => {
    if (typed === query.q) return;
    const timer = window.setTimeout(() => setQuery((q) => ({ ...q, q: typed.trim(), page: 0 })), 250);
    return () => window.clearTimeout(timer);
  }, [typed]);

  const set = (change: Partial<Query>) => setQuery((q) => ({ ...q, page: 0, ...change }));
  const sortNow = query.sort === "relevance" && !query.q ? "updated" : query.sort || (query.q ? "relevance" : "updated");
  const total = data?.total ?? 0;
  const first = total ? query.page * PAGE + 1 : 0;
  const last = Math.min(total, (query.page + 1) * PAGE);
  return (
    <>
      <PageHead title={t("Knowledge base")} intro={t("Articles agents find while they answer customers.")}>
        <a class="btn btn-primary" href="/console/knowledge/new">
          <Plus size={16} aria-hidden="true" /> {t("New article")}
        </a>
      </PageHead>
      <form
        class="kb-filters"
        role="search"
        aria-label={t("Find articles")}
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: typed.trim() });
        }}
      >
        <label class="kb-search">
          <Search size={16} aria-hidden="true" />
          <span class="visually-hidden">{t("Search articles")}</span>
          <input
            type="search"
            name="q"
            value={typed}
            placeholder={t("Search titles, questions, tags…")}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </label>
        <label class="kb-select">
          <span>{t("Category")}</span>
          <select name="category" value={query.category} onChange={(e) => set({ category: e.currentTarget.value })}>
            <option value="">{t("All categories")}</option>
            {(data?.categories ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label class="kb-select">
          <span>{t("Sort")}</span>
          <select name="sort" value={sortNow} onChange={(e) => set({ sort: e.currentTarget.value })}>
            {query.q ? <option value="relevance">{t("Best match")}</option> : null}
            {SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <div class="kb-chips" role="group" aria-label={t("Status")}>
        {FILTERS.map((key) => (
          <button
            type="button"
            key={key}
            class="kb-chip"
            data-filter={key}
            aria-pressed={query.status === key}
            onClick={() => set({ status: key })}
          >
            {key ? statusName(key) : t("All")}
            <span class="count" data-count={key}>
              {formatNumber(data?.counts[key || "all"] ?? 0)}
            </span>
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
      {data && !data.articles.length ? (
        <Empty
          title={t("No articles here.")}
          hint={query.q ? t("Try other words, or another status.") : t("Write one with New article.")}
        />
      ) : null}
      {data?.articles.length ? (
        <table class="kb-table" id="articles" aria-label={t("Articles")}>
          <thead>
            <tr>
              <th scope="col">{t("Title")}</th>
              <th scope="col">{t("Status")}</th>
              <th scope="col">{t("Usefulness")}</th>
              <th scope="col">{t("Owner")}</th>
              <th scope="col">{t("Review by")}</th>
              <th scope="col">{t("Updated")}</th>
            </tr>
          </thead>
          <tbody>
            {data.articles.map((a) => (
              <ArticleRow a={a} key={a.id} />
            ))}
          </tbody>
        </table>
      ) : null}
      {total > PAGE ? (
        <nav class="kb-pager" aria-label={t("Pages")}>
          <span role="status">{t("%(first)s–%(last)s of %(total)s", { first, last, total: formatNumber(total) })}</span>
          <button
            type="button"
            class="btn"
            disabled={query.page === 0}
            onClick={() => setQuery((q) => ({ ...q, page: q.page - 1 }))}
          >
            {t("Previous")}
          </button>
          <button
            type="button"
            class="btn"
            disabled={last >= total}
            onClick={() => setQuery((q) => ({ ...q, page: q.page + 1 }))}
          >
            {t("Next")}
          </button>
        </nav>
      ) : null}
      {boot.sees_gaps ? <GapReport /> : null}
    </>
  );
}
