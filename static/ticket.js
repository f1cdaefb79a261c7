/* Ticket view: live messages, delivery states, typing, and the reply box (REST + CSRF header). */
"use strict";
(function () {
  var live = window.hubLive;
  var data = JSON.parse(document.getElementById("ticket-data").textContent);
  var ticket = data.ticket;
  var list = document.getElementById("messages");
  var typing = document.getElementById("typing");
  var form = document.getElementById("reply");
  var errorBox = document.getElementById("reply-error");
  var typingTimer = null;

  function author(m) {
    if (m.direction === "inbound") { return ticket.customer_name; }
    return (m.author_agent_id && data.agents[m.author_agent_id]) || "agent";
  }

  function render(m) {
    if (list.querySelector('li[data-id="' + m.id + '"]')) { return; }
    var li = live.el("li", "msg msg-" + m.direction);
    li.dataset.id = m.id;
    var who = live.el("div", "who", author(m) + " ");
    if (m.direction === "note") { who.appendChild(live.el("em", null, "internal note ")); }
    var time = live.el("time", null, m.created_at);
    time.dateTime = m.created_at;
    live.localTime(time);
    who.appendChild(time);
    if (m.delivery_status) {
      var d = live.el("span", "delivery", m.delivery_status);
      d.dataset.status = m.delivery_status;
      who.appendChild(d);
    }
    li.appendChild(who);
    li.appendChild(live.el("div", "text", m.text));
    list.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  var socket = live.connect();
  socket.on("connect", function () { socket.emit("watch", { ticket_id: ticket.id }); });
  socket.on("message", function (e) {
    if (e.ticket.id !== ticket.id) { return; }
    render(e.interaction);
    document.getElementById("status").textContent = e.ticket.status;
    if (e.interaction.direction === "inbound") { typing.hidden = true; }
  });
  function showAssignment(t) {
    var box = document.getElementById("assignment");
    box.textContent = "";
    var who = t.assignee_id ? "Assigned to " + (data.agents[t.assignee_id] || "agent #" + t.assignee_id)
      : ((t.assignment && t.assignment.reasons) ? "Waiting in queue" : "");
    if (who) { box.appendChild(live.el("strong", null, who)); }
    var list = live.el("ul");
    ((t.assignment && t.assignment.reasons) || []).forEach(function (why) { list.appendChild(live.el("li", null, why)); });
    box.appendChild(list);
  }

  socket.on("ticket", function (e) {
    if (e.ticket.id !== ticket.id) { return; }
    document.getElementById("status").textContent = e.ticket.status;
    showAssignment(e.ticket);
  });
  socket.on("delivery", function (e) {
    if (e.ticket_id !== ticket.id) { return; }
    var li = list.querySelector('li[data-id="' + e.interaction_id + '"]');
    if (!li) { return; }
    var d = li.querySelector(".delivery");
    if (!d) { d = live.el("span", "delivery"); li.querySelector(".who").appendChild(d); }
    d.textContent = e.status;
    d.dataset.status = e.status;
    var err = li.querySelector(".error");
    if (e.error && !err) { err = live.el("div", "error"); li.appendChild(err); }
    if (err) { err.textContent = e.error || ""; }
  });
  socket.on("typing", function (e) {
    if (e.ticket_id !== ticket.id || e.who !== "customer") { return; }
    typing.hidden = !e.typing;
  });

  form.text.addEventListener("input", function () {
    if (!typingTimer) { socket.emit("typing", { ticket_id: ticket.id, typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      socket.emit("typing", { ticket_id: ticket.id, typing: false });
      typingTimer = null;
    }, 2000);
  });

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": live.csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error ? data.error.message : method + " failed"); }
        return data;
      });
    });
  }

  document.getElementById("status-actions").addEventListener("click", function (ev) {
    var target = ev.target.closest("button[data-status]");
    if (!target) { return; }
    var errorLine = document.getElementById("status-error");
    errorLine.textContent = "";
    api("PATCH", "/api/v1/tickets/" + ticket.id, { status: target.dataset.status }).then(function (data) {
      document.getElementById("status").textContent = data.ticket.status;
    }).catch(function (err) { errorLine.textContent = err.message; });
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = form.text.value;
    if (!text.trim()) { return; }
    errorBox.textContent = "";
    form.querySelector("button").disabled = true;
    api("POST", "/api/v1/tickets/" + ticket.id + "/replies", { text: text, internal: form.internal.checked }).then(function (body) {
      render(body.interaction);
      form.text.value = "";
    }).catch(function (err) {
      errorBox.textContent = err.message;
    }).finally(function () {
      form.querySelector("button").disabled = false;
    });
  });
})();
