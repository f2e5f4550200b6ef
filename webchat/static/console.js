/*
 * The contact centre's live-chat console. Talks to /ws/agent (see
 * webchat/agent_socket.py). Every name and message is put on the page as text.
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var chats = {};          // conversation_id -> {events: [], seen: {}}
  var selected = null;
  var socket = null;
  var knownWaiting = {};
  var retry = 500;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function alertNewChat() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      tone.connect(audio.destination);
      tone.frequency.value = 880;
      tone.start();
      tone.stop(audio.currentTime + 0.2);
    } catch (e) { /* sound is a courtesy; the list still updates */ }
    if (window.Notification && Notification.permission === "granted") {
      new Notification("A resident is waiting for a person");
    }
  }

  function renderQueues(frame) {
    var list = $("queues");
    list.replaceChildren();
    var nowWaiting = {};
    frame.queues.forEach(function (queue) {
      queue.waiting.forEach(function (id, index) {
        nowWaiting[id] = true;
        var item = el("li");
        item.appendChild(el("span", "", queue.area + " – number " + (index + 1) + " "));
        var accept = el("button", "console-button", "Accept");
        accept.type = "button";
        accept.setAttribute("aria-label", "Accept chat " + (index + 1) + " in " + queue.area);
        accept.addEventListener("click", function () {
          send({ type: "accept", conversation_id: id });
        });
        item.appendChild(accept);
        list.appendChild(item);
      });
    });
    if (!list.children.length) list.appendChild(el("li", "", "Nobody is waiting."));
    if (Object.keys(nowWaiting).some(function (id) { return !knownWaiting[id]; })) alertNewChat();
    knownWaiting = nowWaiting;
  }

  function renderMine() {
    var list = $("mine");
    list.replaceChildren();
    Object.keys(chats).forEach(function (id, index) {
      var item = el("li");
      var open = el("button", "console-button console-button--secondary",
        "Chat " + (index + 1) + (chats[id].closed ? " (closed)" : ""));
      open.type = "button";
      open.addEventListener("click", function () { select(id); });
      item.appendChild(open);
      list.appendChild(item);
    });
  }

  function eventNode(event) {
    var who = { resident: "Resident", bot: "Assistant", agent: event.agent_name || "Adviser",
      system: "Council" };
    var node = el("div", "console-event console-event--" + event.author);
    node.appendChild(el("strong", "", (who[event.author] || event.author) + ":"));
    node.appendChild(el("p", "", event.text || ""));
    if (event.understood && event.understood.intent) {
      var understood = "Understood: " + event.understood.intent + " (" +
        Math.round((event.understood.confidence || 0) * 100) + "%)";
      node.appendChild(el("p", "console-understood", understood));
    }
    (event.sources || []).forEach(function (source) {
      node.appendChild(el("p", "console-understood", "Source: " + source.title));
    });
    return node;
  }

  function select(id) {
    selected = id;
    $("chat-title").textContent = "Chat with a resident";
    var transcript = $("transcript");
    transcript.replaceChildren();
    chats[id].events.forEach(function (event) { transcript.appendChild(eventNode(event)); });
    transcript.scrollTop = transcript.scrollHeight;
    $("reply").hidden = !!chats[id].closed;
  }

  function addEvent(id, event) {
    var chat = chats[id] || (chats[id] = { events: [], seen: {} });
    if (chat.seen[event.seq]) return;
    chat.seen[event.seq] = true;
    chat.events.push(event);
    if (event.handoff && (event.handoff.state === "closed" || event.handoff.state === "bot")) {
      chat.closed = true;
    }
    if (selected === id) {
      $("transcript").appendChild(eventNode(event));
      $("transcript").scrollTop = $("transcript").scrollHeight;
      $("reply").hidden = !!chat.closed;
    }
  }

  function onFrame(message) {
    var frame = JSON.parse(message.data);
    if (frame.type === "queues") renderQueues(frame);
    if (frame.type === "transcript") {
      chats[frame.conversation_id] = { events: [], seen: {} };
      frame.events.forEach(function (event) { addEvent(frame.conversation_id, event); });
      renderMine();
      select(frame.conversation_id);
    }
    if (frame.type === "event") addEvent(frame.conversation_id, frame.event);
    if (frame.type === "error") showError(frame.error.message);
    if (frame.type === "ack") showError("");
  }

  function connect() {
    socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/agent");
    socket.onopen = function () {
      retry = 500;
      $("connection").textContent = "Connected";
    };
    socket.onmessage = onFrame;
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) {
        $("connection").textContent = "You need to sign in as an adviser.";
        return;
      }
      $("connection").textContent = "Connection lost. Reconnecting…";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  $("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text || !selected) { showError("Type a reply before you send it."); return; }
    send({ type: "message", conversation_id: selected, text: text,
      client_message_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) });
    $("reply-text").value = "";
  });
  $("canned").addEventListener("change", function () {
    if (this.value) $("reply-text").value = this.value;
    this.value = "";
    $("reply-text").focus();
  });
  $("handback").addEventListener("click", function () {
    send({ type: "handback", conversation_id: selected });
  });
  $("close").addEventListener("click", function () {
    send({ type: "close", conversation_id: selected, wrap_up: $("wrap-up").value });
  });
  $("presence").addEventListener("change", function () {
    send({ type: "presence", presence: this.value });
  });

  fetch("/auth/me").then(function (r) { return r.ok ? r.json() : null; }).then(function (me) {
    if (me) $("agent-name").textContent = me.name;
  });
  if (window.Notification && Notification.permission === "default") {
    Notification.requestPermission();
  }
  connect();
})();
