/** The conversation: the website's greeting, the messages grouped by sender, the survey and the typing line. */
import { useEffect, useRef } from "preact/hooks";
import { boot, configured, t } from "../boot";
import { agentTyping, messages, ratings, type ChatMessage } from "../store";
import { Avatar } from "./Avatar";
import { MessageBubble } from "./MessageBubble";
import { Rating } from "./Rating";

const RATING_REPLY = /^\s*[1-5]\s*$/;

/** A survey's answer is a reply of 1 to 5: it shows as the survey's thank-you, not as a message. */
function withAnswers(list: ChatMessage[]): { shown: ChatMessage[]; answers: Record<string, number> } {
  const shown: ChatMessage[] = [];
  const answers: Record<string, number> = {};
  let survey: string | null = null;
  for (const m of list) {
    if (m.kind === "rating") continue;
    if (m.direction === "inbound" && survey && RATING_REPLY.test(m.text)) {
      answers[survey] = parseInt(m.text, 10);
      survey = null;
      continue;
    }
    survey = m.kind === "survey" ? m.id : m.direction === "inbound" ? null : survey;
    shown.push(m);
  }
  return { shown, answers };
}

export function MessageList() {
  const end = useRef<HTMLLIElement>(null);
  const { shown, answers } = withAnswers(messages.value);
  const greeting = configured(boot.branding.greeting);
  const typing = agentTyping.value;
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [shown.length, typing, messages.value]);
  return (
    <ol id="messages" class="messages" aria-live="polite" aria-label={t("Conversation")}>
      {greeting ? (
        <li class="msg msg-outbound msg-greeting">
          <div class="msg-avatar">
            <Avatar name={configured(boot.branding.title) ?? t("Support")} />
          </div>
          <div class="msg-body">
            <div class="bubble">
              <div class="text">{greeting}</div>
            </div>
          </div>
        </li>
      ) : null}
      {shown.map((m, i) => {
        const before = shown[i - 1];
        const first = !before || before.direction !== m.direction || before.author !== m.author;
        if (m.kind === "survey") {
          return (
            <li key={m.id} class="msg msg-survey" data-id={m.id}>
              <Rating surveyId={m.id} given={ratings.value[m.id] ?? answers[m.id]} />
            </li>
          );
        }
        return <MessageBubble key={m.id} message={m} first={first} />;
      })}
      {typing !== null ? (
        <li class="msg msg-outbound typing" id="typing">
          <div class="msg-avatar">
            <Avatar name={typing || t("Agent")} />
          </div>
          <div class="msg-body">
            <div class="bubble typing-bubble" role="status">
              <span class="dots" aria-hidden="true">
                <i />
                <i />
                <i />
              </span>
              <span class="typing-text">{typing ? t("%(name)s is typing…", { name: typing }) : t("Someone is typing…")}</span>
            </div>
          </div>
        </li>
      ) : null}
      <li ref={end} class="end" aria-hidden="true" />
    </ol>
  );
}
