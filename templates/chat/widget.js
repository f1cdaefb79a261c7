/* hub chat widget: add <script src="{BASE}/chat/widget.js" async></script> to any page. */
(function () {
  "use strict";
  var base = {{ base|tojson }};
  // <script src=".../chat/widget.js" data-topic="billing">: the topic routes the chat (routing.toml entry_points).
  var me = document.currentScript;
  var topic = me && me.getAttribute("data-topic");
  if (window.__hubChatWidget) { return; }
  window.__hubChatWidget = true;
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
      frame.src = base + "/chat" + (topic ? "?topic=" + encodeURIComponent(topic) : "");
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
