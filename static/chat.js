/* Visitor chat: resumes by a token kept in localStorage; every message is acked after it is stored. */
"use strict";
(function () {
  var KEY = "hub.visitor_token";
  var PROFILE = "hub.visitor_profile";
  var box = document.querySelector(".chat-box");
  var maxBytes = parseInt(box.dataset.maxBytes, 10);
  var list = document.getElementById("messages");
  var prechat = document.getElementById("prechat");
  var composer = document.getElementById("composer");
  var notice = document.getElementById("notice");
  var typing = document.getElementById("typing");
  var errorBox = document.getElementById("error");
  var socket = null;
  var typingTimer = null;

  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  function render(m, pending) {
    var li = list.querySelector('li[data-id="' + m.id + '"]');
    if (!li) {
      li = document.createElement("li");
      list.appendChild(li);
    }
    li.className = "msg msg-" + m.direction + (pending ? " pending" : "");
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
    text.textContent = m.text;
    li.appendChild(text);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function start(profile) {
    var auth = { visitor_token: load(KEY) };
    if (profile) { auth.name = profile.name; auth.email = profile.email; }
    var topic = new URLSearchParams(window.location.search).get("topic");
    if (topic) { auth.topic = topic; }
    socket = io("/visitor", { transports: ["websocket", "polling"], auth: auth });
    socket.on("session", function (s) {
      store(KEY, s.visitor_token);
      socket.auth.visitor_token = s.visitor_token;
      list.textContent = "";
      s.messages.forEach(function (m) { render(m, false); });
      prechat.hidden = true;
      composer.hidden = false;
      composer.text.focus();
    });
    socket.on("message", function (m) { typing.hidden = true; render(m, false); });
    socket.on("typing", function (t) { if (t.who === "agent") { typing.hidden = !t.typing; } });
    socket.on("notice", function (n) { notice.textContent = n.text; notice.hidden = false; });
    socket.on("error", function (e) { showError(e.message); });
    socket.on("connect_error", function () { showError("Connecting… 正在连接…"); });
    socket.on("connect", function () { showError(""); });
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
      showError("Message too long (limit " + maxBytes + " bytes) · 消息过长");
      return;
    }
    var clientId = newId();
    var li = render({ id: "c-" + clientId, direction: "inbound", text: text }, true);
    composer.text.value = "";
    socket.timeout(10000).emit("message", { text: text, client_id: clientId }, function (err, ack) {
      if (err || !ack || !ack.ok) {
        li.classList.add("failed");
        showError(err ? "Not sent, please retry · 发送失败，请重试" : ack.error.message);
        return;
      }
      li.dataset.id = ack.id;
      li.classList.remove("pending");
      if (ack.notice) { notice.textContent = ack.notice.text; notice.hidden = false; }
    });
    socket.emit("typing", { typing: false });
  });

  composer.text.addEventListener("input", function () {
    if (!typingTimer) { socket.emit("typing", { typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { socket.emit("typing", { typing: false }); typingTimer = null; }, 2000);
  });

  composer.text.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); composer.requestSubmit(); }
  });

  prechat.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var profile = { name: prechat.name.value, email: prechat.email.value };
    store(PROFILE, JSON.stringify(profile));
    start(profile);
  });

  if (load(KEY)) { start(null); } else { prechat.hidden = false; }
})();
