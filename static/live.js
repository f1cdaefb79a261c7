/* Shared console helpers: the /agent socket and safe DOM building (text only, never HTML). */
"use strict";
window.hubLive = (function () {
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function connect() {
    var conn = document.getElementById("conn");
    var socket = io("/agent", { transports: ["websocket"] });
    function state(s, label) { if (conn) { conn.dataset.state = s; conn.textContent = label; } }
    socket.on("connect", function () { state("live", "live"); });
    socket.on("disconnect", function () { state("offline", "reconnecting…"); });
    socket.on("connect_error", function () { state("offline", "offline"); });
    return socket;
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  return { el: el, connect: connect, csrf: csrf };
})();
