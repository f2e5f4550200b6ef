/*
 * The council's chat widget. Add it to any page with one script tag:
 *   <script src="https://GATEWAY/static/widget.js" defer></script>
 * It talks to the gateway it was loaded from, over the protocol in
 * docs/protocol.md: sequence numbers from the server, the sender's own message
 * ids, acknowledgements, and resume after a dropped connection or a reload.
 * Every piece of text is put on the page as text, never as markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var gateway = new URL(script ? script.src : "/static/widget.js", location.href).origin;
  var STORE = "council-chat:" + gateway;
  var MAX_CHARS = 2000;

  var state = {
    conversationId: localStorage.getItem(STORE + ":conversation"),
    lastSeq: 0,
    socket: null,
    retryDelay: 500,
    outbox: JSON.parse(sessionStorage.getItem(STORE + ":outbox") || "[]"),
    seen: {},
    owner: "bot"
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: gateway + "/static/widget.css" });
  document.head.appendChild(css);

  var root = el("section", { class: "council-chat", "aria-labelledby": "council-chat-title" });
  var heading = el("h2", { id: "council-chat-title", class: "council-chat__title" },
    "Ask the council");
  var status = el("p", { class: "council-chat__status", role: "status" }, "Connecting…");
  var log = el("div", {
    class: "council-chat__log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", tabindex: "0", "aria-label": "Conversation"
  });
  var typing = el("p", { class: "council-chat__typing", hidden: "" },
    "The assistant is typing…");
  var error = el("p", { class: "council-chat__error", role: "alert", hidden: "" });
  var form = el("form", { class: "council-chat__form", novalidate: "" });
  var label = el("label", { for: "council-chat-input", class: "council-chat__label" },
    "Your message");
  var hint = el("p", { id: "council-chat-hint", class: "council-chat__hint" },
    "Do not type card numbers or passwords.");
  var input = el("textarea", {
    id: "council-chat-input", name: "message", rows: "2",
    "aria-describedby": "council-chat-hint", maxlength: String(MAX_CHARS),
    autocomplete: "off"
  });
  var send = el("button", { type: "submit", class: "council-chat__send" }, "Send");
  form.append(label, hint, input, send);
  root.append(heading, status, log, typing, error, form);
  (document.querySelector("main") || document.body).appendChild(root);

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function saveOutbox() {
    sessionStorage.setItem(STORE + ":outbox", JSON.stringify(state.outbox));
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function renderEvent(event) {
    if (state.seen[event.seq]) return;
    state.seen[event.seq] = true;
    state.lastSeq = Math.max(state.lastSeq, event.seq);

    if (event.handoff && event.handoff.state) {
      state.owner = event.handoff.state === "unavailable" ? state.owner : event.handoff.state;
    }
    if (event.author === "resident") {
      var pending = log.querySelector('[data-client-id="' + CSS.escape(event.client_message_id || "") + '"]');
      if (pending) pending.remove();
    } else {
      typing.hidden = true;
    }

    var item = el("div", { class: "council-chat__message council-chat__message--" + event.author,
      "data-seq": String(event.seq) });
    var who = { resident: "You", bot: "Assistant", agent: "Adviser", system: "Council" };
    item.appendChild(el("span", { class: "council-chat__who" }, (who[event.author] || "Council") + ":"));
    String(event.text || "").split(/\n{2,}/).forEach(function (para) {
      item.appendChild(el("p", {}, para));
    });

    (event.sources || []).forEach(function (source) {
      var href = safeUrl(source.url);
      if (!href) return;
      var line = el("p", { class: "council-chat__source" }, "Source: ");
      line.appendChild(el("a", { href: href, target: "_blank", rel: "noopener" }, source.title));
      item.appendChild(line);
    });

    if (event.sign_in) {
      var signIn = el("a", {
        class: "council-chat__button council-chat__signin",
        href: gateway + "/auth/resident/login?conversation_id=" +
          encodeURIComponent(state.conversationId),
        target: "_blank", rel: "noopener"
      }, "Sign in (opens in a new tab)");
      item.appendChild(signIn);
    }

    if ((event.buttons || []).length) {
      var group = el("div", { class: "council-chat__buttons", role: "group",
        "aria-label": "Suggested replies" });
      event.buttons.forEach(function (button) {
        var b = el("button", { type: "button", class: "council-chat__button" }, button.title);
        b.addEventListener("click", function () {
          queue({ type: "button", payload: button.payload, title: button.title });
        });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function renderPending(frame) {
    var item = el("div", { class: "council-chat__message council-chat__message--resident council-chat__message--pending",
      "data-client-id": frame.client_message_id });
    item.appendChild(el("span", { class: "council-chat__who" }, "You:"));
    item.appendChild(el("p", {}, frame.text || frame.title));
    item.appendChild(el("span", { class: "council-chat__sending" }, "Sending…"));
    log.appendChild(item);
  }

  function queue(frame) {
    frame.client_message_id = (crypto.randomUUID ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2));
    state.outbox.push(frame);
    saveOutbox();
    renderPending(frame);
    typing.hidden = state.owner !== "bot";
    flush();
  }

  function flush() {
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    state.outbox.forEach(function (frame) {
      var wire = { type: frame.type, client_message_id: frame.client_message_id };
      if (frame.type === "message") wire.text = frame.text; else wire.payload = frame.payload;
      state.socket.send(JSON.stringify(wire));
    });
  }

  function settle(clientId) {
    state.outbox = state.outbox.filter(function (f) { return f.client_message_id !== clientId; });
    saveOutbox();
  }

  function onFrame(message) {
    var frame;
    try { frame = JSON.parse(message.data); } catch (e) { return; }
    if (frame.type === "event") renderEvent(frame.event);
    if (frame.type === "queue") {
      status.textContent = "You are number " + frame.position + " in the queue for a person.";
    }
    if (frame.type === "ack") { settle(frame.client_message_id); showError(""); }
    if (frame.type === "error") {
      settle(frame.client_message_id);
      var pending = frame.client_message_id &&
        log.querySelector('[data-client-id="' + CSS.escape(frame.client_message_id) + '"]');
      if (pending) pending.remove();
      typing.hidden = true;
      showError(frame.error.message);
    }
  }

  function connect() {
    var url = gateway.replace(/^http/, "ws") + "/ws/conversations/" +
      encodeURIComponent(state.conversationId) + "?after=" + state.lastSeq;
    var socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = function () {
      state.retryDelay = 500;
      status.textContent = "Connected. Ask a question below.";
      flush();
    };
    socket.onmessage = onFrame;
    socket.onclose = function (event) {
      if (event.code === 4404) {
        localStorage.removeItem(STORE + ":conversation");
        state.conversationId = null;
        start();
        return;
      }
      status.textContent = "Connection lost. Reconnecting… Your messages are kept.";
      setTimeout(connect, state.retryDelay);
      state.retryDelay = Math.min(state.retryDelay * 2, 10000);
    };
  }

  function start() {
    if (state.conversationId) { connect(); return; }
    fetch(gateway + "/api/conversations", { method: "POST", credentials: "include" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (body) {
        state.conversationId = body.conversation_id;
        localStorage.setItem(STORE + ":conversation", state.conversationId);
        connect();
      })
      .catch(function () {
        status.textContent = "The chat is not available just now. Trying again…";
        setTimeout(start, 3000);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      showError("Type a message before you send it.");
      input.focus();
      return;
    }
    if (text.length > MAX_CHARS) {
      showError("Your message is too long. Keep it under 2,000 characters.");
      return;
    }
    showError("");
    queue({ type: "message", text: text });
    input.value = "";
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  state.outbox.forEach(renderPending);
  start();
})();
