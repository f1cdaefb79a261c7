/** The article's fields beside its rendered preview; the short answer counted against SMS and WeChat. */
import { Save } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { boot } from "./boot";
import type { Said } from "./Editor";
import { languageName } from "./labels";
import { ShortAnswerHint } from "./ShortAnswerHint";
import type { ArticleDetail } from "./types";

export interface Fields {
  title: string;
  short_answer: string;
  body: string;
  category: string;
  tags: string;
  variants: string;
  locale: string;
  review_by: string;
}

export function emptyFields(locale: string): Fields {
  return { title: "", short_answer: "", body: "", category: "", tags: "", variants: "", locale, review_by: "" };
}

export function fieldsOf(a: ArticleDetail): Fields {
  const v = a.working ?? a.live;
  return {
    title: v?.title ?? "",
    short_answer: v?.short_answer ?? "",
    body: v?.body ?? "",
    category: v?.category ?? "",
    tags: (v?.tags ?? []).join(", "),
    variants: (v?.variants ?? []).join("\n"),
    locale: a.locale,
    review_by: a.review_by ?? "",
  };
}

const list = (text: string, by: RegExp) =>
  text
    .split(by)
    .map((s) => s.trim())
    .filter(Boolean);

export function toBody(f: Fields, isNew: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: f.title,
    short_answer: f.short_answer,
    body: f.body,
    category: f.category,
    tags: list(f.tags, /[,，]/),
    variants: list(f.variants, /\n/),
    review_by: f.review_by || null,
  };
  if (isNew) body.locale = f.locale; // an article's language is chosen once
  return body;
}

function usePreview(markdown: string): string {
  const [html, setHtml] = useState("");
  useEffect(() => {
    const timer = window.setTimeout(() => {
      api<{ html: string }>("POST", "/api/v1/knowledge/preview", { body: markdown }).then(
        (r) => setHtml(r.html),
        () => undefined, // the last preview stays; saving reports real problems
      );
    }, 250);
    return () => window.clearTimeout(timer);
  }, [markdown]);
  return html;
}

interface Props {
  fields: Fields;
  onChange: (f: Fields) => void;
  isNew: boolean;
  onSubmit: () => void;
  actions: ComponentChildren;
  said: Said | null;
}

export function ArticleForm({ fields, onChange, isNew, onSubmit, actions, said }: Props) {
  const html = usePreview(fields.body);
  const edit = (key: keyof Fields) => (e: Event) =>
    onChange({ ...fields, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <div class="kb-columns">
      <form
        id="editor"
        class="kb-card kb-form"
        aria-label={t("Article")}
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <label class="kb-field">
          <span class="kb-label">{t("Title")}</span>
          <input name="title" required maxLength={300} value={fields.title} onInput={edit("title")} />
        </label>
        <label class="kb-field">
          <span class="kb-label">{t("Other ways customers ask")}</span>
          <textarea name="variants" rows={3} value={fields.variants} onInput={edit("variants")} aria-describedby="variants-hint" />
          <span class="kb-hint" id="variants-hint">{t("One question a line; the search finds the article by them too.")}</span>
        </label>
        <label class="kb-field">
          <span class="kb-label">{t("Short answer")}</span>
          <textarea
            name="short_answer"
            rows={2}
            required
            maxLength={300}
            value={fields.short_answer}
            onInput={edit("short_answer")}
            aria-describedby="short-answer-hint"
          />
          <ShortAnswerHint text={fields.short_answer} max={300} sms={boot.limits.sms} wechat={boot.limits.wechat} />
        </label>
        <label class="kb-field">
          <span class="kb-label">{t("Body (Markdown)")}</span>
          <textarea name="body" rows={14} required value={fields.body} onInput={edit("body")} class="kb-body-input" />
        </label>
        <div class="kb-grid">
          <label class="kb-field">
            <span class="kb-label">{t("Category")}</span>
            <input name="category" maxLength={200} value={fields.category} onInput={edit("category")} />
          </label>
          <label class="kb-field">
            <span class="kb-label">{t("Tags (comma separated)")}</span>
            <input name="tags" value={fields.tags} onInput={edit("tags")} />
          </label>
          <label class="kb-field">
            <span class="kb-label">{t("Language")}</span>
            <select name="locale" value={fields.locale} disabled={!isNew} onChange={edit("locale")}>
              {boot.locales.map((l) => (
                <option key={l} value={l}>
                  {languageName(l)}
                </option>
              ))}
            </select>
          </label>
          <label class="kb-field">
            <span class="kb-label">{t("Review by")}</span>
            <input type="date" name="review_by" value={fields.review_by} onInput={edit("review_by")} />
          </label>
        </div>
        <div class="kb-form-actions">
          <button type="submit" id="save" class="btn btn-primary">
            <Save size={16} aria-hidden="true" /> {t("Save draft")}
          </button>
          {actions}
        </div>
        <p id="art-msg" role="status" class={said ? (said.ok ? "ok" : "error") : ""}>
          {said?.text ?? ""}
        </p>
      </form>
      <section class="kb-card kb-preview" aria-labelledby="preview-title">
        <h2 id="preview-title">{t("Preview")}</h2>
        {/* Sanitized by the hub (the cleaning published articles get): markup only, never script. */}
        <article id="preview" class="kb-article-body" dangerouslySetInnerHTML={{ __html: html }} />
        {!fields.body ? <p class="muted">{t("The body shows here as customers will read it.")}</p> : null}
      </section>
    </div>
  );
}
