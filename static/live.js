/* Shared console helpers: the /agent socket and safe DOM building (text only, never HTML). */
"use strict";
window.hubLive = (function () {
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  var shared = null;
  function connect() {
    // One socket per page, whichever scripts ask for it.
    if (shared) { return shared; }
    var conn = document.getElementById("conn");
    var socket = io("/agent", { transports: ["websocket"] });
    shared = socket;
    var pick = document.getElementById("my-status");
    if (pick) {
      socket.on("hello", function (h) { if (h.status && h.status !== "offline") { pick.value = h.status; } });
      pick.addEventListener("change", function () {
        socket.emit("status", { status: pick.value }, function (ack) {
          if (ack && ack.ok) { pick.value = ack.status; }
        });
      });
    }
    socket.on("presence", function (p) { if (pick && p.status !== "offline") { pick.value = p.status; } });
    socket.on("offer", showOffer);
    function state(s, label) { if (conn) { conn.dataset.state = s; conn.textContent = label; } }
    socket.on("connect", function () { state("live", "live"); });
    socket.on("disconnect", function () { state("offline", "reconnecting…"); });
    // The server is stopping (a deploy, a restart): socket.io reconnects, behind a balancer to another process.
    socket.on("server_restarting", function () { state("offline", "reconnecting…"); });
    socket.on("connect_error", function () { state("offline", "offline"); });
    return socket;
  }
  function showOffer(o) {
    // An offered ticket: accept within the countdown or it goes to the next agent.
    var box = document.getElementById("offers");
    if (!box || box.querySelector('[data-ticket="' + o.ticket.id + '"]')) { return; }
    var card = el("div", "offer");
    card.dataset.ticket = o.ticket.id;
    card.appendChild(el("strong", null, "#" + o.ticket.id + " " + o.ticket.subject));
    card.appendChild(el("span", "offer-meta", " " + o.ticket.channel + " · " + o.ticket.customer_tier + " "));
    var left = el("span", "countdown");
    card.appendChild(left);
    var accept = el("button", "primary", "Accept");
    var decline = el("button", "link", "Decline");
    accept.type = decline.type = "button";
    card.appendChild(accept);
    card.appendChild(decline);
    var msg = el("span", "error");
    card.appendChild(msg);
    box.appendChild(card);
    var until = new Date(o.expires_at).getTime();
    var timer = setInterval(tick, 250);
    function tick() {
      var s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      left.textContent = s + " s";
      if (s <= 0) { clearInterval(timer); card.remove(); }
    }
    tick();
    function answer(yes) {
      fetch("/api/v1/tickets/" + o.ticket.id + "/offer", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify({ accept: yes })
      }).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { msg.textContent = body.error ? body.error.message : "failed"; return; }
          clearInterval(timer);
          card.remove();
          if (yes) { window.location.href = "/console/tickets/" + o.ticket.id; }
        });
      });
    }
    accept.addEventListener("click", function () { answer(true); });
    decline.addEventListener("click", function () { answer(false); });
  }
  var fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" });
  function localTime(node) {
    var when = new Date(node.getAttribute("datetime"));
    if (!isNaN(when)) { node.textContent = fmt.format(when); node.title = when.toISOString(); }
  }
  function localTimes(root) { (root || document).querySelectorAll("time[datetime]").forEach(localTime); }
  document.addEventListener("DOMContentLoaded", function () { localTimes(); });
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  return { el: el, connect: connect, csrf: csrf, localTime: localTime };
})();
