/*
 * The supervisors' live view of queues and advisers. Reads `queues` frames from
 * /ws/supervisor (the same frames the agents' console gets) and `escalated`
 * frames, when a chat nobody has taken has waited too long. Escalated chats stay
 * highlighted with their waiting time while they wait. Every name is put on the
 * page as text, never as markup.
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var LONG_WAIT_SECONDS = 300;  // shown in red: past the five-minute service level
  var PRESENCE = { available: "Available", away: "Away", offline: "Offline" };
  var retry = 500;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var titles = {};  // area id -> the taxonomy's title, once known

  function areaTitle(id) {
    return titles[id] || humanise(id);
  }

  function humanise(id) {
    var words = String(id || "").replace(/[-_]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function duration(seconds) {
    if (seconds === undefined || seconds === null) return "Not known";
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + (seconds === 1 ? " second" : " seconds");
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + (minutes === 1 ? " minute" : " minutes") +
      (rest ? " " + rest + (rest === 1 ? " second" : " seconds") : "");
  }

  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (cell) {
      var td = el("td", cell.cls || "");
      if (cell.node) td.appendChild(cell.node); else td.textContent = String(cell.text);
      tr.appendChild(td);
    });
    return tr;
  }

  function emptyRow(columns, text) {
    var tr = el("tr");
    var td = el("td", "", text);
    td.colSpan = columns;
    tr.appendChild(td);
    return tr;
  }

  function waitCell(seconds) {
    var long = seconds !== undefined && seconds >= LONG_WAIT_SECONDS;
    return { text: duration(seconds), cls: long ? "supervisor-wait--long" : "" };
  }

  function detailOf(queue) {
    if (queue.waiting_detail) return queue.waiting_detail;
    return (queue.waiting || []).map(function (id, index) {
      return { conversation_id: id, position: index + 1 };
    });
  }

  function render(frame) {
    var queues = $("queues").tBodies[0];
    var waiting = $("waiting").tBodies[0];
    var agents = $("agents").tBodies[0];
    queues.replaceChildren();
    waiting.replaceChildren();
    agents.replaceChildren();

    (frame.queues || []).forEach(function (queue) {
      var detail = detailOf(queue);
      var longest = detail.reduce(function (most, item) {
        return item.waiting_seconds !== undefined && (most === undefined ||
          item.waiting_seconds > most) ? item.waiting_seconds : most;
      }, undefined);
      var priority = detail.filter(function (item) { return item.priority; }).length;
      queues.appendChild(row([
        { text: areaTitle(queue.area) },
        { text: detail.length, cls: "supervisor-number" },
        { text: priority, cls: "supervisor-number" },
        waitCell(longest)
      ]));
      detail.forEach(function (item) {
        var tr = row([
          { text: areaTitle(queue.area) },
          { text: item.position, cls: "supervisor-number" },
          waitCell(item.waiting_seconds),
          { text: item.priority ? "Yes" : "No" },
          { text: item.offered_to_name ? "Offered to " + item.offered_to_name : "Not offered" },
          { text: item.escalated ? "Escalated" : "No" }
        ]);
        if (item.escalated) tr.className = "supervisor-row--escalated";
        waiting.appendChild(tr);
      });
    });
    if (!queues.rows.length) queues.appendChild(emptyRow(4, "Nobody is waiting."));
    if (!waiting.rows.length) waiting.appendChild(emptyRow(6, "Nobody is waiting."));

    (frame.agents || []).slice().sort(function (a, b) {
      return String(a.name).localeCompare(String(b.name));
    }).forEach(function (agent) {
      var load = el("span");
      load.appendChild(el("span", "", agent.chats + " of " + agent.capacity));
      var bar = el("span", "supervisor-load");
      bar.setAttribute("aria-hidden", "true");
      var fill = el("span", "supervisor-load__bar");
      var share = agent.capacity ? Math.min(1, agent.chats / agent.capacity) : 0;
      fill.style.width = Math.round(share * 100) + "%";
      bar.appendChild(fill);
      load.appendChild(bar);
      agents.appendChild(row([
        { text: agent.name },
        { text: PRESENCE[agent.presence] || humanise(agent.presence) },
        { node: load }
      ]));
    });
    if (!agents.rows.length) agents.appendChild(emptyRow(3, "No advisers have signed in."));

    $("updated").textContent = "Updated at " +
      new Date().toLocaleTimeString("en-GB") + ". The tables update by themselves.";
  }

  function escalated(frame) {
    var notice = $("escalation-notice");
    notice.textContent = "Escalated: a chat in " + areaTitle(frame.area) +
      " has waited " + duration(frame.waiting_seconds) + " and nobody has taken it.";
    notice.hidden = false;
  }

  function connect() {
    var socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/supervisor");
    socket.onopen = function () {
      retry = 500;
      $("connection").textContent = "Connected: live";
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "queues") render(frame);
      if (frame.type === "escalated") escalated(frame);
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) {
        $("connection").textContent = "You need to sign in as a supervisor.";
        return;
      }
      $("connection").textContent = "Connection lost. Reconnecting…";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  // Known shortcoming: /api/console/taxonomy is proposed to the lead; until it
  // exists, teams are shown by their ids made readable.
  fetch("/api/console/taxonomy", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) {
      (body && Array.isArray(body.areas) ? body.areas : []).forEach(function (area) {
        titles[area.id] = area.title;
      });
    })
    .catch(function () { /* ids made readable stay in use */ });
  fetch("/auth/me", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (who) { if (who) $("supervisor-name").textContent = who.name; });
  connect();
})();
