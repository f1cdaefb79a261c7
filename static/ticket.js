/* Ticket view: live messages, delivery states, who else is here, status and ownership actions. */
"use strict";
(function () {
  var live = window.hubLive, t = live.t;
  var data = JSON.parse(document.getElementById("ticket-data").textContent);
  var ticket = data.ticket;
  var list = document.getElementById("messages");
  // n: on to the next ticket to answer, in the order the inbox shows (mine first, then my queues').
  live.onKey("n", function () {
    fetch("/api/v1/console/inbox", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      var open = s.tickets.filter(function (tk) { return tk.id !== ticket.id && tk.status !== "pending"; });
      var mine = open.filter(function (tk) { return tk.assignee_id === s.me; });
      var next = (mine.length ? mine : open).sort(live.byUrgency(Date.now()))[0];
      if (next) { window.location.href = "/console/tickets/" + next.id; }
    });
  });
  var typing = document.getElementById("typing");

  function author(m) {
    if (m.direction === "inbound") { return ticket.customer_name; }
    return (m.author_agent_id && data.agents[m.author_agent_id]) || t("agent");
  }
  // What a chat visitor says they are: vouched for by the website, or only said (templates/console/_claim.html).
  function claimed(c) {
    var span = c.verified
      ? live.el("span", "claim", t("verified by the website as %(who)s", { who: c.identifier || c.email || "" }))
      : live.el("span", "claim", t("says they are %(who)s, not verified", { who: ((c.name || "") + (c.email ? " <" + c.email + ">" : "")).trim() }));
    span.dataset.verified = c.verified ? "yes" : "no";
    return span;
  }
  function render(m) {
    if (list.querySelector('li[data-id="' + m.id + '"]')) { return; }
    var coach = m.direction === "note" && m.meta && m.meta.coach_for;
    var li = live.el("li", "msg msg-" + m.direction + (coach ? " msg-coach" : ""));
    li.dataset.id = m.id;
    var who = live.el("div", "who", author(m) + " ");
    if (m.direction === "inbound" && m.meta && m.meta.claim) {
      who.appendChild(claimed(m.meta.claim));
      who.appendChild(document.createTextNode(" "));
    }
    if (m.direction === "note") { who.appendChild(live.el("em", null, (coach ? t("coaching, only you see it") : t("internal note")) + " ")); }
    if (m.channel !== ticket.channel) { who.appendChild(live.el("span", "via", t("via %(channel)s", { channel: t(m.channel) }) + " ")); }
    var time = live.el("time", null, m.created_at);
    time.dateTime = m.created_at;
    live.localTime(time);
    who.appendChild(time);
    if (m.delivery_status) {
      var d = live.el("span", "delivery", t(m.delivery_status));
      d.dataset.status = m.delivery_status;
      who.appendChild(d);
    }
    if (m.direction === "outbound") { showDelivery(li, who, m.delivery_status, m.delivery_next_attempt_at); }
    li.appendChild(who);
    li.appendChild(live.el("div", "text", m.text));
    mail(li, m);
    (m.attachments || []).forEach(function (a) {
      var link = live.el("a", "attachment", a.filename || t("file"));
      link.href = "/api/v1/attachments/" + a.storage_key;
      link.setAttribute("download", a.filename || "file");
      li.appendChild(link);
    });
    list.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }
  // A mail's extras, as the page draws them: an automatic reply's note, the HTML as sent (its own sandboxed
  // document, inline images in place), each forwarded mail with its From, Date and Subject. Text only.
  function mail(li, m) {
    var meta = m.meta || {};
    if (meta.automatic) {
      li.appendChild(live.el("div", "automatic", t("Automatic reply from %(sender)s: kept on the ticket, nothing reopened or answered", { sender: meta.from || "?" })));
    }
    if (m.html && m.direction === "inbound") {
      var box = live.el("details", "mail-html");
      box.open = !!meta.cid;
      box.appendChild(live.el("summary", null, t("Mail as sent")));
      var frame = document.createElement("iframe");
      frame.setAttribute("sandbox", "allow-same-origin allow-popups allow-popups-to-escape-sandbox");
      frame.title = t("Mail as sent");
      frame.src = "/console/messages/" + m.id + "/mail";
      box.appendChild(frame);
      li.appendChild(box);
    }
    (meta.forwarded || []).forEach(function (f) {
      var block = live.el("blockquote", "forwarded");
      var head = live.el("div", "who", t("Forwarded message"));
      if (f.storage_key) {
        var link = live.el("a", null, t("original mail (.eml)"));
        link.href = "/api/v1/attachments/" + f.storage_key;
        head.appendChild(document.createTextNode(" · "));
        head.appendChild(link);
      }
      block.appendChild(head);
      var fields = live.el("dl");
      [["From", f.sender], ["Date", f.date], ["Subject", f.subject]].forEach(function (pair) {
        fields.appendChild(live.el("dt", null, t(pair[0])));
        fields.appendChild(live.el("dd", null, pair[1] || ""));
      });
      block.appendChild(fields);
      block.appendChild(live.el("div", "text", f.text || ""));
      li.appendChild(block);
    });
  }
  function showTicket(tk) {
    ticket = tk;
    document.getElementById("status").textContent = t(tk.status);
    var box = document.getElementById("assignment");
    box.textContent = "";
    var who = tk.assignee_id ? t("Assigned to %(name)s", { name: data.agents[tk.assignee_id] || "#" + tk.assignee_id })
      : ((tk.assignment && tk.assignment.reasons) ? t("Waiting in queue") : "");
    if (who) { box.appendChild(live.el("strong", null, who)); }
    var reasons = live.el("ul");
    ((tk.assignment && tk.assignment.reasons) || []).forEach(function (why) { reasons.appendChild(live.el("li", null, why)); });
    box.appendChild(reasons);
  }
  function showViewers(viewers) {
    var others = viewers.filter(function (v) { return v.agent_id !== data.me; });
    var line = document.getElementById("viewers");
    line.textContent = "";
    if (!others.length) { return; }
    line.appendChild(live.el("span", null, t("Also here:") + " "));
    others.forEach(function (v) {
      var who = live.el("span", "viewer" + (v.typing ? " typing" : ""), v.name + (v.typing ? " (" + t("typing…") + ")" : ""));
      line.appendChild(who);
      line.appendChild(document.createTextNode(" "));
    });
  }
  window.hubTicket = { render: render, ticket: function () { return ticket; } };

  var socket = live.connect();
  socket.on("connect", function () {
    socket.emit("watch", { ticket_id: ticket.id }, function (ack) { if (ack && ack.viewers) { showViewers(ack.viewers); } });
    // Back after a drop: what happened meanwhile comes from a fresh read, not from events we missed.
    live.api("GET", "/api/v1/tickets/" + ticket.id).then(function (state) {
      showTicket(state.ticket);
      state.interactions.forEach(render);
    }).catch(function () {});
  });
  live.on("message", function (e) {
    if (e.ticket.id !== ticket.id) { return; }
    var moved = e.interaction.meta || {};
    if (moved.merged_from || moved.merged_into || moved.split_to || moved.split_from) {
      // A merge or split moved messages in or out: the conversation is read afresh.
      live.api("GET", "/api/v1/tickets/" + ticket.id).then(function (state) {
        list.textContent = "";
        showTicket(state.ticket);
        state.interactions.forEach(render);
      }).catch(function () {});
      return;
    }
    render(e.interaction);
    showTicket(e.ticket);
    if (e.interaction.direction === "inbound") { typing.hidden = true; }
  });
  live.on("ticket", function (e) { if (e.ticket.id === ticket.id) { showTicket(e.ticket); } });
  live.on("viewers", function (e) { if (e.ticket_id === ticket.id) { showViewers(e.viewers); } });
  // A reply the outbox retries after a provider's failure: when it tries next, and "send again now" for it or
  // for one that failed for good (the server checks the role, as for replying).
  function showDelivery(li, who, status, nextAt) {
    var next = li.querySelector(".next-attempt"), retry = li.querySelector("button.retry");
    if (next) { next.remove(); }
    if (status === "retrying" && nextAt) {
      next = live.el("span", "next-attempt", t("next attempt at %(time)s", { time: new Date(nextAt).toLocaleString() }));
      who.appendChild(next);
    }
    if (status === "retrying" || status === "failed") {
      if (!retry) {
        retry = live.el("button", "retry", t("Send again now"));
        retry.type = "button";
        retry.dataset.retry = li.dataset.id;
        who.appendChild(retry);
      }
    } else if (retry) { retry.remove(); }
  }
  list.addEventListener("click", function (ev) {
    var button = ev.target.closest("button.retry");
    if (!button) { return; }
    button.disabled = true;
    var li = button.closest("li");
    live.api("POST", "/api/v1/messages/" + button.dataset.retry + "/retry").catch(function (err) {
      var line = li.querySelector(".error") || li.appendChild(live.el("div", "error"));
      line.textContent = err.message;
    }).finally(function () { button.disabled = false; });
  });
  live.on("delivery", function (e) {
    if (e.ticket_id !== ticket.id) { return; }
    var li = list.querySelector('li[data-id="' + e.interaction_id + '"]');
    if (!li) { return; }
    var d = li.querySelector(".delivery");
    if (!d) { d = live.el("span", "delivery"); li.querySelector(".who").appendChild(d); }
    d.textContent = t(e.status);
    d.dataset.status = e.status;
    showDelivery(li, li.querySelector(".who"), e.status, e.next_attempt_at);
    var err = li.querySelector(".error");
    if (e.error && !err) { err = live.el("div", "error"); li.appendChild(err); }
    if (err) { err.textContent = e.error || ""; }
  });
  live.on("typing", function (e) {
    if (e.ticket_id !== ticket.id || e.who !== "customer") { return; }
    typing.hidden = !e.typing;
  });

  var actionError = document.getElementById("action-error");
  function change(body) {
    actionError.textContent = "";
    return live.api("PATCH", "/api/v1/tickets/" + ticket.id, body).then(function (r) { showTicket(r.ticket); return r; })
      .catch(function (err) { actionError.textContent = err.message; });
  }
  document.getElementById("status-actions").addEventListener("click", function (ev) {
    var target = ev.target.closest("button[data-status]");
    if (!target) { return; }
    var errorLine = document.getElementById("status-error");
    errorLine.textContent = "";
    live.api("PATCH", "/api/v1/tickets/" + ticket.id, { status: target.dataset.status }).then(function (r) {
      showTicket(r.ticket);
    }).catch(function (err) { errorLine.textContent = err.message; });
  });
  [["take", function () { return { assignee_id: data.me }; }], ["takeover", function () { return { assignee_id: data.me }; }]]
    .forEach(function (pair) {
      var button = document.getElementById(pair[0]);
      if (button) { button.addEventListener("click", function () { change(pair[1]()).then(function () { button.remove(); }); }); }
    });
  var moveQueue = document.getElementById("move-queue");
  if (moveQueue) { moveQueue.addEventListener("change", function () { change({ queue: moveQueue.value }); }); }
  var movePriority = document.getElementById("move-priority");
  if (movePriority) { movePriority.addEventListener("change", function () { change({ priority: movePriority.value }); }); }
})();
