/** Two versions side by side, rendered as readers see them: unchanged blocks plain, removed blocks red on the
 * left, added green on the right, and a changed paragraph or heading marked word by word.
 *
 * The `diff` package (jsdiff: well kept, typed, no dependencies) does the comparing: diffArrays over the
 * rendered blocks and diffWords inside a changed block. With an Intl.Segmenter it splits Chinese into words
 * (修改地址 → 修改 | 地址) where a hand-written diff would mark whole sentences. */
import { type ChangeObject, diffArrays, diffWords } from "diff";
import { h } from "preact";
import { lang, t } from "../shared/i18n";
import { statusName } from "./labels";
import type { Version } from "./types";

interface Block {
  tag: string;
  html: string;
  text: string;
  items: string[]; // a list's items, as text
}

type Item = { kind: "same" | "removed" | "added"; text: string } | { kind: "changed"; words: ChangeObject<string>[] };
type Side =
  | { kind: "same" | "removed" | "added"; block: Block }
  | { kind: "changed"; block: Block; words: ChangeObject<string>[] }
  | { kind: "list"; block: Block; items: Item[] };
interface Row {
  left: Side | null;
  right: Side | null;
}

const WORDY = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"]);
const segmenter = (() => {
  try {
    return new Intl.Segmenter(lang, { granularity: "word" });
  } catch {
    return undefined;
  }
})();

function words(a: string, b: string): ChangeObject<string>[] {
  return diffWords(a, b, segmenter ? { intlSegmenter: segmenter } : {});
}

/** The top-level blocks of sanitized article HTML (paragraphs, headings, lists, tables). */
function blocks(html: string): Block[] {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return [...doc.body.children].map((el) => ({
    tag: el.tagName.toLowerCase(),
    html: el.outerHTML,
    text: el.textContent ?? "",
    items: [...el.children].filter((c) => c.tagName === "LI").map((c) => c.textContent ?? ""),
  }));
}

/** Two versions of a list, item by item: the old side's items and the new side's, an edited item marked by words. */
function listSides(a: string[], b: string[]): [Item[], Item[]] {
  const left: Item[] = [];
  const right: Item[] = [];
  const parts = diffArrays(a, b);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      part.value.forEach((text) => (left.push({ kind: "same", text }), right.push({ kind: "same", text })));
      continue;
    }
    const gone = part.removed ? part.value : [];
    const nextPart = parts[i + 1];
    const came = part.added ? part.value : nextPart?.added ? (i++, nextPart.value) : [];
    for (let k = 0; k < Math.max(gone.length, came.length); k++) {
      const x = gone[k];
      const y = came[k];
      if (x !== undefined && y !== undefined) {
        const w = words(x, y);
        left.push({ kind: "changed", words: w });
        right.push({ kind: "changed", words: w });
      } else if (x !== undefined) left.push({ kind: "removed", text: x });
      else if (y !== undefined) right.push({ kind: "added", text: y });
    }
  }
  return [left, right];
}

function rows(before: string, after: string): Row[] {
  const out: Row[] = [];
  const parts = diffArrays(blocks(before), blocks(after), { comparator: (x, y) => x.html === y.html });
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      part.value.forEach((block) => out.push({ left: { kind: "same", block }, right: { kind: "same", block } }));
      continue;
    }
    const gone = part.removed ? part.value : [];
    const nextPart = parts[i + 1];
    const came = part.added ? part.value : nextPart?.added ? (i++, nextPart.value) : [];
    // A removed block followed by an added one of the same kind is one block edited: pair them up.
    for (let k = 0; k < Math.max(gone.length, came.length); k++) {
      const a = gone[k];
      const b = came[k];
      if (a && b && a.tag === b.tag && WORDY.has(a.tag)) {
        const w = words(a.text, b.text);
        out.push({ left: { kind: "changed", block: a, words: w }, right: { kind: "changed", block: b, words: w } });
      } else if (a && b && a.tag === b.tag && (a.tag === "ul" || a.tag === "ol")) {
        const [l, r] = listSides(a.items, b.items);
        out.push({ left: { kind: "list", block: a, items: l }, right: { kind: "list", block: b, items: r } });
      } else out.push({ left: a ? { kind: "removed", block: a } : null, right: b ? { kind: "added", block: b } : null });
    }
  }
  return out;
}

