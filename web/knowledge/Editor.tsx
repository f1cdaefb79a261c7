/** The article editor: the fields, a live preview rendered by the hub's own sanitizer, the workflow actions the
 * role allows (agents draft and submit; knowledge managers publish, send back, retire), owner, versions and diff. */
import { ArrowLeft } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { ArticleForm, type Fields, emptyFields, fieldsOf, toBody } from "./ArticleForm";
import { UsagePanel } from "./ArticleUsage";
import { boot } from "./boot";
import { OwnerPicker } from "./OwnerPicker";
import { statusName } from "./labels";
import type { ArticleDetail, ArticleUsage, Person } from "./types";
import { Versions } from "./Versions";
import { StatusBadge, errorText } from "./ui";
import { WorkflowActions } from "./WorkflowActions";

export interface Said {
  text: string;
  ok: boolean;
}

function prefilled(): Fields {
  const q = new URLSearchParams(location.search); // "Write an answer" from the gap report
  const locale = q.get("locale") ?? "";
  return { ...emptyFields(boot.locales[0] ?? "en"), title: q.get("title") ?? "", ...(boot.locales.includes(locale) ? { locale } : {}) };
}

export function Editor() {
  const id = boot.article_id;
  const [article, setArticle] = useState<ArticleDetail | null>(null);
  const [fields, setFields] = useState<Fields>(prefilled);
  const [saved, setSaved] = useState<Fields | null>(null);
  const [said, setSaid] = useState<Said | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [busy, setBusy] = useState(false);
  const [versionsSeen, setVersionsSeen] = useState(0);
  const [usage, setUsage] = useState<ArticleUsage | null>(null);
  const leaving = useRef(false);

  const show = (a: ArticleDetail) => {
    const f = fieldsOf(a);
    setArticle(a);
    setFields(f);
    setSaved(f);
    setVersionsSeen((n) => n + 1); // the history reloads after every change
  };
  useEffect(() => {
    // Only the article's read carries its use; the answers to edits and actions do not, so it is kept apart.
    const read = (a: ArticleDetail & ArticleUsage) => {
      show(a);
      setUsage(a);
    };
    if (id) api<ArticleDetail & ArticleUsage>("GET", `/api/v1/knowledge/articles/${id}`).then(read, (e: unknown) => setSaid({ text: errorText(e), ok: false }));
    api<{ agents: Person[] }>("GET", "/api/v1/agents").then((r) => setPeople(r.agents), () => setPeople([]));
  }, []);
  useEffect(() => {
    document.title = `${id ? fields.title || t("Article") : t("New article")} · hub`;
  }, [fields.title]);

  const dirty = saved === null ? Boolean(fields.title || fields.body || fields.short_answer) : JSON.stringify(saved) !== JSON.stringify(fields);
  useEffect(() => {
    if (!dirty) return;
    // Leaving with unsaved words: the browser asks first.
    const warn = (event: BeforeUnloadEvent) => leaving.current || event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  async function save(): Promise<ArticleDetail | null> {
    if (!id) {
      const made = await api<ArticleDetail>("POST", "/api/v1/knowledge/articles", toBody(fields, true));
      leaving.current = true; // saved: off to its own page without asking
      location.href = `/console/knowledge/${made.id}`;
      return null;
    }
    const body = { ...toBody(fields, false), revision: article?.working?.revision ?? null };
    const a = await api<ArticleDetail>("PUT", `/api/v1/knowledge/articles/${id}`, body);
    show(a);
    return a;
  }

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await work();
      setSaid({ text: done, ok: true });
    } catch (e) {
      setSaid({ text: errorText(e), ok: false });
    } finally {
      setBusy(false);
    }
  }

  const act = (action: string, done: string, body?: { reason: string }) =>
    run(async () => {
      if (dirty && action === "submit") await save(); // what is submitted is what the author sees
      show(await api<ArticleDetail>("POST", `/api/v1/knowledge/articles/${id}/${action}`, body ?? {}));
    }, done);

  const next = article?.working && article.working.status !== article.status ? article.working : null;
  return (
    <>
      <a class="kb-back" href="/console/knowledge">
        <ArrowLeft size={16} aria-hidden="true" /> {t("All articles")}
      </a>
      <div class="kb-head">
        <div>
          <h1 id="page-title">{id ? t("Article #%(id)s", { id }) : t("New article")}</h1>
          <p class="kb-intro kb-states">
            <StatusBadge id="art-status" status={article?.status ?? "draft"} />
            <span id="next-status" class="kb-next" data-status={next?.status ?? ""} hidden={!next}>
              {next ? t("version %(n)s: %(status)s", { n: next.number, status: statusName(next.status) }) : ""}
            </span>
            {dirty && id ? <span class="kb-unsaved">{t("Unsaved changes")}</span> : null}
          </p>
        </div>
        {id && article ? <OwnerPicker article={article} people={people} onChanged={show} say={setSaid} /> : null}
      </div>
      {id && usage ? <UsagePanel usage={usage} /> : null}
      <ArticleForm
        fields={fields}
        onChange={setFields}
        isNew={!id}
        onSubmit={() => run(save, t("Saved"))}
        actions={
          <WorkflowActions article={article} busy={busy} dirty={dirty} act={act} />
        }
        said={said}
      />
      {id && article ? <Versions articleId={id} reload={versionsSeen} people={people} onRestored={show} say={setSaid} /> : null}
    </>
  );
}
