/** The composer: reply on any of the customer's channels (its limits shown as you type), internal notes with
 * @mentions, coaching, canned responses on `/` or `#` and macros from the toolbar, Markdown marks and emoji, files by
 * picker, drag and drop or paste, Ctrl+Enter to send. */
import "./composer.css";
import { Paperclip, Send, X } from "lucide-preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { formatNumber, t } from "../../shared/i18n";
import { boot } from "../boot";
import { applyMacro, sendReply, state, typing, upload } from "../conversation";
import { draft, setDraft } from "../draft";
import { channelName } from "../labels";
import { describeLimits } from "../limits";
import { applyMark, hasMarkup, type Mark } from "../markdown";
import type { Attachment, Macro } from "../types";
import { ComposerToolbar, shortcutMark } from "./ComposerToolbar";
import { Picker, type Choice } from "./Picker";
import { errorText } from "../errors";

export function Composer() {
  const s = state.value;
  const box = useRef<HTMLTextAreaElement>(null);
  const typingTimer = useRef<number>(0);
  const [channel, setChannel] = useState(s?.ticket.channel ?? "");
  const [internal, setInternal] = useState(false);
  const [coach, setCoach] = useState(false);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [mentions, setMentions] = useState<number[]>([]);
  const [error, setError] = useState("");
  const [sending, setSending] = useState(false);
  const [caret, setCaret] = useState(0);
  const [dragging, setDragging] = useState(false);
  // Where the caret goes once an edit has rendered, for the text it was computed on: a key typed meanwhile (a
  // fast typist after Ctrl+K) has moved on, and putting back a stale selection would scramble their words.
  const selection = useRef<{ text: string; at: [number, number] } | null>(null);
  useEffect(() => setChannel(s?.ticket.channel ?? ""), [s?.ticket.id]);
  useLayoutEffect(() => {
    const wanted = selection.current;
    const el = box.current;
    selection.current = null;
    if (!wanted || !el || el.value !== wanted.text) return;
    el.focus();
    el.setSelectionRange(wanted.at[0], wanted.at[1]);
  });
  if (!s) return null;
  const text = draft.value.text;
  const note = internal || coach;
  const limits = describeLimits(text, s.channels[channel]);
  // Text-only channels get the words without the marks (hub/markup.py): say so before the agent sends.
  const textOnly = /^(sms|wechat|voice)/.test(channel);
  const plainHint = textOnly && hasMarkup(text) ? [t("%(channel)s shows plain text: the formatting is left out", { channel: channelName(channel) })] : [];
  const before = text.slice(0, caret);
  // What the word at the caret asks for: a colleague (@ in a note) or a canned response (/ or # at a word's
  // start: agents coming from Zendesk type /, from Freshdesk or Front #).
  const mention = note ? /@([\w.\-\u4e00-\u9fff]*)$/.exec(before) : null;
  const canned = /(?:^|\s)[/#]([^\s/#]*)$/.exec(before);
  let choices: Choice[] = [];
  if (mention) {
    const w = (mention[1] ?? "").toLowerCase();
    choices = Object.entries(s.agents)
      .filter(([id, name]) => Number(id) !== boot.me.agent_id && name.toLowerCase().replace(/\s+/g, "").startsWith(w))
      .slice(0, 6)
      .map(([id, name]) => ({ id, label: name }));
  } else if (canned) {
    const w = (canned[1] ?? "").toLowerCase();
    choices = s.macros.filter((m) => m.title.toLowerCase().includes(w)).slice(0, 8).map((m) => ({ id: String(m.id), label: m.title, hint: m.body.slice(0, 60) }));
  }

  const edit = (value: string) => {
    setDraft({ ...draft.value, text: value });
    if (!typingTimer.current) typing(true, note);
    window.clearTimeout(typingTimer.current);
    typingTimer.current = window.setTimeout(() => {
      typing(false, note);
      typingTimer.current = 0;
    }, 2000);
  };
  const pick = (c: Choice) => {
    const after = text.slice(caret);
    if (mention) {
      const name = (s.agents[c.id] ?? "").replace(/\s+/g, "");
      edit(`${before.slice(0, before.length - (mention[1] ?? "").length)}${name} ${after}`);
      if (!mentions.includes(Number(c.id))) setMentions([...mentions, Number(c.id)]);
      setCaret(-1);
    } else if (canned) {
      const start = before.length - (canned[1] ?? "").length - 1;
      applyMacro(Number(c.id))
        .then((filled) => edit(`${before.slice(0, start)}${filled}${after}`))
        .catch((err: unknown) => setError(errorText(err)));
      setCaret(-1);
    }
    box.current?.focus();
  };
  /** The new text and caret in the box at once (the next key lands where the edit left it), then in the draft. */
  const put = (el: HTMLTextAreaElement | null, value: string, at: [number, number]) => {
    if (el && document.activeElement === el) {
      el.value = value;
      el.setSelectionRange(at[0], at[1]);
    }
    selection.current = { text: value, at };
    edit(value);
  };
  const mark = (m: Mark) => {
    const el = box.current;
    if (!el) return;
    const out = applyMark({ text: el.value, start: el.selectionStart, end: el.selectionEnd }, m);
    put(el, out.text, [out.start, out.end]);
  };
  /** Put text at the caret (over the selection), the caret after it. */
  const insert = (piece: string) => {
    const el = box.current;
    const [from, to] = el ? [el.selectionStart, el.selectionEnd] : [text.length, text.length];
    put(el, text.slice(0, from) + piece + text.slice(to), [from + piece.length, from + piece.length]);
  };
  const runMacro = (m: Macro) => {
    applyMacro(m.id)
      .then((filled) => insert(filled))
      .catch((err: unknown) => setError(errorText(err)));
  };
  const attach = (list: FileList | File[] | null) => {
    for (const file of Array.from(list ?? [])) {
      upload(file)
        .then((a) => setFiles((now) => [...now, a]))
        .catch((err: unknown) => setError(errorText(err)));
    }
  };
  const submit = (e?: Event) => {
    e?.preventDefault();
    if (!text.trim() || limits.over || sending) return;
    setError("");
    setSending(true);
    const markdown = !note && hasMarkup(text);
    sendReply({ text, internal, coach, channel, mentions, attachments: files, articles: draft.value.articles, markdown })
      .then(() => {
        setDraft({ text: "", articles: [] });
        setFiles([]);
        setMentions([]);
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setSending(false));
  };

  return (
    <form
      id="reply"
      class={`composer${note ? " composer-note" : ""}${dragging ? " dragging" : ""}`}
      aria-label={t("Reply")}
      onSubmit={submit}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        attach(e.dataTransfer?.files ?? null);
      }}
    >
      <div class="composer-bar">
        <div class="mode" role="group" aria-label={t("Reply or note")}>
          <label class={!note ? "on" : ""}>
            <input type="radio" name="mode" checked={!note} onChange={() => (setInternal(false), setCoach(false))} /> {t("Reply")}
          </label>
          <label class={internal ? "on" : ""}>
            <input type="checkbox" name="internal" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> {t("Internal note")}
          </label>
          {boot.me.supervisor && (
            <label class={coach ? "on" : ""}>
              <input type="checkbox" name="coach" checked={coach} onChange={(e) => setCoach(e.currentTarget.checked)} /> {t("Coach (only the assigned agent sees it)")}
            </label>
          )}
        </div>
        {!note && (
          <label class="inline">
            {t("Reply on")}{" "}
            <select name="channel" id="reply-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
              {Object.keys(s.channels).map((name) => (
                <option key={name} value={name}>
                  {channelName(name)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ComposerToolbar onMark={mark} onInsert={insert} macros={note ? null : s.macros} onMacro={runMacro} />
      <textarea
        ref={box}
        name="text"
        rows={4}
        value={text}
        aria-label={t("Message")}
        aria-describedby="limits"
        placeholder={note ? t("Write a note… @name tells a colleague") : t("Write a reply… / or # for canned responses")}
        onInput={(e) => {
          edit(e.currentTarget.value);
          setCaret(e.currentTarget.selectionStart);
        }}
        onClick={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
          const shortcut = shortcutMark(e);
          if (shortcut) {
            e.preventDefault();
            mark(shortcut);
          }
          if (e.key === "Escape") setCaret(-1);
          if (e.key === "ArrowDown" && choices.length > 0 && caret >= 0) {
            e.preventDefault();
            document.querySelector<HTMLElement>(".composer .mention-pick li")?.focus();
          }
        }}
        onPaste={(e) => {
          const pasted = Array.from(e.clipboardData?.files ?? []);
          if (pasted.length) {
            e.preventDefault();
            attach(pasted);
          }
        }}
      />
      {choices.length > 0 && caret >= 0 && <Picker id={mention ? "mention-pick" : "canned-pick"} choices={choices} onPick={pick} label={mention ? t("Colleagues") : t("Canned responses")} />}
      {files.length > 0 && (
        <ul id="picked" class="picked" aria-live="polite">
          {files.map((a, i) => (
            <li key={a.storage_key}>
              <Paperclip size={12} aria-hidden="true" /> {a.filename} ({formatNumber(Math.ceil((a.size ?? 0) / 1024))} KB)
              <button type="button" class="icon-button" aria-label={t("Remove %(name)s", { name: a.filename })} onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                <X size={12} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <label class="attach icon-button" title={t("Attach files")}>
          <Paperclip size={16} aria-hidden="true" />
          <span class="visually-hidden">{t("Attach files")}</span>
          <input type="file" id="reply-files" multiple class="visually-hidden" onChange={(e) => (attach(e.currentTarget.files), (e.currentTarget.value = ""))} />
        </label>
        <span id="limits" class={`limits${limits.over ? " over" : ""}`} aria-live="polite">
          {note ? t("Internal note: the customer does not see it.") : [...limits.parts, ...plainHint].join(" · ")}
        </span>
        <span id="reply-error" class="error" role="alert">
          {error}
        </span>
        <button type="submit" class="send" disabled={limits.over || sending}>
          <Send size={14} aria-hidden="true" /> {note ? t("Add note") : t("Send")} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
    </form>
  );
}
