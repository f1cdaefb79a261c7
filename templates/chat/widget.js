/* hub chat launcher: add <script src="{BASE}/chat/widget.js" async></script> to any page.
   A website that knows its visitor sets, before that script tag (the hash computed on its own server):
   window.hubChat = {widget: "shop", identifier: "<user id or e-mail>", identifier_hash: "<hex HMAC-SHA256>",
                     name: "...", email: "..."};                                                     */
(function () {
  "use strict";
  var base = {{ base|tojson }};
  var origin = new URL(base).origin;
  var looks = {{ looks|safe }};
  var labels = {{ labels|safe }};
  // <script src=".../chat/widget.js" data-topic="billing" data-widget="shop">: the topic routes the chat
  // (routing.toml entry_points); the widget names the website whose branding and identity secret apply.
  var me = document.currentScript;
  var topic = me && me.getAttribute("data-topic");
  var settings = window.hubChat && typeof window.hubChat === "object" ? window.hubChat : {};
  var widget = (me && me.getAttribute("data-widget")) || settings.widget;
  if (window.__hubChatWidget) { return; }
  window.__hubChatWidget = true;
  var langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  var lang = "en";
  for (var i = 0; i < langs.length; i++) {
    var l = String(langs[i]).toLowerCase();
    if (l.indexOf("zh") === 0) { lang = /^zh-(tw|hk|mo|hant)/.test(l) ? "en" : "zh-Hans"; break; }
    if (l.indexOf("en") === 0) { break; }
  }
  var text = labels[lang] || labels.en;
  var look = looks[widget] || looks["default"];
  var query = [];
  if (topic) { query.push("topic=" + encodeURIComponent(topic)); }
  if (widget) { query.push("widget=" + encodeURIComponent(widget)); }
  query.push("embedded=1");
  var identity = {};
  ["name", "email", "identifier", "identifier_hash"].forEach(function (k) {
    if (typeof settings[k] === "string" && settings[k]) { identity[k] = settings[k]; }
  });
  if (typeof settings.user_id === "string" && !identity.identifier) { identity.identifier = settings.user_id; }
  if (typeof settings.user_hash === "string" && !identity.identifier_hash) { identity.identifier_hash = settings.user_hash; }
  // In the fragment: the browser never sends it to any server, so the hash stays out of access logs.
  var fragment = Object.keys(identity).length ? "#identity=" + encodeURIComponent(JSON.stringify(identity)) : "";
  var open = false;
  var frame = null;
  var style = document.createElement("style");
  style.textContent =
    ".hub-chat-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:56px;height:56px;" +
    "border:0;border-radius:50%;background:" + look.colour + ";color:#fff;cursor:pointer;display:flex;" +
    "align-items:center;justify-content:center;box-shadow:0 4px 16px rgba(0,0,0,.25);padding:0}" +
    ".hub-chat-launcher:focus-visible{outline:3px solid #111;outline-offset:3px}" +
    ".hub-chat-launcher svg{width:26px;height:26px}" +
    ".hub-chat-frame{position:fixed;right:20px;bottom:88px;z-index:2147483647;width:380px;height:600px;" +
    "max-height:calc(100vh - 108px);border:0;border-radius:16px;background:#fff;" +
    "box-shadow:0 12px 40px rgba(0,0,0,.22)}" +
    "@media (max-width:480px){.hub-chat-frame{inset:0;width:100%;height:100%;max-height:none;border-radius:0}" +
    ".hub-chat-launcher.hub-chat-open{display:none}}";
  document.head.appendChild(style);
  var CHAT = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" ' +
    'stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var CLOSE = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" ' +
    'aria-hidden="true"><path d="M18 6 6 18M6 6l12 12"/></svg>';
  var button = document.createElement("button");
  button.type = "button";
  button.className = "hub-chat-launcher";
  function show(next) {
    open = next;
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.src = base + "/chat?" + query.join("&") + fragment;
      frame.title = text.Chat;
      frame.className = "hub-chat-frame";
      frame.setAttribute("allow", "clipboard-write");
      document.body.appendChild(frame);
    }
    if (frame) { frame.hidden = !open; }
    button.innerHTML = open ? CLOSE : CHAT;
    button.setAttribute("aria-label", open ? text["Close chat"] : text["Open chat"]);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.classList.toggle("hub-chat-open", open);
    if (!open) { button.focus(); }
  }
  button.addEventListener("click", function () { show(!open); });
  // The chat's own close button (full screen on a phone hides this one) asks through a message.
  window.addEventListener("message", function (ev) {
    if (ev.origin === origin && ev.data === "hub-chat:close" && open) { show(false); }
  });
  show(false);
  document.body.appendChild(button);
})();
