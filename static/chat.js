/* Visitor chat: resumes by a token kept in localStorage; every message is acked after it is stored, and sent
   again (same client id, so stored once) until it is: after a dropped connection, and after a reload. */
"use strict";
(function () {
  var KEY = "hub.visitor_token";
  var PROFILE = "hub.visitor_profile";
  var OUTBOX = "hub.visitor_outbox"; // [{id, text}]: sent, not acknowledged yet
  var box = document.querySelector(".chat-box");
  var maxBytes = parseInt(box.dataset.maxBytes, 10);
  var list = document.getElementById("messages");
  var prechat = document.getElementById("prechat");
  var composer = document.getElementById("composer");
  var notice = document.getElementById("notice");
  var typing = document.getElementById("typing");
  var errorBox = document.getElementById("error");
  var params = new URLSearchParams(window.location.search);
  var site = siteIdentity();
  var socket = null;
  var typingTimer = null;
  var pending = {}; // client id -> {id, text, li}, in the order sent

  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  // The embedding website may say who the visitor is (widget.js puts it in the address's fragment, which
  // never reaches a server log): {name, email, identifier, identifier_hash}. Taken out of the address at once.
  function siteIdentity() {
    var raw = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("identity");
    if (window.location.hash) { history.replaceState(null, "", window.location.pathname + window.location.search); }
    try {
      var found = raw ? JSON.parse(raw) : null;
      return found && typeof found === "object" ? found : null;
    } catch (e) {
      return null;
    }
  }

  function saveOutbox() {
    var items = Object.keys(pending).map(function (k) { return { id: pending[k].id, text: pending[k].text }; });
    store(OUTBOX, JSON.stringify(items));
  }

  function storedOutbox() {
    try {
      var items = JSON.parse(load(OUTBOX) || "[]");
      return Array.isArray(items) ? items.filter(function (i) { return i && typeof i.id === "string" && typeof i.text === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  // A reply written in Markdown comes as HTML the hub sanitised; the widget still builds it afresh from an
  // allow-list (parsed inert by DOMParser: nothing runs or loads), so no markup it does not know ever shows.
  var ALLOWED = " P BR STRONG EM B I DEL S CODE PRE UL OL LI BLOCKQUOTE H1 H2 H3 H4 H5 H6 A HR TABLE THEAD TBODY TR TH TD ";
  var DROPPED = " SCRIPT STYLE TEMPLATE IFRAME OBJECT NOSCRIPT ";
  function copyAllowed(from, into) {
    Array.prototype.forEach.call(from.childNodes, function (c) {
      if (c.nodeType === 3) { into.appendChild(document.createTextNode(c.data)); return; }
      if (c.nodeType !== 1 || DROPPED.indexOf(" " + c.tagName + " ") >= 0) { return; }
      if (ALLOWED.indexOf(" " + c.tagName + " ") < 0) { copyAllowed(c, into); return; } // its words only
      var el = document.createElement(c.tagName.toLowerCase());
      var href = c.tagName === "A" ? c.getAttribute("href") || "" : "";
      if (/^(https?:|mailto:)/i.test(href)) {
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      }
      if (c.tagName === "OL" && c.getAttribute("start")) { el.start = parseInt(c.getAttribute("start"), 10) || 1; }
      copyAllowed(c, el);
      into.appendChild(el);
    });
  }

  function render(m, isPending) {
    var li = list.querySelector('li[data-id="' + m.id + '"]');
    if (!li) {
      li = document.createElement("li");
      list.appendChild(li);
    }
    li.className = "msg msg-" + m.direction + (isPending ? " pending" : "");
    li.dataset.id = m.id;
    li.textContent = "";
    if (m.direction === "outbound") {
      var who = document.createElement("div");
      who.className = "who";
      who.textContent = m.author || "Support";
      li.appendChild(who);
    }
    var text = document.createElement("div");
    text.className = "text";
    if (m.html) {
      text.classList.add("rich");
      copyAllowed(new DOMParser().parseFromString(m.html, "text/html").body, text);
    } else {
      text.textContent = m.text;
    }
    li.appendChild(text);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  // The hub's refusals in the page's languages (English and Chinese); any other as the hub worded it.
  function errorText(e) {
    if (e && e.code === "too_many_conversations") {
      var minutes = Math.max(1, Math.ceil((e.retry_after_s || 60) / 60));
      return "Too many new chats right now, please try again in " + minutes + " min · 新会话过多，请 " +
        minutes + " 分钟后再试";
    }
    if (e && e.code === "slow_down") { return "Too many messages, please wait a moment · 消息太频繁，请稍候再发"; }
    return e && e.message ? e.message : "Not sent, please retry · 发送失败，请重试";
  }

  function showNotice(n) {
    notice.textContent = n.text;
    notice.hidden = false;
  }

  function send(item) {
    // Queued by socket.io (retries): one message at a time, re-sent until the hub acknowledges it.
    socket.emit("message", { text: item.text, client_id: item.id }, function (err, ack) {
      delete pending[item.id];
      saveOutbox();
      if (err || !ack || !ack.ok) {
        item.li.classList.remove("pending");
        item.li.classList.add("failed");
        showError(err || !ack ? "Not sent, please retry · 发送失败，请重试" : errorText(ack.error));
        if (!composer.text.value) { composer.text.value = item.text; } // kept for them to send again
        return;
      }
      var stored = list.querySelector('li[data-id="' + ack.id + '"]');
      if (stored && stored !== item.li) {
        item.li.remove(); // stored before the connection dropped: the history already shows it
      } else {
        item.li.dataset.id = ack.id;
        item.li.classList.remove("pending");
      }
      if (ack.notice) { showNotice(ack.notice); }
    });
  }

  function queue(id, text) {
    var item = { id: id, text: text, li: render({ id: "c-" + id, direction: "inbound", text: text }, true) };
    pending[id] = item;
    saveOutbox();
    send(item);
  }

  function start(profile) {
    var auth = { visitor_token: load(KEY) };
    if (profile) {
      ["name", "email", "identifier", "identifier_hash"].forEach(function (k) {
        if (typeof profile[k] === "string" && profile[k]) { auth[k] = profile[k]; }
      });
    }
    if (params.get("topic")) { auth.topic = params.get("topic"); }
    if (params.get("widget")) { auth.widget = params.get("widget"); }
    socket = io("/visitor", { transports: ["websocket", "polling"], auth: auth, ackTimeout: 10000, retries: Infinity });
    var resent = false;
    socket.on("session", function (s) {
      store(KEY, s.visitor_token);
      socket.auth.visitor_token = s.visitor_token;
      list.textContent = "";
      s.messages.forEach(function (m) { render(m, false); });
      Object.keys(pending).forEach(function (k) { list.appendChild(pending[k].li); }); // still on their way
      if (!resent) {
        resent = true; // what an earlier page sent and never saw acknowledged
        storedOutbox().forEach(function (i) { if (!pending[i.id]) { queue(i.id, i.text); } });
      }
      prechat.hidden = true;
      composer.hidden = false;
      composer.text.focus();
    });
    socket.on("message", function (m) {
      typing.hidden = true;
      notice.hidden = true; // an agent is here: "nobody online" or "still looking" no longer holds
      render(m, false);
    });
    socket.on("typing", function (t) { if (t.who === "agent") { typing.hidden = !t.typing; } });
    socket.on("notice", showNotice);
    socket.on("error", function (e) { showError(errorText(e)); });
    socket.on("connect_error", function () { showError("Connecting… 正在连接…"); });
    socket.on("connect", function () { showError(""); });
    socket.on("disconnect", function () { showError("Reconnecting… 正在重新连接…"); });
    socket.on("server_restarting", function () { showError("Reconnecting… 正在重新连接…"); });
  }

  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  composer.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = composer.text.value;
    if (!text.trim()) { return; }
    if (new TextEncoder().encode(text).length > maxBytes) {
      showError("Message too long (limit " + maxBytes + " bytes) · 消息过长（上限 " + maxBytes + " 字节）");
      return;
    }
    showError("");
    composer.text.value = "";
    // Typing first starts the chat (with whatever the form says so far): socket.io holds the message until
    // the session exists, so the first thing a visitor writes is never lost.
    if (!socket) { startFromForm(); }
    queue(newId(), text);
    socket.volatile.emit("typing", { typing: false });
  });

  composer.text.addEventListener("input", function () {
    if (!socket) { return; } // no chat yet: nobody to tell
    if (!typingTimer) { socket.volatile.emit("typing", { typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { socket.volatile.emit("typing", { typing: false }); typingTimer = null; }, 2000);
  });

  composer.text.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); composer.requestSubmit(); }
  });

  function startFromForm() {
    var profile = { name: prechat.name.value, email: prechat.email.value };
    store(PROFILE, JSON.stringify(profile));
    prechat.hidden = true;
    start(site && site.identifier_hash ? site : profile);
  }

  prechat.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (socket) { return; } // already started (a double click)
    startFromForm();
    composer.text.focus();
  });

  if (site && site.identifier_hash) {
    start(site); // the website vouches for the visitor: no form to fill in
  } else if (load(KEY)) {
    start(site);
  } else {
    if (site) {
      prechat.name.value = site.name || "";
      prechat.email.value = site.email || "";
    }
    prechat.hidden = false;
  }
})();
