/*
 * The council's chat widget. Add it to any page with one script tag:
 *   <script src="https://GATEWAY/static/widget.js" defer></script>
 * It mounts itself in an element with the attribute data-council-chat if the page
 * has one, otherwise at the end of <main> (or <body>).
 *
 * It talks to the gateway it was loaded from, over the protocol in
 * docs/protocol.md: sequence numbers from the server, the sender's own message
 * ids, acknowledgements, and resume after a dropped connection or a reload.
 *
 * Every piece of text is put on the page as text (textContent), never as markup.
 *
 * Screen readers: new messages from the assistant, an adviser or the council are
 * announced once, through one polite live region (the "announcer"). The message
 * list itself is not live, so replaying the history after a reload, or a
 * message of the resident's own turning from "Sending…" to sent, is not read out
 * again.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var gateway = new URL(script ? script.src : "/static/widget.js", location.href).origin;
  var STORE = "council-chat:" + gateway;
  var MAX_CHARS = 2000;
  var COMMENT_MAX = 1200;            // the gateway's limit for a rating's comment
  var TYPING_SEND_EVERY_MS = 3000;   // at most one "typing" frame per 3 seconds
  var AGENT_TYPING_SHOWN_MS = 6000;  // an adviser's indicator fades without news
  var ASSISTANT_TYPING_MS = 30000;   // give up waiting for the assistant after this
  var ANNOUNCE_TYPING_AFTER_MS = 1500;  // quick answers are not preceded by "typing"
  var REPLAY_QUIET_MS = 800;         // see startReplayWindow
  var WHO = { resident: "You", bot: "Assistant", agent: "Adviser", system: "Council" };
  var SCORES = [
    "Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
    "Satisfied", "Very satisfied"
  ];

  var state = {
    conversationId: localStorage.getItem(STORE + ":conversation"),
    lastSeq: 0,
    socket: null,
    retryDelay: 500,
    resendDelay: 1000,
    resendTimer: null,
    outbox: JSON.parse(sessionStorage.getItem(STORE + ":outbox") || "[]"),
    seen: {},
    owner: "bot",
    agentName: null,
    queuePosition: null,
    rated: false,
    announcedUpTo: null,
    replaying: false,
    replayTimer: null,
    typingTimer: null,
    typingAnnounceTimer: null,
    lastTypingSent: 0
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function newId() {
    return crypto.randomUUID ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  /* ---- The widget's elements ---------------------------------------------- */

  var css = el("link", { rel: "stylesheet", href: gateway + "/static/widget.css" });
  document.head.appendChild(css);

  var root = el("section", { class: "council-chat", "aria-labelledby": "council-chat-title" });
  var heading = el("h2", { id: "council-chat-title", class: "council-chat__title" },
    "Ask the council");
  var status = el("p", { class: "council-chat__status", role: "status" }, "Connecting…");

  var queueBox = el("div", { class: "council-chat__queue", hidden: "" });
  var queueText = el("p", { class: "council-chat__queue-position" });
  var queueHint = el("p", { class: "council-chat__queue-hint" },
    "Keep this page open. If you reload it or lose your connection, you keep " +
    "your place and your messages.");
  queueBox.append(queueText, queueHint);

  var log = el("div", {
    class: "council-chat__log", role: "region", tabindex: "0",
    "aria-label": "Conversation"
  });
  var messages = el("ol", { class: "council-chat__messages" });
  log.appendChild(messages);

  var typing = el("p", { class: "council-chat__typing", hidden: "" });
  var announcer = el("div", { class: "council-chat__visually-hidden",
    "aria-live": "polite", "data-council-chat-announcer": "" });
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

  var end = el("div", { class: "council-chat__end", hidden: "" });
  var tools = el("p", { class: "council-chat__tools", hidden: "" });
  var download = el("a", { class: "council-chat__download" },
    "Download the conversation (text file)");
  tools.appendChild(download);

  root.append(heading, status, queueBox, log, typing, announcer, error, form, end, tools);
  (document.querySelector("[data-council-chat]") || document.querySelector("main") ||
    document.body).appendChild(root);

  /* ---- Announcements ------------------------------------------------------ */

  function announce(text) {
    // A new paragraph each time: screen readers read additions reliably, and the
    // last few are kept so a quick burst is not cut short.
    announcer.appendChild(el("p", {}, text));
    while (announcer.childNodes.length > 3) announcer.removeChild(announcer.firstChild);
  }

  function announcedKey() {
    return STORE + ":announced:" + state.conversationId;
  }

  /*
   * What to read out after a reload. This tab remembers (sessionStorage) the
   * last event it announced, so the replayed history is shown but not read.
   * A tab that never showed this conversation (a new tab on a chat started
   * elsewhere) treats the burst of history the server sends on connecting as
   * history: nothing is read until the socket has been quiet for a moment.
   */
  function startReplayWindow() {
    var stored = sessionStorage.getItem(announcedKey());
    state.announcedUpTo = stored === null ? null : Number(stored);
    state.replaying = stored === null;
    if (state.replaying) extendReplayWindow();
  }

  function extendReplayWindow() {
    clearTimeout(state.replayTimer);
    state.replayTimer = setTimeout(function () {
      state.replaying = false;
      state.announcedUpTo = state.lastSeq;
      sessionStorage.setItem(announcedKey(), String(state.lastSeq));
    }, REPLAY_QUIET_MS);
  }

  function shouldAnnounce(event) {
    if (state.replaying) { extendReplayWindow(); return false; }
    if (state.announcedUpTo !== null && event.seq <= state.announcedUpTo) return false;
    state.announcedUpTo = event.seq;
    sessionStorage.setItem(announcedKey(), String(event.seq));
    return event.author !== "resident";
  }

  /* ---- Errors ------------------------------------------------------------- */

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function saveOutbox() {
    sessionStorage.setItem(STORE + ":outbox", JSON.stringify(state.outbox));
  }

  /* ---- Text and links ----------------------------------------------------- */

  function safeUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function externalLink(href, text) {
    var link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, text);
    link.appendChild(el("span", { class: "council-chat__visually-hidden" },
      " (opens in new tab)"));
    return link;
  }

  /*
   * A paragraph with web addresses made into links. Markdown-style links
   * ([words](https://…)) and bare https:// addresses are recognised; anything
   * else stays text. The words and the address are only ever text nodes and
   * href values, so markup in a message can never become markup on the page.
   */
  var LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  function paragraph(text) {
    var p = el("p");
    var at = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var href = safeUrl(match[2] || match[3]);
      if (!href) continue;
      p.appendChild(document.createTextNode(text.slice(at, match.index)));
      p.appendChild(externalLink(href, match[1] || match[3]));
      at = match.index + match[0].length;
    }
    p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  /* The words of a message as read out: a link's words without its address. */
  function spoken(text) {
    return text.replace(/\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)/g, "$1");
  }

  function who(event) {
    if (event.author === "agent" && event.agent_name) return event.agent_name;
    return WHO[event.author] || "Council";
  }

  /* ---- Typing indicators -------------------------------------------------- */

  function showTyping(text, forMs) {
    var wasShown = !typing.hidden && typing.textContent === text;
    typing.textContent = text;
    typing.hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, forMs);
    if (!wasShown) {
      clearTimeout(state.typingAnnounceTimer);
      state.typingAnnounceTimer = setTimeout(function () {
        if (!typing.hidden) announce(typing.textContent);
      }, ANNOUNCE_TYPING_AFTER_MS);
    }
  }

  function hideTyping() {
    typing.hidden = true;
    clearTimeout(state.typingTimer);
    clearTimeout(state.typingAnnounceTimer);
  }

  function sendTyping() {
    if (state.owner !== "agent") return;
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    var now = Date.now();
    if (now - state.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    state.lastTypingSent = now;
    state.socket.send(JSON.stringify({ type: "typing" }));
  }

  /* ---- Who has the chat --------------------------------------------------- */

  function applyHandoff(event) {
    var handoff = event.handoff;
    if (!handoff || !handoff.state || event.author !== "system") return;

    if (handoff.state === "unavailable") return;  // the assistant keeps the chat
    state.owner = handoff.state;

    if (handoff.state === "waiting") {
      heading.textContent = "Waiting for an adviser";
      showQueue(handoff.position, false, handoff);
    } else {
      state.queuePosition = null;
      queueBox.hidden = true;
    }
    if (handoff.state === "agent") {
      state.agentName = handoff.agent_name || null;
      heading.textContent = state.agentName
        ? "Chat with " + state.agentName + " from the council" : "Chat with the council";
    }
    if (handoff.state === "bot") {
      state.agentName = null;
      heading.textContent = "Ask the council";
    }
    if (handoff.state === "closed") {
      heading.textContent = "Ask the council";
      hideTyping();
      showEnd();
    }
  }

  /*
   * The resident's place, and the wait only when the gateway can estimate it
   * (an optional wait_minutes: a number, or null for "cannot say yet"). Nothing
   * here guesses: with no estimate from the gateway, no wait is shown.
   */
  function showQueue(position, tell, data) {
    if (!position) return;
    var changed = state.queuePosition !== null && state.queuePosition !== position;
    state.queuePosition = position;
    var text = position === 1
      ? "You are next in the queue for an adviser."
      : "You are number " + position + " in the queue for an adviser.";
    if (data && "wait_minutes" in data) {
      var minutes = data.wait_minutes;
      text += typeof minutes === "number" && minutes > 0
        ? " The wait is likely to be about " + minutes +
          (minutes === 1 ? " minute." : " minutes.")
        : " We cannot estimate the wait yet.";
    }
    queueText.textContent = text;
    queueBox.hidden = false;
    if (tell && changed) announce(text);
  }

  /* ---- Messages ----------------------------------------------------------- */

  function renderEvent(event) {
    // Advisers' private notes and the routing of the chat are for staff only.
    if (event.kind === "note" || event.kind === "routing") return;
    if (state.seen[event.seq]) return;
    state.seen[event.seq] = true;
    state.lastSeq = Math.max(state.lastSeq, event.seq);
    var tell = shouldAnnounce(event);
    tools.hidden = false;

    applyHandoff(event);
    if (event.kind === "rating") {
      markRated(false);
      return;
    }

    if (event.author === "resident") {
      retireButtons();
      var pending = messages.querySelector('[data-client-id="' +
        CSS.escape(event.client_message_id || "") + '"]');
      if (pending) { settlePending(pending, event); return; }
    } else {
      hideTyping();
    }

    var item = el("li", { class: "council-chat__message council-chat__message--" + event.author,
      "data-seq": String(event.seq) });
    item.appendChild(el("span", { class: "council-chat__who" }, who(event) + ":"));
    String(event.text || "").split(/\n{2,}/).forEach(function (para) {
      item.appendChild(paragraph(para));
    });
    (event.sources || []).forEach(function (source) {
      var href = safeUrl(source.url);
      if (!href) return;
      var line = el("p", { class: "council-chat__source" }, "Source: ");
      line.appendChild(externalLink(href, source.title || href));
      item.appendChild(line);
    });
    if (event.sign_in) item.appendChild(signInLink());
    if (event.payment_link && safeUrl(event.payment_link.url)) {
      item.appendChild(el("a", {
        class: "council-chat__button council-chat__signin",
        href: safeUrl(event.payment_link.url), target: "_blank", rel: "noopener"
      }, "Pay now on the secure payment page (opens in new tab)"));
    }
    if ((event.buttons || []).length) {
      retireButtons();
      item.appendChild(quickReplies(event.buttons));
    }
    messages.appendChild(item);
    log.scrollTop = log.scrollHeight;

    if (tell) announce(who(event) + ": " + spoken(event.text || ""));
  }

  function settlePending(pending, event) {
    pending.classList.remove("council-chat__message--pending");
    pending.setAttribute("data-seq", String(event.seq));
    var sending = pending.querySelector(".council-chat__sending");
    if (sending) sending.remove();
    // Show what the council kept, not what was typed: a card number the
    // gateway hid must not stay on screen.
    Array.prototype.forEach.call(pending.querySelectorAll("p"), function (p) {
      p.remove();
    });
    String(event.text || "").split(/\n{2,}/).forEach(function (para) {
      pending.appendChild(paragraph(para));
    });
  }

  function signInLink() {
    return el("a", {
      class: "council-chat__button council-chat__signin",
      href: gateway + "/auth/resident/login?conversation_id=" +
        encodeURIComponent(state.conversationId),
      target: "_blank", rel: "noopener"
    }, "Sign in (opens in new tab)");
  }

  function quickReplies(buttons) {
    var group = el("div", { class: "council-chat__buttons", role: "group",
      "aria-label": "Suggested replies" });
    buttons.forEach(function (button) {
      var b = el("button", { type: "button", class: "council-chat__button" }, button.title);
      b.addEventListener("click", function () {
        queue({ type: "button", payload: button.payload, title: button.title });
        retireButtons();
        input.focus();
      });
      group.appendChild(b);
    });
    return group;
  }

  /* Only the latest turn's buttons can be used (the gateway refuses older ones). */
  function retireButtons() {
    var focused = root.querySelector(".council-chat__buttons :focus");
    messages.querySelectorAll(".council-chat__buttons").forEach(function (group) {
      group.remove();
    });
    if (focused) input.focus();
  }

  function renderPending(frame) {
    var item = el("li", {
      class: "council-chat__message council-chat__message--resident " +
        "council-chat__message--pending",
      "data-client-id": frame.client_message_id
    });
    item.appendChild(el("span", { class: "council-chat__who" }, "You:"));
    item.appendChild(el("p", {}, frame.text || frame.title));
    item.appendChild(el("span", { class: "council-chat__sending" }, "Sending…"));
    messages.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  /* ---- Sending ------------------------------------------------------------ */

  function queue(frame) {
    frame.client_message_id = newId();
    state.outbox.push(frame);
    saveOutbox();
    renderPending(frame);
    if (state.owner === "bot") showTyping("The assistant is typing…", ASSISTANT_TYPING_MS);
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
    if (frame.type === "queue" && state.owner === "waiting") {
      showQueue(frame.position, true, frame);
    }
    if (frame.type === "typing" && frame.author === "agent" && state.owner === "agent") {
      var name = frame.name || state.agentName;
      showTyping((name ? name : "The adviser") + " is typing…", AGENT_TYPING_SHOWN_MS);
    }
    if (frame.type === "ack") { settle(frame.client_message_id); showError(""); }
    if (frame.type === "error" && frame.error.code === "temporarily_unavailable" &&
        frame.client_message_id) {
      // The gateway could not store it just now: keep it and send it again.
      hideTyping();
      showError(frame.error.message);
      if (!state.resendTimer) {
        state.resendTimer = setTimeout(function () {
          state.resendTimer = null;
          flush();
        }, state.resendDelay);
        state.resendDelay = Math.min(state.resendDelay * 2, 15000);
      }
      return;
    }
    if (frame.type === "ack") state.resendDelay = 1000;
    if (frame.type === "error") {
      settle(frame.client_message_id);
      var pending = frame.client_message_id && messages.querySelector(
        '[data-client-id="' + CSS.escape(frame.client_message_id) + '"]');
      if (pending) pending.remove();
      hideTyping();
      showError(frame.error.message);
    }
  }

  /* ---- Connection --------------------------------------------------------- */

  function connect() {
    var url = gateway.replace(/^http/, "ws") + "/ws/conversations/" +
      encodeURIComponent(state.conversationId) + "?after=" + state.lastSeq;
    var socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = function () {
      state.retryDelay = 500;
      status.textContent = "Connected. Ask a question below.";
      download.href = gateway + "/api/conversations/" +
        encodeURIComponent(state.conversationId) + "/transcript";
      download.setAttribute("download", "council-chat.txt");
      flush();
    };
    socket.onmessage = onFrame;
    socket.onclose = function (event) {
      if (socket !== state.socket) return;  // replaced by a new chat
      if (event.code === 4404) {
        forgetConversation();
        start();
        return;
      }
      status.textContent = "Connection lost. Reconnecting… Your messages are kept.";
      setTimeout(connect, state.retryDelay);
      state.retryDelay = Math.min(state.retryDelay * 2, 10000);
    };
  }

  function start() {
    if (state.conversationId) { startReplayWindow(); connect(); return; }
    fetch(gateway + "/api/conversations", { method: "POST", credentials: "include" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (body) {
        state.conversationId = body.conversation_id;
        localStorage.setItem(STORE + ":conversation", state.conversationId);
        sessionStorage.setItem(announcedKey(), "0");
        startReplayWindow();
        connect();
      })
      .catch(function () {
        status.textContent = "The chat is not available just now. Trying again…";
        setTimeout(start, 3000);
      });
  }

  function forgetConversation() {
    if (state.conversationId) sessionStorage.removeItem(announcedKey());
    localStorage.removeItem(STORE + ":conversation");
    state.conversationId = null;
  }

  /* ---- The end of a chat: rating, transcript, a new chat ------------------ */

  function showEnd() {
    form.hidden = true;
    queueBox.hidden = true;
    end.replaceChildren();
    end.appendChild(el("h3", { class: "council-chat__end-title" }, "This chat has ended"));
    if (state.rated) {
      end.appendChild(thanks());
    } else {
      end.appendChild(ratingForm());
    }
    var again = el("button", { type: "button",
      class: "council-chat__button" }, "Start a new chat");
    again.addEventListener("click", newChat);
    end.appendChild(again);
    end.hidden = false;
  }

  /*
   * The rating is stored: thank the resident. Called when the gateway accepts
   * the rating and again when its event arrives (in either order, or from
   * another tab); focus goes to the thanks if asked or if it was in the form.
   */
  function markRated(focusIt) {
    state.rated = true;
    var hadFocus = end.contains(document.activeElement);
    var done = end.querySelector(".council-chat__thanks");
    if (!done) {
      showEnd();
      done = end.querySelector(".council-chat__thanks");
    }
    if (focusIt || hadFocus) done.focus();
  }

  function thanks() {
    return el("p", { class: "council-chat__thanks", tabindex: "-1" },
      "Thank you for your feedback.");
  }

  function ratingForm() {
    var rating = el("form", { class: "council-chat__rating", novalidate: "" });

    var summary = el("div", { class: "council-chat__error-summary", role: "alert",
      tabindex: "-1", "aria-labelledby": "council-chat-summary-title", hidden: "" });
    summary.append(el("h4", { id: "council-chat-summary-title",
      class: "council-chat__error-summary-title" }, "There is a problem"));
    var problems = el("ul", { class: "council-chat__error-summary-list" });
    summary.appendChild(problems);

    var fieldset = el("fieldset", { class: "council-chat__fieldset",
      "aria-describedby": "council-chat-score-hint" });
    fieldset.appendChild(el("legend", { class: "council-chat__legend" },
      "How satisfied are you with this chat?"));
    fieldset.appendChild(el("p", { id: "council-chat-score-hint", class: "council-chat__hint" },
      "1 is very dissatisfied and 5 is very satisfied."));
    var scoreError = el("p", { id: "council-chat-score-error",
      class: "council-chat__error-message", hidden: "" });
    fieldset.appendChild(scoreError);
    var radios = el("div", { class: "council-chat__radios" });
    SCORES.forEach(function (words, index) {
      var value = String(index + 1);
      var item = el("div", { class: "council-chat__radio" });
      var radio = el("input", { type: "radio", name: "score", value: value,
        id: "council-chat-score-" + value, class: "council-chat__radio-input" });
      var radioLabel = el("label", { for: radio.id, class: "council-chat__radio-label" },
        value + " – " + words);
      item.append(radio, radioLabel);
      radios.appendChild(item);
    });
    fieldset.appendChild(radios);

    var commentGroup = el("div", { class: "council-chat__form-group" });
    var commentLabel = el("label", { for: "council-chat-comment", class: "council-chat__label" },
      "Tell us more (optional)");
    var commentHint = el("p", { id: "council-chat-comment-hint", class: "council-chat__hint" },
      "Do not include personal or financial information.");
    var commentError = el("p", { id: "council-chat-comment-error",
      class: "council-chat__error-message", hidden: "" });
    var comment = el("textarea", { id: "council-chat-comment", name: "comment", rows: "3",
      "aria-describedby": "council-chat-comment-hint council-chat-comment-limit" });
    var limit = el("span", { id: "council-chat-comment-limit",
      class: "council-chat__visually-hidden" },
      "You can enter up to " + COMMENT_MAX + " characters.");
    // The visible count is hidden from screen readers, which get the limit as the
    // field's description and the count from the announcer once the resident
    // pauses, so it is not read out after every key.
    var count = el("p", { id: "council-chat-comment-count",
      class: "council-chat__hint council-chat__count", "aria-hidden": "true" });
    commentGroup.append(commentLabel, commentHint, commentError, comment, limit, count);

    var submit = el("button", { type: "submit", class: "council-chat__send" },
      "Send feedback");
    rating.append(summary, fieldset, commentGroup, submit);

    var countTimer = null;
    function updateCount(tell) {
      var left = COMMENT_MAX - comment.value.length;
      count.textContent = left >= 0
        ? "You have " + left + (left === 1 ? " character" : " characters") + " remaining"
        : "You have " + -left + (left === -1 ? " character" : " characters") + " too many";
      count.classList.toggle("council-chat__count--over", left < 0);
      clearTimeout(countTimer);
      if (tell) countTimer = setTimeout(function () { announce(count.textContent); }, 1000);
    }
    comment.addEventListener("input", function () { updateCount(true); });
    updateCount(false);

    function setFieldError(node, target, group, message) {
      node.replaceChildren();
      if (message) {
        node.appendChild(el("span", { class: "council-chat__visually-hidden" }, "Error: "));
        node.appendChild(document.createTextNode(message));
      }
      node.hidden = !message;
      group.classList.toggle("council-chat__form-group--error", !!message);
      var described = (target.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (id) { return id && id !== node.id; });
      if (message) described.push(node.id);
      target.setAttribute("aria-describedby", described.join(" "));
    }

    function showProblems(list) {
      problems.replaceChildren();
      list.forEach(function (problem) {
        var link = el("a", { href: "#" + problem.field.id }, problem.message);
        link.addEventListener("click", function (event) {
          // Do not touch the host page's address: focus the field directly.
          event.preventDefault();
          problem.field.focus();
          problem.field.scrollIntoView({ block: "center" });
        });
        problems.appendChild(el("li")).appendChild(link);
      });
      summary.hidden = !list.length;
      if (list.length) summary.focus();
    }

    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = rating.querySelector("input[name=score]:checked");
      var list = [];
      var firstRadio = rating.querySelector("input[name=score]");

      setFieldError(scoreError, fieldset, fieldset,
        chosen ? "" : "Select how satisfied you are with this chat");
      if (!chosen) list.push({ field: firstRadio,
        message: "Select how satisfied you are with this chat" });

      var tooLong = comment.value.length > COMMENT_MAX;
      var commentMessage = tooLong
        ? "Your comment must be " + COMMENT_MAX + " characters or fewer" : "";
      setFieldError(commentError, comment, commentGroup, commentMessage);
      if (tooLong) list.push({ field: comment, message: commentMessage });

      showProblems(list);
      if (list.length) return;

      submit.disabled = true;
      sendRating(Number(chosen.value), comment.value.trim())
        .then(function () { markRated(true); })
        .catch(function (problem) {
          submit.disabled = false;
          showProblems([{ field: firstRadio, message: problem.message }]);
        });
    });
    return rating;
  }

  function sendRating(score, comment) {
    var body = { score: score };
    if (comment) body.comment = comment;
    return fetch(gateway + "/api/conversations/" + encodeURIComponent(state.conversationId) +
      "/rating", {
      method: "POST", credentials: "include",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (response) {
      // 409: this chat was rated already (in another tab, say): that is done too.
      if (response.ok || response.status === 409) return;
      throw new Error("Sorry, we could not send your feedback. Try again.");
    }, function () {
      throw new Error("Sorry, we could not send your feedback. Check your connection " +
        "and try again.");
    });
  }

  function newChat() {
    var old = state.socket;
    state.socket = null;
    if (old) old.close();
    forgetConversation();
    state.outbox = [];
    saveOutbox();
    state.seen = {};
    state.lastSeq = 0;
    state.owner = "bot";
    state.agentName = null;
    state.queuePosition = null;
    state.rated = false;
    messages.replaceChildren();
    end.replaceChildren();
    end.hidden = true;
    tools.hidden = true;
    form.hidden = false;
    heading.textContent = "Ask the council";
    status.textContent = "Connecting…";
    start();
    input.focus();
  }

  /* ---- The message form --------------------------------------------------- */

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
  input.addEventListener("input", sendTyping);

  state.outbox.forEach(renderPending);
  start();
})();
