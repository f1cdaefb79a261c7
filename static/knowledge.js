/* Knowledge panel on the ticket view: live suggestions, search, insert the answer that fits the channel. */
"use strict";
(function () {
  var live = window.hubLive;
  var data = JSON.parse(document.getElementById("ticket-data").textContent);
  var ticket = data.ticket;
  var list = document.getElementById("kb-results");
  var template = document.getElementById("kb-item");
  var reply = document.querySelector("#reply textarea");
  // Short answers suit SMS and WeChat; chat and email get the full article.
  var SHORT_CHANNELS = { "sms.twilio": 1, "wechat": 1, "voice.twilio": 1 };
  var preferShort = !!SHORT_CHANNELS[ticket.channel];

  function feedback(articleId, kind) {
    return fetch("/api/v1/knowledge/articles/" + articleId + "/feedback", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": live.csrf() },
      body: JSON.stringify({ kind: kind, ticket_id: ticket.id })
    });
  }

  // Confident suggestions first (confidence >= the server's documented threshold); when none is, the
  // panel says so and lists the rest as guesses, so an agent never mistakes a guess for the answer.
  function show(suggestions) {
    list.textContent = "";
    if (!suggestions.length) { list.appendChild(live.el("li", "muted", live.t("No matching article."))); return; }
    var sure = suggestions.filter(function (s) { return s.confident; });
    var guesses = suggestions.filter(function (s) { return !s.confident; });
    if (!sure.length) { list.appendChild(live.el("li", "kb-none muted", live.t("No confident answer."))); }
    sure.concat(guesses).forEach(function (s) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.dataset.articleId = s.article_id;
      item.classList.add(s.confident ? "kb-confident" : "kb-guess");
      item.querySelector(".kb-title").textContent = s.title + "  (" + Math.round(100 * (s.confidence || 0)) + "%)";
      item.querySelector(".kb-short").textContent = s.short_answer;
      var use = s.usefulness || {};
      item.querySelector(".kb-usefulness").textContent = live.t("%(helpful)s helpful · %(inserted)s inserted · %(not_helpful)s not helpful", {
        helpful: use.helpful || 0, inserted: use.inserted || 0, not_helpful: use.not_helpful || 0
      });
      item.querySelector('[data-act="' + (preferShort ? "short" : "full") + '"]').classList.add("preferred");
      item.addEventListener("click", function (ev) {
        var act = ev.target.dataset && ev.target.dataset.act;
        if (!act) { return; }
        if (act === "short" || act === "full") {
          reply.value = (reply.value ? reply.value + "\n\n" : "") + (act === "short" ? s.short_answer : s.body);
          if (act === "full") {
            // The full answer is Markdown: the composer sends the reply as such, and the hub gives each channel
            // what it can show (and this article's short answer where the full one is too long).
            var ids = (reply.form.dataset.articles || "").split(",").filter(Boolean);
            if (ids.indexOf(String(s.article_id)) < 0) { ids.push(String(s.article_id)); }
            reply.form.dataset.articles = ids.join(",");
          }
          reply.focus();
          feedback(s.article_id, "inserted");
        } else {
          feedback(s.article_id, act).then(function () { ev.target.disabled = true; });
        }
      });
      list.appendChild(item);
    });
  }

  function search(q) {
    var url = "/api/v1/knowledge/suggest?ticket_id=" + ticket.id + "&q=" + encodeURIComponent(q.slice(0, 500));
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (body) { show(body.suggestions || []); });
  }

  document.getElementById("kb-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(ev.target.q.value);
  });

  // Live: each new customer message brings its own suggestions.
  var socket = live.connect();
  socket.on("connect", function () { socket.emit("watch", { ticket_id: ticket.id }); });
  live.on("suggestions", function (e) { if (e.ticket_id === ticket.id) { show(e.suggestions); } });

  // On opening: suggestions for the customer's latest message.
  var inbound = document.querySelectorAll("#messages .msg-inbound .text");
  if (inbound.length) { search(inbound[inbound.length - 1].textContent); }
})();
