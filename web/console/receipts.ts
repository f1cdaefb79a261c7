/** Read receipts for web chat: once the open ticket's chat messages are on screen (tab visible), the console
 * says `seen` up to the newest one, and the visitor's widget marks their messages read. */
import { effect } from "@preact/signals";
import { connect } from "./live";
import { state, watched } from "./conversation";

const told = new Map<number, number>();

function tell(): void {
  const s = state.value;
  if (!s || watched.value !== s.ticket.id || document.visibilityState !== "visible" || !connect().connected) return;
  let upTo = 0;
  for (const i of s.interactions) if (i.direction === "inbound" && i.channel === "webchat" && i.id > upTo) upTo = i.id;
  if (upTo === 0 || (told.get(s.ticket.id) ?? 0) >= upTo) return;
  told.set(s.ticket.id, upTo);
  connect().emit("seen", { ticket_id: s.ticket.id, up_to: upTo }, (ack?: { ok?: boolean }) => {
    // Refused (the ticket closed meanwhile, a dropped socket): allow a later try.
    if (!ack?.ok && (told.get(s.ticket.id) ?? 0) === upTo) told.delete(s.ticket.id);
  });
}

export function startReceipts(): void {
  effect(tell);
  document.addEventListener("visibilitychange", tell);
  // After a reconnect the ticket is watched again (watched changes) and receipts are said again.
  connect().on("connect", () => told.clear());
}
