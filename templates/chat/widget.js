/* hub chat widget: add <script src="{BASE}/chat/widget.js" async></script> to any page.
   A website that knows its visitor sets, before that script tag (the hash computed on its own server):
   window.hubChat = {widget: "shop", identifier: "<user id or e-mail>", identifier_hash: "<hex HMAC-SHA256>",
                     name: "...", email: "..."};                                                     */
(function () {
  "use strict";
  var base = {{ base|tojson }};
  // <script src=".../chat/widget.js" data-topic="billing" data-widget="shop">: the topic routes the chat
  // (routing.toml entry_points); the widget names the website whose identity secret checks the visitor.
  var me = document.currentScript;
  var topic = me && me.getAttribute("data-topic");
  var settings = window.hubChat && typeof window.hubChat === "object" ? window.hubChat : {};
  var widget = (me && me.getAttribute("data-widget")) || settings.widget;
  if (window.__hubChatWidget) { return; }
  window.__hubChatWidget = true;
  var query = [];
  if (topic) { query.push("topic=" + encodeURIComponent(topic)); }
  if (widget) { query.push("widget=" + encodeURIComponent(widget)); }
  var identity = {};
  ["name", "email", "identifier", "identifier_hash"].forEach(function (k) {
    if (typeof settings[k] === "string" && settings[k]) { identity[k] = settings[k]; }
  });
  if (typeof settings.user_id === "string" && !identity.identifier) { identity.identifier = settings.user_id; }
  if (typeof settings.user_hash === "string" && !identity.identifier_hash) { identity.identifier_hash = settings.user_hash; }
  // In the fragment: the browser never sends it to any server, so the hash stays out of access logs.
  var fragment = Object.keys(identity).length ? "#identity=" + encodeURIComponent(JSON.stringify(identity)) : "";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Chat · 咨询";
  button.setAttribute("aria-label", "Open chat");
  button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483646;padding:12px 18px;" +
    "border:0;border-radius:24px;background:#2157d6;color:#fff;font:15px sans-serif;cursor:pointer;";
  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = base + "/chat" + (query.length ? "?" + query.join("&") : "") + fragment;
      frame.title = "Chat";
      frame.style.cssText = "position:fixed;right:20px;bottom:76px;z-index:2147483647;width:360px;height:520px;" +
        "max-height:80vh;border:1px solid #ccd;border-radius:10px;background:#fff;box-shadow:0 6px 24px rgba(0,0,0,.2);";
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
  });
  document.body.appendChild(button);
})();
