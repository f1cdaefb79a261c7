/** The customer's chat widget: mounted on #chat by the chat page (inside the launcher's iframe, or on its own). */
import "./widget.css";
import "./messages.css";
import { render } from "preact";
import { boot, t } from "./boot";
import { isStarted, newMessage, queue, sendTyping, start, token } from "./connection";
import { upload } from "./files";
import { onBrand } from "./colour";
import { Composer, type Draft } from "./components/Composer";
import { Header } from "./components/Header";
import { MessageList } from "./components/MessageList";
import { NoticeLine, ProblemLine } from "./components/Notice";
import { Prechat, readPrechat } from "./components/Prechat";
import { PROFILE, RATED, load, loadJson, save, siteIdentity } from "./saved";
import { problem, ratings, started, update, upsert } from "./store";

const site = siteIdentity();
ratings.value = loadJson<Record<string, number>>(RATED, {}, (v) => !!v && typeof v === "object");
let typingTimer: number | undefined;

function startChat(profile: Record<string, string>): Promise<void> {
  save(PROFILE, JSON.stringify(profile));
  // The website vouches for the visitor (a signed identity): that, not what the form says.
  return start(site?.identifier_hash ? site : { ...(site ?? {}), ...profile });
}

function focusComposer(): void {
  document.getElementById("composer-text")?.focus();
}

async function send(draft: Draft): Promise<void> {
  // Typing first starts the chat (with whatever the form says so far): socket.io holds the message until the
  // session exists, so the first thing a visitor writes is never lost.
  const ready = isStarted() ? start(null) : startChat(readPrechat());
  sendTyping(false);
  const item = newMessage(draft.text);
  if (!draft.files.length) {
    queue(item);
    return;
  }
  const shown = `c-${item.id}`;
  const files = draft.files.map((f) => ({
    name: f.name,
    type: f.type,
    size: f.size,
    preview: f.type.startsWith("image/") ? URL.createObjectURL(f) : undefined,
  }));
  upsert({ id: shown, direction: "inbound", text: draft.text, createdAt: new Date().toISOString(), status: "sending", files });
  try {
    await ready;
    const visitor = token();
    if (!visitor) throw new Error("no visitor token");
    item.files = await Promise.all(draft.files.map((f) => upload(f, visitor)));
  } catch {
    update(shown, { status: "failed" });
    problem.value = t("The file could not be uploaded, please try again.");
    return;
  }
  queue(item);
}

function typing(): void {
  if (!isStarted()) return; // no chat yet: nobody to tell
  if (typingTimer === undefined) sendTyping(true);
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(() => {
    sendTyping(false);
    typingTimer = undefined;
  }, 2000);
}

function Chat() {
  const showForm = !started.value && boot.branding.prechat.length > 0;
  return (
    <main class="chat-window" aria-labelledby="chat-title">
      <Header />
      <div class="chat-scroll">
        {showForm ? (
          <Prechat
            onStart={(profile) => {
              void startChat(profile);
              focusComposer();
            }}
          />
        ) : null}
        <MessageList />
        <NoticeLine />
      </div>
      <ProblemLine />
      <Composer onSend={(draft) => void send(draft)} onTyping={typing} />
    </main>
  );
}

const root = document.getElementById("chat");
if (root) {
  root.style.setProperty("--brand", boot.branding.colour);
  const textOnBrand = onBrand(boot.branding.colour);
  root.style.setProperty("--on-brand", textOnBrand);
  // The brand's colour as text on white reads as well as white on it; a light brand's text goes dark instead.
  root.style.setProperty("--brand-text", textOnBrand === "#ffffff" ? boot.branding.colour : textOnBrand);
  render(<Chat />, root);
  if (site?.identifier_hash || load("hub.visitor_token")) void start(site);
}
