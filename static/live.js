/* Shared console helpers: the /agent socket, translations, offers, mentions, shortcuts, safe DOM (text only). */
"use strict";
window.hubLive = (function () {
  var i18nNode = document.getElementById("i18n");
  var i18n = i18nNode ? JSON.parse(i18nNode.textContent) : { lang: "en", strings: {} };
  var lang = i18n.lang || document.documentElement.lang || "en";
  function t(msg, params) {
    var text = i18n.strings[msg] || msg;
    if (params) {
      text = text.replace(/%\((\w+)\)s/g, function (_m, k) { return params[k] === undefined ? "" : String(params[k]); });
    }
    return text;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf() } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new Error(data.error ? data.error.message : method + " " + r.status); }
        return data;
      });
    });
  }
  var shared = null;
  // Console events, each once: the feed may batch them ("batch": [[name, payload], ...]) and an event may
  // come through two of the socket's rooms; its id tells.
  var handlers = {}, seen = new Set(), seenOrder = [];
  function on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  function dispatch(name, payload) {
    var eid = payload && payload.eid;
    if (eid) {
      if (seen.has(eid)) { return; }
      seen.add(eid);
      seenOrder.push(eid);
      if (seenOrder.length > 5000) { seen.delete(seenOrder.shift()); }
    }
    (handlers[name] || []).forEach(function (fn) { fn(payload); });
  }
  function connect() {
    // One socket per page, whichever scripts ask for it.
    if (shared) { return shared; }
    var conn = document.getElementById("conn");
    var socket = io("/agent", { transports: ["websocket"] });
    shared = socket;
    socket.onAny(function (name, payload) {
      if (name === "batch") { payload.forEach(function (e) { dispatch(e[0], e[1]); }); } else { dispatch(name, payload); }
    });
    var pick = document.getElementById("my-status");
    if (pick) {
      on("hello", function (h) { if (h.status && h.status !== "offline") { pick.value = h.status; } });
      pick.addEventListener("change", function () {
        socket.emit("status", { status: pick.value }, function (ack) {
          if (ack && ack.ok) { pick.value = ack.status; }
        });
      });
    }
    on("presence", function (p) {
      if (pick && p.status !== "offline") { pick.value = p.status; }
      awayNotice(p.status === "away" && p.reason === "missed_offer", socket);
    });
    on("offer", showOffer);
    on("mention", showMention);
    function state(s, label) { if (conn) { conn.dataset.state = s; conn.textContent = label; } }
    socket.on("connect", function () { state("live", t("live")); });
    socket.on("disconnect", function () { state("offline", t("reconnecting…")); });
    // The server is stopping (a deploy, a restart): socket.io reconnects, behind a balancer to another process.
    socket.on("server_restarting", function () { state("offline", t("reconnecting…")); });
    socket.on("connect_error", function () { state("offline", t("offline")); });
    // Access ended (signed out elsewhere, session or token revoked, account deactivated): the server has closed
    // this socket for good, so the page would only go stale. To sign-in, which says why and comes back here.
    socket.on("signed_out", function () {
      state("offline", t("offline"));
      var back = window.location.pathname + window.location.search;
      window.location.assign("/login?signed_out=1&next=" + encodeURIComponent(back));
    });
    return socket;
  }
  function toast(card) {
    var box = document.getElementById("offers");
    if (box) { box.appendChild(card); }
  }
  function showMention(m) {
    var card = el("div", "offer mention");
    var link = el("a", null, t("%(name)s mentioned you on #%(id)s", { name: m.by || "", id: m.ticket.id }));
    link.href = "/console/tickets/" + m.ticket.id;
    card.appendChild(link);
    card.appendChild(el("p", "muted", m.text));
    var close = el("button", "link", t("Dismiss"));
    close.type = "button";
    close.addEventListener("click", function () { card.remove(); });
    card.appendChild(close);
    toast(card);
  }
  // An offer that passes unanswered makes the hub set the agent away (they are probably not at their desk):
  // say so where they look, and let them come back with one key (b) or a click.
  function awayNotice(show, socket) {
    var box = document.getElementById("offers"), old = document.getElementById("away-notice");
    if (old) { old.remove(); }
    if (!show || !box) { return; }
    var note = el("div", "away-notice");
    note.id = "away-notice";
    note.setAttribute("role", "status");
    note.appendChild(el("span", null, t("You missed an offer, so you are now away and get no new work.") + " "));
    var back = el("button", "primary", t("I am back") + " (b)");
    back.type = "button";
    back.dataset.act = "back";
    back.addEventListener("click", function () {
      socket.emit("status", { status: "available" }, function (ack) { if (ack && ack.ok) { awayNotice(false); } });
    });
    note.appendChild(back);
    box.insertBefore(note, box.firstChild);
  }
  function showOffer(o) {
    // An offered ticket: accept within the countdown or it goes to the next agent.
    var box = document.getElementById("offers");
    if (!box || box.querySelector('[data-ticket="' + o.ticket.id + '"]')) { return; }
    var card = el("div", "offer");
    card.dataset.ticket = o.ticket.id;
    card.setAttribute("role", "alertdialog");
    card.appendChild(el("strong", null, "#" + o.ticket.id + " " + o.ticket.subject));
    card.appendChild(el("span", "offer-meta", " " + t(o.ticket.channel) + " · " + t(o.ticket.customer_tier) + " "));
    var left = el("span", "countdown");
    card.appendChild(left);
    var accept = el("button", "primary", t("Accept") + " (a)");
    accept.dataset.act = "accept";
    var decline = el("button", "link", t("Decline"));
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
      left.textContent = t("%(s)s s", { s: s });
      if (s <= 0) { clearInterval(timer); card.remove(); }
    }
    tick();
    function answer(yes) {
      api("POST", "/api/v1/tickets/" + o.ticket.id + "/offer", { accept: yes }).then(function () {
        clearInterval(timer);
        card.remove();
        if (yes) { window.location.href = "/console/tickets/" + o.ticket.id; }
      }).catch(function (err) { msg.textContent = err.message; });
    }
    accept.addEventListener("click", function () { answer(true); });
    decline.addEventListener("click", function () { answer(false); });
  }
  var fmt = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
  function localTime(node) {
    var when = new Date(node.getAttribute("datetime"));
    if (!isNaN(when)) { node.textContent = fmt.format(when); node.title = when.toISOString(); }
  }
  function localTimes(root) { (root || document).querySelectorAll("time[datetime]").forEach(localTime); }
  var nf = new Intl.NumberFormat(lang);
  var PRIORITY = { urgent: 0, high: 1, normal: 2, low: 3 };
  var TIER = { diamond: 0, gold: 1, silver: 2, general: 3 };
  function rank(table, key) { return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : 9; }
  function due(tk) {   // when the first answer is due; never, once answered
    return !tk.first_responded_at && tk.first_response_due_at ? Date.parse(tk.first_response_due_at) : Infinity;
  }
  // Most urgent first, so `n` opens what must be answered next: a first answer already overdue, then priority,
  // the customer's tier, the nearest due time, and the longest wait.
  function byUrgency(now) {
    return function (a, b) {
      return ((due(a) < now ? 0 : 1) - (due(b) < now ? 0 : 1)) ||
        (rank(PRIORITY, a.priority) - rank(PRIORITY, b.priority)) ||
        (rank(TIER, a.customer_tier) - rank(TIER, b.customer_tier)) ||
        (due(a) - due(b) || 0) ||   // two "never"s give NaN: equal
        (a.last_message_at < b.last_message_at ? -1 : a.last_message_at > b.last_message_at ? 1 : 0);
    };
  }
  // Keyboard shortcuts: single keys, never while typing in a field.
  var keys = {};
  function onKey(key, fn) { keys[key] = fn; }
  onKey("?", function () { var d = document.getElementById("shortcuts"); if (d && d.showModal) { d.showModal(); } });
  onKey("b", function () {
    var back = document.querySelector('#away-notice [data-act="back"]');
    if (back) { back.click(); }
  });
  onKey("a", function () {
    var first = document.querySelector('#offers [data-act="accept"]');
    if (first) { first.click(); }
  });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || ev.target.isContentEditable) { return; }
    var fn = keys[ev.key];
    if (fn) { ev.preventDefault(); fn(ev); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    var help = document.getElementById("shortcuts-help");
    if (help) { help.addEventListener("click", keys["?"]); }
    var pick = document.getElementById("locale-pick");
    if (pick) { pick.addEventListener("change", function () { pick.form.submit(); }); }
  });
  return { el: el, t: t, lang: lang, api: api, connect: connect, on: on, csrf: csrf, localTime: localTime,
    localTimes: localTimes, number: function (n) { return nf.format(n); }, onKey: onKey, byUrgency: byUrgency };
})();
