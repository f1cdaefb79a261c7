/** Where the visitor writes: Enter sends, Shift+Enter breaks the line; a paperclip attaches images and PDFs. */
import { Paperclip, SendHorizontal, X } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { boot, t } from "../boot";
import { ACCEPTED, refusal } from "../files";
import { problem, returned } from "../store";

export interface Draft {
  text: string;
  files: File[];
}

export function Composer({ onSend, onTyping }: { onSend: (draft: Draft) => void; onTyping: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const text = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const giveBack = returned.value;
  useEffect(() => {
    // A refused message's words come back to the composer (unless the visitor is writing something else).
    if (giveBack !== null && text.current && !text.current.value) text.current.value = giveBack;
    returned.value = null;
  }, [giveBack]);

  function submit(ev: Event): void {
    ev.preventDefault();
    const area = text.current;
    if (!area) return;
    const value = area.value;
    if (!value.trim() && !files.length) return;
    if (new TextEncoder().encode(value).length > boot.max_bytes) {
      problem.value = t("Message too long (limit %(bytes)s bytes).", { bytes: boot.max_bytes });
      return;
    }
    problem.value = "";
    area.value = "";
    onSend({ text: value, files });
    setFiles([]);
    area.focus();
  }

  function picked(ev: Event): void {
    const input = ev.currentTarget as HTMLInputElement;
    const chosen = Array.from(input.files ?? []);
    input.value = "";
    const refused = chosen.map(refusal).find((r) => r !== null);
    problem.value = refused ?? "";
    if (!refused) setFiles([...files, ...chosen].slice(0, 4));
  }

  function keydown(ev: KeyboardEvent): void {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      (ev.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  return (
    <form id="composer" class="composer" onSubmit={submit}>
      {files.length ? (
        <ul class="picked" aria-label={t("Attach a file")}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} class="file-chip">
              <span class="file-name">{f.name}</span>
              <button
                type="button"
                class="icon-button"
                aria-label={`${t("Remove attachment")}: ${f.name}`}
                onClick={() => setFiles(files.filter((_f, j) => j !== i))}
              >
                <X size={16} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div class="composer-row">
        <button type="button" class="icon-button attach" aria-label={t("Attach a file")} onClick={() => picker.current?.click()}>
          <Paperclip size={20} aria-hidden="true" />
        </button>
        <input ref={picker} type="file" accept={ACCEPTED.join(",")} multiple hidden onChange={picked} tabIndex={-1} />
        <label class="visually-hidden" for="composer-text">
          {t("Message")}
        </label>
        <textarea
          id="composer-text"
          ref={text}
          name="text"
          rows={1}
          placeholder={t("Type a message")}
          aria-describedby="composer-hint"
          onKeyDown={keydown}
          onInput={onTyping}
        />
        <button type="submit" class="send" aria-label={t("Send")}>
          <SendHorizontal size={20} aria-hidden="true" />
        </button>
      </div>
      <p id="composer-hint" class="visually-hidden">
        {t("Enter to send, Shift+Enter for a new line")}
      </p>
    </form>
  );
}