function marked(changes: ChangeObject<string>[], which: "left" | "right") {
  return changes
    .filter((w) => (which === "left" ? !w.added : !w.removed))
    .map((w, i) => (w.added ? <ins key={i}>{w.value}</ins> : w.removed ? <del key={i}>{w.value}</del> : w.value));
}

function Cell({ side, which }: { side: Side | null; which: "left" | "right" }) {
  if (!side) return <div class={`kb-diff-cell kb-diff-${which} empty`} />;
  if (side.kind === "changed") {
    return <div class={`kb-diff-cell kb-diff-${which} changed kb-article-body`}>{h(side.block.tag, null, marked(side.words, which))}</div>;
  }
  if (side.kind === "list") {
    const items = side.items.map((item, i) =>
      item.kind === "changed" ? (
        <li key={i}>{marked(item.words, which)}</li>
      ) : (
        <li key={i} class={item.kind}>
          {item.kind === "removed" ? <del>{item.text}</del> : item.kind === "added" ? <ins>{item.text}</ins> : item.text}
        </li>
      ),
    );
    return <div class={`kb-diff-cell kb-diff-${which} changed kb-article-body`}>{h(side.block.tag, null, items)}</div>;
  }
  return (
    // Sanitized by the hub when the version was saved: markup only, never script.
    <div class={`kb-diff-cell kb-diff-${which} ${side.kind} kb-article-body`} dangerouslySetInnerHTML={{ __html: side.block.html }} />
  );
}

function Field({ label, a, b }: { label: string; a: string; b: string }) {
  if (a === b) return null;
  const w = words(a, b);
  return (
    <div class="kb-diff-field">
      <span class="kb-label">{label}</span>
      <div class="kb-diff-row">
        <div class="kb-diff-cell kb-diff-left changed">{w.filter((x) => !x.added).map((x, i) => (x.removed ? <del key={i}>{x.value}</del> : x.value))}</div>
        <div class="kb-diff-cell kb-diff-right changed">{w.filter((x) => !x.removed).map((x, i) => (x.added ? <ins key={i}>{x.value}</ins> : x.value))}</div>
      </div>
    </div>
  );
}

export function VersionDiff({ before, after }: { before: Version; after: Version }) {
  const body = rows(before.body_html, after.body_html);
  const same = before.number === after.number || (body.every((r) => r.left?.kind === "same") && before.title === after.title && before.short_answer === after.short_answer && before.category === after.category && before.tags.join() === after.tags.join() && before.variants.join() === after.variants.join());
  const head = (v: Version) => `${t("Version %(n)s", { n: v.number })} · ${statusName(v.status)}`;
  return (
    <div id="diff" class="kb-diff" aria-live="polite">
      <div class="kb-diff-row kb-diff-heads" aria-hidden={same}>
        <div class="kb-diff-head kb-diff-left">{head(before)}</div>
        <div class="kb-diff-head kb-diff-right">{head(after)}</div>
      </div>
      {same ? <p class="muted">{t("No changes.")}</p> : null}
      <Field label={t("Title")} a={before.title} b={after.title} />
      <Field label={t("Other ways customers ask")} a={before.variants.join("\n")} b={after.variants.join("\n")} />
      <Field label={t("Short answer")} a={before.short_answer} b={after.short_answer} />
      <Field label={t("Category")} a={before.category} b={after.category} />
      <Field label={t("Tags")} a={before.tags.join(", ")} b={after.tags.join(", ")} />
      {same ? null : (
        <div class="kb-diff-body">
          {body.map((r, i) => (
            <div class="kb-diff-row" key={i}>
              <Cell side={r.left} which="left" />
              <Cell side={r.right} which="right" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
