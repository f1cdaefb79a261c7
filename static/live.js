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
    function state(s, label) { if (conn) { conn.dataset.state = s; conn.textContent = label; } }
    socket.on("connect", function () { state("live", "live"); });
    socket.on("disconnect", function () { state("offline", "reconnecting…"); });
    socket.on("connect_error", function () { state("offline", "offline"); });
    return socket;
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
