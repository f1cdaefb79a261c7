/** One message: the visitor's on the right with its state (sent, delivered, read), the agent's on the left. */
import { Check, CheckCheck, CircleAlert, Clock, FileText, RotateCw } from "lucide-preact";
import { useEffect, useRef } from "preact/hooks";
import { formatClock, formatSize, t } from "../boot";
import { canRetry, retry } from "../connection";
import { renderAllowed } from "../markup";
import type { ChatMessage, FileInfo, Status } from "../store";
import { Avatar } from "./Avatar";

const STATUS_TEXT: Record<Status, () => string> = {
  sending: () => t("Sending…"),
  sent: () => t("Sent"),
  delivered: () => t("Delivered"),
  read: () => t("Read"),
  failed: () => t("Not sent"),
};

function StatusIcon({ status }: { status: Status }) {
  if (status === "sending") return <Clock size={14} aria-hidden="true" />;
  if (status === "sent") return <Check size={14} aria-hidden="true" />;
  if (status === "failed") return <CircleAlert size={14} aria-hidden="true" />;
  return <CheckCheck size={14} aria-hidden="true" />;
}

function Rich({ html }: { html: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current) renderAllowed(html, ref.current);
  }, [html]);
  return <div class="text rich" ref={ref} />;
}

function Files({ files }: { files: FileInfo[] }) {
  return (
    <ul class="files">
      {files.map((f, i) =>
        f.preview && f.type.startsWith("image/") ? (
          <li key={i}>
            <img class="file-image" src={f.preview} alt={t("Attachment: %(name)s", { name: f.name })} />
          </li>
        ) : (
          <li key={i} class="file-chip">
            <FileText size={18} aria-hidden="true" />
            <span class="file-name">{f.name}</span>
            {f.size ? <span class="file-size">{formatSize(f.size)}</span> : null}
          </li>
        ),
      )}
    </ul>
  );
}

export function MessageBubble({ message, first }: { message: ChatMessage; first: boolean }) {
  const mine = message.direction === "inbound";
  const pending = message.status === "sending" || message.status === "sent";
  const classes = ["msg", `msg-${message.direction}`, pending ? "pending" : "", message.status === "failed" ? "failed" : ""];
  const author = message.author || t("Support");
  return (
    <li class={classes.filter(Boolean).join(" ")} data-id={message.id} data-status={message.status}>
      {!mine ? <div class="msg-avatar">{first ? <Avatar name={author} /> : null}</div> : null}
      <div class="msg-body">
        {!mine && first ? <div class="who">{author}</div> : null}
        <div class="bubble">
          {message.files?.length ? <Files files={message.files} /> : null}
          {message.html ? <Rich html={message.html} /> : message.text ? <div class="text">{message.text}</div> : null}
        </div>
        <div class="meta">
          <time dateTime={message.createdAt}>{formatClock(message.createdAt)}</time>
          {mine && message.status ? (
            <span class={`status status-${message.status}`}>
              <StatusIcon status={message.status} />
              <span class="status-text">{STATUS_TEXT[message.status]()}</span>
            </span>
          ) : null}
          {mine && message.status === "failed" && canRetry(message.id) ? (
            <button type="button" class="link-button" onClick={() => retry(message.id)}>
              <RotateCw size={14} aria-hidden="true" />
              {t("Send again")}
            </button>
          ) : null}
        </div>
      </div>
    </li>
  );
}
