/** The composer's Markdown toolbar as text edits: each button turns the textarea's text and selection into new
 * text and a new selection (pure functions, so the toolbar and its shortcuts share them). */

export type Mark = "bold" | "italic" | "code" | "link" | "list" | "numbered" | "quote";

export interface Edit {
  text: string;
  start: number;
  end: number;
}

const WRAP: Partial<Record<Mark, string>> = { bold: "**", italic: "_", code: "`" };
const URL_HINT = "https://";
const PREFIX: Partial<Record<Mark, (n: number) => string>> = { list: () => "- ", numbered: (n) => `${n}. `, quote: () => "> " };

/** Wrap the selection in a marker (or unwrap it when it is already wrapped); no selection: the marker pair with
 * the caret between, ready to type. Multi-line code becomes a fenced block. */
function wrap(e: Edit, marker: string): Edit {
  const { text, start, end } = e;
  const picked = text.slice(start, end);
  if (marker === "`" && picked.includes("\n")) {
    const lead = start > 0 && text[start - 1] !== "\n" ? "\n" : "";
    const block = `${lead}\`\`\`\n${picked.replace(/\n$/, "")}\n\`\`\`\n`;
    return { text: text.slice(0, start) + block + text.slice(end), start: start + lead.length + 4, end: start + lead.length + 4 + picked.replace(/\n$/, "").length };
  }
  const m = marker.length;
  if (text.slice(start - m, start) === marker && text.slice(end, end + m) === marker) {
    return { text: text.slice(0, start - m) + picked + text.slice(end + m), start: start - m, end: end - m };
  }
  // Markdown ignores emphasis around edge spaces ("** bold**"): keep the selection's spaces outside the markers.
  const inner = picked.trim();
  const before = picked.slice(0, picked.indexOf(inner));
  const after = picked.slice(before.length + inner.length);
  const out = `${before}${marker}${inner}${marker}${after}`;
  const from = start + before.length + m;
  return { text: text.slice(0, start) + out + text.slice(end), start: from, end: from + inner.length };
}

/** Each line the selection touches gets the prefix (bullets, numbers 1., 2., …, quote marks); when every one
 * already has it, the prefix comes off again. */
function prefix(e: Edit, make: (n: number) => string): Edit {
  const { text, start, end } = e;
  const from = start > 0 ? text.lastIndexOf("\n", start - 1) + 1 : 0;
  const last = end > start && text[end - 1] === "\n" ? end - 1 : end; // a selection of whole lines ends past one
  const stop = text.indexOf("\n", last);
  const to = stop === -1 ? text.length : stop;
  const lines = text.slice(from, to).split("\n");
  const marked = (line: string, i: number) => line.startsWith(make(i + 1)) || (make(1) === "1. " && /^\d+\. /.test(line));
  const undo = lines.every((line, i) => marked(line, i));
  const next = lines.map((line, i) => (undo ? line.replace(/^(- |> |\d+\. )/, "") : make(i + 1) + line)).join("\n");
  // CommonMark lets a list or a quote interrupt a paragraph: no blank line is needed above it.
  const caret = from + next.length;
  return { text: text.slice(0, from) + next + text.slice(to), start: start === end ? caret : from, end: caret };
}

/** A link, as GitHub's editor makes one: selected words become `[words](https://)` with the address selected to
 * paste over; a selected address becomes `[](address)` with the caret where the words go. */
function link(e: Edit): Edit {
  const { text, start, end } = e;
  const picked = text.slice(start, end);
  const address = /^(https?:\/\/|mailto:)\S+$/.test(picked.trim()) ? picked.trim() : "";
  if (address || !picked) {
    const out = `[](${address || URL_HINT})`;
    return { text: text.slice(0, start) + out + text.slice(end), start: start + 1, end: start + 1 };
  }
  const out = `[${picked}](${URL_HINT})`;
  const from = start + picked.length + 3;
  return { text: text.slice(0, start) + out + text.slice(end), start: from, end: from + URL_HINT.length };
}

export function applyMark(e: Edit, mark: Mark): Edit {
  if (mark === "link") return link(e);
  const w = WRAP[mark];
  if (w) return wrap(e, w);
  const p = PREFIX[mark];
  return p ? prefix(e, p) : e;
}

/** Whether the text carries Markdown the toolbar writes (or an agent typed): then it is sent as Markdown, each
 * channel getting it as it can show it; a plain reply is sent exactly as typed. */
export function hasMarkup(text: string): boolean {
  return (
    /\*\*[^*\n]+\*\*|(^|[\s(])_[^_\n]+_(?=$|[\s).,!?;:])|`[^`\n]+`|\[[^\]\n]*\]\([^)\s]+\)/.test(text) ||
    /^(- |\d+\. |> |```)/m.test(text)
  );
}
