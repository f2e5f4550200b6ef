/*
 * The contact centre's live-chat console. Talks to /ws/agent (see
 * docs/protocol.md and webchat/agent_socket.py).
 *
 * Every name, message, note and detail is put on the page as text
 * (textContent, text nodes, attribute values), never as markup.
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var TYPING_SEND_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 6000;
  var GENERAL_QUEUE = "council-and-contact";  // the contact centre's own queue
  var WHO = { resident: "Resident", bot: "Assistant", agent: "Adviser", system: "Council" };

  var chats = {};          // conversation_id -> chat (see chatFor)
  var order = [];          // conversation ids in the order they reached this console
  var selected = null;
  var socket = null;
  var knownWaiting = null; // null until the first queues frame: no alert on load
  var retry = 500;
  var me = { name: "" };
  var latestQueues = { queues: [], agents: [] };
  var taxonomy = null;     // {areas: [{id, title, topics: [{id, scope}]}]} when known
  var lastTypingSent = 0;
  var typingTimer = null;
  var accepting = null;    // the chat this adviser just asked to accept
  var transferring = null; // {conversationId, agentId, name, chatsBefore}

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function newId() {
    return crypto.randomUUID ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function showError(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  }

  function announce(text) {
    var announcer = $("announcer");
    announcer.appendChild(el("p", "", text));
    while (announcer.childNodes.length > 3) announcer.removeChild(announcer.firstChild);
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    showError("You are not connected. Wait a moment and try again.");
    return false;
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function humanise(id) {
    var words = String(id).replace(/[-_]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function areaTitle(area) {
    var known = taxonomy && taxonomy.areas.filter(function (a) { return a.id === area; })[0];
    return known ? known.title : humanise(area || "general");
  }

  function minutesAndSeconds(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + (seconds === 1 ? " second" : " seconds");
    var minutes = Math.floor(seconds / 60);
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  /* ---- New-chat alert: a tone and a desktop notification ------------------ */

  function alertNewChat(area) {
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
    announce("A resident is waiting in " + areaTitle(area) + ".");
  }

  /* ---- Waiting chats ------------------------------------------------------ */

  function waitingOf(queue) {
    if (queue.waiting_detail) return queue.waiting_detail;
    return (queue.waiting || []).map(function (id, index) {
      return { conversation_id: id, position: index + 1 };
    });
  }

  function renderQueues(frame) {
    latestQueues = frame;
    var list = $("queues");
    var focusedId = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.conversationId : null;
    list.replaceChildren();
    var nowWaiting = {};
    var firstNew = null;

    (frame.queues || []).forEach(function (queue) {
      waitingOf(queue).forEach(function (item) {
        var id = item.conversation_id;
        nowWaiting[id] = true;
        if (chats[id] && chats[id].status === "open") {
          // A chat of ours is queued again: it was transferred to a team.
          chats[id].status = "transferred";
          chats[id].transferredTo = "the " + areaTitle(queue.area) + " queue";
          if (id === selected) renderChatState();
          renderMine();
        }
        if (knownWaiting && !knownWaiting[id] && !firstNew) firstNew = queue.area;

        var entry = el("li", "console-waiting");
        var what = el("span", "console-waiting__what",
          areaTitle(queue.area) + ", number " + item.position);
        entry.appendChild(what);
        if (item.priority) entry.appendChild(el("strong", "console-tag", "Priority"));
        if (item.offered_to_name) {
          entry.appendChild(el("span", "console-tag", "Offered to " + item.offered_to_name));
        }
        if (item.waiting_seconds !== undefined) {
          entry.appendChild(el("span", "console-waiting__time",
            "Waiting " + minutesAndSeconds(item.waiting_seconds)));
        }
        var accept = el("button", "console-button", "Accept");
        accept.type = "button";
        accept.dataset.conversationId = id;
        accept.setAttribute("aria-label", "Accept chat number " + item.position + " in " +
          areaTitle(queue.area));
        accept.addEventListener("click", function () {
          showError("");
          accepting = id;
          send({ type: "accept", conversation_id: id });
        });
        entry.appendChild(accept);
        list.appendChild(entry);
      });
    });
    if (!list.children.length) list.appendChild(el("li", "", "Nobody is waiting."));

    // Keep keyboard users where they were when the list is rebuilt.
    if (focusedId) {
      var again = list.querySelector('[data-conversation-id="' + CSS.escape(focusedId) + '"]');
      if (again) again.focus();
    }
    confirmTransfer(frame);
    if (firstNew) alertNewChat(firstNew);
    knownWaiting = nowWaiting;
    renderTransferAgents();
    renderTransferAreas();
  }

  /* ---- My chats ----------------------------------------------------------- */

  function chatFor(id) {
    if (!chats[id]) {
      chats[id] = { events: [], seen: {}, status: "open", area: null, unread: 0,
        enquiryDirty: false, singleView: null, panelComing: false,
        number: order.length + 1 };
      order.push(id);
    }
    return chats[id];
  }

  var STATUS_WORDS = { open: "", closed: "closed", bot: "handed back",
    transferred: "transferred" };

  function renderMine() {
    var list = $("mine");
    list.replaceChildren();
    order.forEach(function (id) {
      var chat = chats[id];
      var item = el("li");
      var words = "Chat " + chat.number + (chat.area ? " – " + areaTitle(chat.area) : "");
      if (STATUS_WORDS[chat.status]) words += " (" + STATUS_WORDS[chat.status] + ")";
      if (chat.unread) words += " – " + chat.unread + " new";
      var open = el("button", "console-button console-button--secondary console-chat-button",
        words);
      open.type = "button";
      if (id === selected) open.setAttribute("aria-current", "true");
      open.addEventListener("click", function () { select(id); });
      item.appendChild(open);
      list.appendChild(item);
    });
    if (!order.length) list.appendChild(el("li", "", "You have no chats yet."));
  }

  /* ---- One event in a transcript ------------------------------------------ */

  function understoodNode(understood) {
    var box = el("dl", "console-understood");
    function row(term, value) {
      box.appendChild(el("dt", "", term));
      box.appendChild(el("dd", "", value));
    }
    row("Intent", understood.intent + (typeof understood.confidence === "number"
      ? " (" + Math.round(understood.confidence * 100) + "% sure)" : ""));
    var entities = (understood.entities || []).map(function (e) {
      return e.entity + " = " + (typeof e.value === "string" ? e.value : JSON.stringify(e.value));
    });
    if (entities.length) row("Entities", entities.join("; "));
    var slots = Object.keys(understood.slots || {}).map(function (name) {
      var value = understood.slots[name];
      return name + " = " + (typeof value === "string" ? value : JSON.stringify(value));
    });
    if (slots.length) row("Slots", slots.join("; "));
    return box;
  }

  function eventNode(event) {
    var note = event.kind === "note";
    var node = el("div", "console-event console-event--" + event.author +
      (note ? " console-event--note" : ""));
    var name = event.author === "agent" && event.agent_name ? event.agent_name
      : WHO[event.author] || event.author;
    var head = el("p", "console-event__who");
    head.appendChild(el("strong", "", note ? "Private note by " + name : name));
    if (note) head.appendChild(el("span", "console-tag console-tag--note",
      "Not shown to the resident"));
    if (event.at) {
      var when = new Date(event.at);
      if (!isNaN(when)) {
        var time = el("time", "console-event__time",
          when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }));
        time.dateTime = event.at;
        head.appendChild(time);
      }
    }
    node.appendChild(head);
    node.appendChild(el("p", "console-event__text", event.text || ""));

    if (event.kind === "rating" && event.comment) {
      node.appendChild(el("p", "console-event__text", "Comment: " + event.comment));
    }
    if (event.redacted) {
      node.appendChild(el("p", "console-meta", "A card number was hidden from this message."));
    }
    if ((event.buttons || []).length) {
      node.appendChild(el("p", "console-meta", "Buttons offered: " +
        event.buttons.map(function (b) { return b.title; }).join(", ")));
    }
    if (event.understood && event.understood.intent) {
      node.appendChild(el("p", "console-meta console-meta--title",
        "What the assistant understood of the resident's message:"));
      node.appendChild(understoodNode(event.understood));
    }
    if ((event.sources || []).length) {
      node.appendChild(el("p", "console-meta console-meta--title", "Sources:"));
      var sources = el("ul", "console-sources");
      event.sources.forEach(function (source) {
        var item = el("li");
        var href = safeUrl(source.url);
        if (href) {
          var link = el("a", "", source.title || href);
          link.href = href;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.appendChild(el("span", "visually-hidden", " (opens in new tab)"));
          item.appendChild(link);
        } else {
          item.textContent = source.title || "";
        }
        if ((source.topics || []).length) {
          item.appendChild(el("span", "console-meta", " – " + source.topics.join(", ")));
        }
        sources.appendChild(item);
      });
      node.appendChild(sources);
    }
    return node;
  }

  /* ---- The selected chat -------------------------------------------------- */

  function select(id) {
    selected = id;
    var chat = chats[id];
    chat.unread = 0;
    $("chat-title").textContent = "Chat " + chat.number + " with a resident" +
      (chat.area ? " – " + areaTitle(chat.area) : "");
    var transcript = $("transcript");
    transcript.replaceChildren();
    chat.events.forEach(function (event) { transcript.appendChild(eventNode(event)); });
    transcript.scrollTop = transcript.scrollHeight;
    $("typing").hidden = true;
    renderSingleView(chat.singleView);
    askForPanel(id);
    renderChatState();
    prefillEnquiry(chat, true);
    renderTransferAreas();
    renderCategories();
    $("enquiry-result").hidden = true;
    renderMine();
  }

  // Each panel the gateway sends is an audited view of the resident's record,
  // so ask only for the chat the adviser is looking at, and only once.
  function askForPanel(id) {
    var chat = chats[id];
    if (chat.singleView || chat.panelComing || chat.status !== "open") return;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    chat.panelComing = true;
    send({ type: "single_view", conversation_id: id });
  }

  function renderChatState() {
    var chat = selected && chats[selected];
    var words = {
      open: "",
      closed: "This chat is closed.",
      bot: "You handed this chat back to the assistant.",
      transferred: chat && chat.transferredTo
        ? "You transferred this chat to " + chat.transferredTo + "."
        : "You transferred this chat."
    };
    var text = chat ? words[chat.status] : "";
    $("chat-state").textContent = text;
    $("chat-state").hidden = !text;
    $("actions").hidden = !chat || chat.status !== "open";
  }

  function addEvent(id, event, live) {
    var chat = chatFor(id);
    if (chat.seen[event.seq]) return;
    chat.seen[event.seq] = true;
    chat.events.push(event);
    trackState(chat, event);

    if (selected === id) {
      $("transcript").appendChild(eventNode(event));
      $("transcript").scrollTop = $("transcript").scrollHeight;
      if (event.author === "resident") $("typing").hidden = true;
      renderChatState();
      prefillEnquiry(chat, false);
      renderCategories();
    }
    if (live && event.author === "resident" && event.kind === "message") {
      if (selected === id) {
        announce("Resident: " + (event.text || ""));
      } else {
        chat.unread += 1;
        announce("New message in chat " + chat.number + ".");
      }
      renderMine();
    }
  }

  function trackState(chat, event) {
    var handoff = event.handoff;
    if (!handoff || event.author !== "system" || !handoff.state) {
      if (event.handoff && event.handoff.area) chat.area = chat.area || event.handoff.area;
      return;
    }
    if (handoff.area) chat.area = handoff.area;
    if (handoff.state === "agent") {
      var mine = !me.name || handoff.agent_name === me.name;
      chat.status = mine ? "open" : "transferred";
      chat.transferredTo = mine ? null : handoff.agent_name;
      if (transferring && transferring.name === handoff.agent_name) transferring = null;
    } else if (handoff.state === "waiting" && chat.events.some(function (e) {
      return e.handoff && e.handoff.state === "agent";
    })) {
      chat.status = "transferred";
      chat.transferredTo = "the " + areaTitle(handoff.area) + " queue";
    } else if (handoff.state === "closed") {
      chat.status = "closed";
    } else if (handoff.state === "bot") {
      chat.status = "bot";
    }
  }

  /* ---- The resident's single view ----------------------------------------- */

  /*
   * The single_view frame's shape belongs to the resident index; this shows any
   * object as a description list (keys as terms), lists as lists, and values as
   * text, a few levels deep.
   */
  function detailsNode(value, depth) {
    if (value === null || value === undefined || value === "") return el("span", "", "–");
    if (Array.isArray(value)) {
      if (!value.length) return el("span", "", "None");
      var list = el("ul", "console-sv-list");
      value.forEach(function (item) {
        list.appendChild(el("li")).appendChild(detailsNode(item, depth + 1));
      });
      return list;
    }
    if (typeof value === "object") {
      if (depth > 3) return el("span", "", JSON.stringify(value));
      var dl = el("dl", "console-sv");
      Object.keys(value).forEach(function (key) {
        dl.appendChild(el("dt", "", humanise(key)));
        dl.appendChild(el("dd")).appendChild(detailsNode(value[key], depth + 1));
      });
      return dl;
    }
    if (typeof value === "boolean") return el("span", "", value ? "Yes" : "No");
    return el("span", "", String(value));
  }

  function renderSingleView(view) {
    var body = $("single-view-body");
    body.replaceChildren();
    $("single-view").hidden = !view;
    if (!view) return;
    if (typeof view.signed_in === "boolean") {
      residentPanel(body, view);
    } else {
      body.appendChild(detailsNode(view, 0));
    }
  }

  /*
   * The gateway's panel (webchat/single_view_panel.py): who the resident is,
   * then one headed table per section. All of it text.
   */
  function residentPanel(body, view) {
    if (!view.signed_in || !Array.isArray(view.sections)) {
      body.appendChild(el("p", "console-sv-message", view.message || ""));
      return;
    }
    var who = el("dl", "console-sv");
    who.appendChild(el("dt", "", "Name"));
    who.appendChild(el("dd", "console-sv-name", view.resident.name));
    who.appendChild(el("dt", "", "Records as of"));
    who.appendChild(el("dd", "", view.resident.as_of));
    body.appendChild(who);
    view.sections.forEach(function (section) {
      var headingId = "sv-" + section.id;
      var heading = el("h4", "console-sv-heading", section.title);
      heading.id = headingId;
      body.appendChild(heading);
      if (!section.rows.length) {
        body.appendChild(el("p", "console-sv-empty", section.empty));
        return;
      }
      var table = el("table", "console-sv-table");
      table.setAttribute("aria-labelledby", headingId);
      table.dataset.section = section.id;
      var headRow = table.createTHead().insertRow();
      section.columns.forEach(function (column) {
        var th = el("th", "", column);
        th.scope = "col";
        headRow.appendChild(th);
      });
      var rows = table.createTBody();
      section.rows.forEach(function (cells) {
        var row = rows.insertRow();
        cells.forEach(function (cell) { row.appendChild(el("td", "", cell)); });
      });
      body.appendChild(table);
    });
  }

  function singleViewOf(frame) {
    var copy = {};
    Object.keys(frame).forEach(function (key) {
      if (key !== "type" && key !== "conversation_id") copy[key] = frame[key];
    });
    var keys = Object.keys(copy);
    // {"resident": {...}} or {"single_view": {...}}: show the inner object.
    if (keys.length === 1 && copy[keys[0]] && typeof copy[keys[0]] === "object") {
      return copy[keys[0]];
    }
    return copy;
  }

  /* ---- Transfer ----------------------------------------------------------- */

  function knownAreas() {
    var areas = {};
    areas[GENERAL_QUEUE] = true;
    if (taxonomy) taxonomy.areas.forEach(function (a) { areas[a.id] = true; });
    (latestQueues.queues || []).forEach(function (q) { areas[q.area] = true; });
    Object.keys(chats).forEach(function (id) { if (chats[id].area) areas[chats[id].area] = true; });
    // The teams whose pages the assistant answered from are likely places to go.
    if (selected && chats[selected]) {
      suggestedCategories(chats[selected]).forEach(function (topic) {
        areas[topic.split(".")[0]] = true;
      });
    }
    return Object.keys(areas).sort();
  }

  function renderTransferAreas() {
    var select = $("transfer-area");
    var keep = select.value;
    select.replaceChildren();
    var current = selected && chats[selected] ? chats[selected].area : null;
    knownAreas().forEach(function (area) {
      if (area === current) return;
      var option = el("option", "", areaTitle(area));
      option.value = area;
      select.appendChild(option);
    });
    if (!select.options.length) {
      select.appendChild(el("option", "", "No other team is known yet")).value = "";
    }
    if (keep) select.value = keep;
  }

  function renderTransferAgents() {
    var select = $("transfer-to");
    var keep = select.value;
    select.replaceChildren();
    (latestQueues.agents || []).forEach(function (agent) {
      if (agent.name === me.name) return;
      if (agent.presence !== "available" || agent.chats >= agent.capacity) return;
      var option = el("option", "", agent.name + " – " + agent.chats + " of " +
        agent.capacity + " chats");
      option.value = agent.agent_id;
      option.dataset.name = agent.name;
      select.appendChild(option);
    });
    if (!select.options.length) {
      select.appendChild(el("option", "", "No other adviser is free")).value = "";
    }
    if (keep) select.value = keep;
  }

  function loadOf(agentId) {
    var agent = (latestQueues.agents || []).filter(function (a) {
      return a.agent_id === agentId;
    })[0];
    return agent ? agent.chats : 0;
  }

  function markTransferred(id, to) {
    var chat = chats[id];
    if (!chat || chat.status !== "open") return;
    chat.status = "transferred";
    chat.transferredTo = to;
    if (id === selected) renderChatState();
    renderMine();
    announce("Chat " + chat.number + " transferred to " + to + ".");
  }

  /*
   * The colleague's load going up after our request, with no error back, also
   * confirms a transfer to them: the gateway stops sending us the chat's events
   * as it hands it over, so its "has joined" event may never reach this console.
   */
  function confirmTransfer(frame) {
    if (!transferring) return;
    var agent = (frame.agents || []).filter(function (a) {
      return a.agent_id === transferring.agentId;
    })[0];
    if (agent && agent.chats > transferring.chatsBefore) {
      markTransferred(transferring.conversationId, transferring.name);
      transferring = null;
    }
  }

  /* ---- Enquiry ------------------------------------------------------------ */

  function suggestedCategories(chat) {
    var found = {};
    chat.events.forEach(function (event) {
      (event.sources || []).forEach(function (source) {
        (source.topics || []).forEach(function (topic) {
          if (topic.indexOf(".") > 0) found[topic] = true;
        });
      });
    });
    return Object.keys(found);
  }

  function categoryLabel(id) {
    var parts = String(id).split(".");
    return areaTitle(parts[0]) + ": " + humanise(parts.slice(1).join(".") || parts[0]);
  }

  function renderCategories() {
    var select = $("enquiry-category");
    var keep = select.value;
    select.replaceChildren();
    select.appendChild(el("option", "", "Choose a category")).value = "";
    var chat = selected && chats[selected];
    var suggested = chat ? suggestedCategories(chat) : [];
    if (suggested.length) {
      var group = el("optgroup");
      group.label = "Suggested from this chat";
      suggested.forEach(function (id) {
        group.appendChild(el("option", "", categoryLabel(id))).value = id;
      });
      select.appendChild(group);
    }
    if (taxonomy) {
      taxonomy.areas.forEach(function (area) {
        var group = el("optgroup");
        group.label = area.title;
        area.topics.forEach(function (topic) {
          var option = el("option", "", humanise(topic.id.split(".").pop()));
          option.value = topic.id;
          if (topic.scope) option.title = topic.scope;
          group.appendChild(option);
        });
        select.appendChild(group);
      });
    }
    if (keep) select.value = keep;
  }

  function prefillEnquiry(chat, force) {
    if (chat.enquiryDirty && !force) return;
    if (force && chat.enquiryDirty && chat.enquiryDraft !== undefined) {
      $("enquiry-text").value = chat.enquiryDraft;
      $("enquiry-postcode").value = chat.postcodeDraft || "";
      return;
    }
    var said = chat.events
      .filter(function (e) { return e.author === "resident" && e.kind === "message"; })
      .map(function (e) { return e.text || ""; });
    $("enquiry-text").value = said.length
      ? "The resident said in the chat:\n" + said.join("\n") : "";
    $("enquiry-postcode").value = postcodeFrom(chat) || "";
  }

  function postcodeFrom(chat) {
    var found = null;
    chat.events.forEach(function (event) {
      var understood = event.understood || {};
      (understood.entities || []).forEach(function (e) {
        if (/postcode/i.test(e.entity) && typeof e.value === "string") found = e.value;
      });
      Object.keys(understood.slots || {}).forEach(function (name) {
        if (/postcode/i.test(name) && typeof understood.slots[name] === "string") {
          found = understood.slots[name];
        }
      });
    });
    return found;
  }

  function showEnquiry(frame) {
    var result = $("enquiry-result");
    result.replaceChildren();
    result.appendChild(el("p", "console-result__title", "Enquiry created"));
    result.appendChild(el("p", "", "Reference: " + frame.reference));
    var use = el("button", "console-button console-button--secondary",
      "Add the reference to your reply");
    use.type = "button";
    use.addEventListener("click", function () {
      var box = $("reply-text");
      box.value = (box.value ? box.value + "\n" : "") +
        "I have raised an enquiry for you. Your reference is " + frame.reference + ".";
      box.focus();
    });
    result.appendChild(use);
    result.hidden = false;
    $("status-reference").value = frame.reference;
    enquiryOnShow = null;
    $("status-result").hidden = true;
    result.focus();
    announce("Enquiry created. Reference " + frame.reference + ".");
  }

  /* ---- Enquiry status (staff REST route, webchat/api/staff_enquiries.py) -- */

  // The status form changes only the enquiry on show: typing another reference
  // hides it, and the new one must be looked up (and seen) before it changes.
  var enquiryOnShow = null;

  $("status-reference").addEventListener("input", function () {
    enquiryOnShow = null;
    $("status-result").hidden = true;
  });

  function showEnquiryStatus(body) {
    enquiryOnShow = $("status-reference").value.trim();
    var result = $("status-result");
    result.replaceChildren();
    result.appendChild(el("p", "console-result__title",
      body.reference + " is " + body.status));
    var history = el("ol", "console-sv-list");
    (body.history || []).forEach(function (entry) {
      history.appendChild(el("li", "", entry.status + " – " +
        new Date(entry.at).toLocaleString("en-GB") + " – " + entry.by +
        (entry.note ? " – " + entry.note : "")));
    });
    result.appendChild(history);
    result.hidden = false;
    announce(body.reference + " is " + body.status + ".");
  }

  function enquiryRequest(method, path, payload) {
    var headers = { "Accept": "application/json" };
    if (payload) headers["Content-Type"] = "application/json";
    if (method !== "GET" && me.csrf_token) headers["X-CSRF-Token"] = me.csrf_token;
    return fetch("/api/staff/enquiries/" + path, {
      method: method, credentials: "same-origin", headers: headers,
      body: payload ? JSON.stringify(payload) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          throw new Error(body.error ? body.error.message : "The enquiry could not be changed.");
        }
        return body;
      });
    });
  }

  function statusReference() {
    var reference = $("status-reference").value.trim();
    if (!reference) {
      showError("Type the enquiry's reference.");
      $("status-reference").focus();
    }
    return reference;
  }

  $("status-lookup").addEventListener("click", function () {
    var reference = statusReference();
    if (!reference) return;
    showError("");
    enquiryRequest("GET", encodeURIComponent(reference))
      .then(showEnquiryStatus)
      .catch(function (error) { showError(error.message); });
  });

  $("status-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var reference = statusReference();
    if (!reference) return;
    if (reference !== enquiryOnShow) {
      showError("Look up " + reference + " and check it is the right enquiry first.");
      $("status-lookup").focus();
      return;
    }
    showError("");
    enquiryRequest("POST", encodeURIComponent(reference) + "/status",
      { status: $("status-new").value, note: $("status-note").value.trim() })
      .then(function (body) { $("status-note").value = ""; showEnquiryStatus(body); })
      .catch(function (error) { showError(error.message); });
  });

  function loadTaxonomy() {
    // The gateway serves the taxonomy (webchat/api/console.py); should it fail,
    // teams come from the queues and categories from the topics of the
    // assistant's sources in the chat.
    fetch("/api/console/taxonomy", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || !Array.isArray(body.areas)) return;
        taxonomy = body;
        renderTransferAreas();
        renderCategories();
      })
      .catch(function () { /* the fallbacks above stay in use */ });
  }

  /* ---- Chats offered to this adviser (docs/protocol.md, "Offers") --------- */

  var offers = {};  // conversation_id -> {node, timer} while an offer stands
  var OFFER_ENDED = {
    timeout: "The offered chat was not accepted in time and has gone to someone else.",
    declined: "You declined the offered chat.",
    agent_unavailable: "The offered chat was withdrawn because you are not available.",
    taken: "The offered chat was taken by another adviser.",
    not_waiting: "The offered chat is no longer waiting."
  };
  var OFFER_ERRORS = ["offer_withdrawn", "not_your_chat"];

  function offerBox() {
    var box = $("offers");
    if (!box) {
      box = el("section", "console-offers");
      box.id = "offers";
      box.setAttribute("aria-label", "Chats offered to you");
      $("queues").parentNode.insertBefore(box, $("queues").previousElementSibling);
    }
    return box;
  }

  function showOffer(frame) {
    var id = frame.conversation_id;
    endOffer(id);
    var deadline = Date.now() + Math.max(0, Number(frame.seconds_left) || 0) * 1000;
    var node = el("div", "console-result");
    node.appendChild(el("p", "console-result__title", "Chat offered to you"));
    node.appendChild(el("p", "", "A resident is waiting in " + areaTitle(frame.area) + "."));
    var left = el("p", "console-hint");
    node.appendChild(left);
    var row = el("div", "console-row");
    var accept = el("button", "console-button", "Accept offered chat");
    accept.type = "button";
    accept.addEventListener("click", function () {
      showError("");
      accepting = id;
      send({ type: "accept", conversation_id: id });
    });
    var decline = el("button", "console-button console-button--secondary", "Decline");
    decline.type = "button";
    decline.addEventListener("click", function () {
      send({ type: "decline", conversation_id: id });
    });
    row.appendChild(accept);
    row.appendChild(decline);
    node.appendChild(row);

    function countDown() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent = "Accept within " + minutesAndSeconds(seconds) + ".";
    }
    countDown();
    offers[id] = { node: node, timer: setInterval(countDown, 1000) };
    offerBox().appendChild(node);
    offerBox().hidden = false;
    alertNewChat(frame.area);
    announce("A chat in " + areaTitle(frame.area) + " is offered to you. " + left.textContent);
  }

  function endOffer(id, why) {
    var offer = offers[id];
    if (!offer) return;
    clearInterval(offer.timer);
    offer.node.remove();
    delete offers[id];
    offerBox().hidden = !Object.keys(offers).length;
    if (why) announce(OFFER_ENDED[why] || OFFER_ENDED.not_waiting);
  }

  function onOfferFrame(frame) {
    if (frame.type === "offer") showOffer(frame);
    if (frame.type === "offer_withdrawn") endOffer(frame.conversation_id, frame.why);
    if (frame.type === "transcript") endOffer(frame.conversation_id);
    if (frame.type === "error" && offers[frame.conversation_id] &&
        OFFER_ERRORS.indexOf(frame.error.code) >= 0) {
      endOffer(frame.conversation_id);
    }
  }

  /* ---- Frames from the server --------------------------------------------- */

  function onFrame(message) {
    var frame;
    try { frame = JSON.parse(message.data); } catch (e) { return; }

    if (frame.type === "queues") renderQueues(frame);
    onOfferFrame(frame);
    if (frame.type === "transcript") {
      var chat = chatFor(frame.conversation_id);
      frame.events.forEach(function (event) { addEvent(frame.conversation_id, event, false); });
      chat.status = "open";  // a transcript comes only with a chat that is now ours
      chat.transferredTo = null;
      // Without a panel to follow (a reconnect), one held may be stale: it is
      // asked for again when the adviser opens the chat.
      chat.panelComing = frame.single_view_follows === true;
      if (!chat.panelComing) chat.singleView = null;
      renderMine();
      // Show the chat just accepted; one given by a colleague or restored on
      // reconnecting is shown only if the adviser is not in another open chat.
      if (accepting === frame.conversation_id || !selected ||
          selected === frame.conversation_id || chats[selected].status !== "open") {
        accepting = null;
        select(frame.conversation_id);
        announce("Chat " + chat.number + " is now yours. Its transcript is shown.");
      } else {
        announce("Chat " + chat.number + " has been given to you.");
      }
    }
    if (frame.type === "event") addEvent(frame.conversation_id, frame.event, true);
    if (frame.type === "typing" && frame.author === "resident" &&
        frame.conversation_id === selected) {
      $("typing").hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { $("typing").hidden = true; }, TYPING_SHOWN_MS);
    }
    if (frame.type === "single_view") {
      var owner = chatFor(frame.conversation_id);
      owner.panelComing = false;
      owner.singleView = singleViewOf(frame);
      if (selected === frame.conversation_id) renderSingleView(owner.singleView);
    }
    if (frame.type === "enquiry" && frame.conversation_id === selected) showEnquiry(frame);
    if (frame.type === "error") {
      if (transferring && frame.conversation_id === transferring.conversationId) {
        transferring = null;
      }
      showError(frame.error.message);
    }
    if (frame.type === "ack") showError("");
  }

  function connect() {
    // The chat open now gets its panel back on reconnecting; the others only
    // when the adviser opens them.
    var open = selected && chats[selected].status === "open"
      ? "?open=" + encodeURIComponent(selected) : "";
    socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/agent" + open);
    socket.onopen = function () {
      retry = 500;
      $("connection").textContent = "Connected";
      send({ type: "presence", presence: $("presence").value });
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

  /* ---- What the adviser does ---------------------------------------------- */

  function requireChat() {
    if (!selected) { showError("Choose a chat first."); return false; }
    return true;
  }

  $("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!requireChat()) return;
    if (!text) { showError("Type a reply before you send it."); $("reply-text").focus(); return; }
    if (send({ type: "message", conversation_id: selected, text: text,
      client_message_id: newId() })) {
      $("reply-text").value = "";
    }
  });
  $("reply-text").addEventListener("input", function () {
    var now = Date.now();
    if (!selected || now - lastTypingSent < TYPING_SEND_EVERY_MS) return;
    lastTypingSent = now;
    send({ type: "typing", conversation_id: selected });
  });
  $("canned").addEventListener("change", function () {
    if (this.value) $("reply-text").value = this.value;
    this.value = "";
    $("reply-text").focus();
  });

  $("note").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("note-text").value.trim();
    if (!requireChat()) return;
    if (!text) { showError("Type a note before you add it."); $("note-text").focus(); return; }
    if (send({ type: "note", conversation_id: selected, text: text })) {
      $("note-text").value = "";
      showError("");
    }
  });

  $("transfer-queue").addEventListener("submit", function (event) {
    event.preventDefault();
    var area = $("transfer-area").value;
    if (!requireChat()) return;
    if (!area) { showError("Choose a team to transfer the chat to."); return; }
    showError("");
    send({ type: "transfer", conversation_id: selected, area: area });
  });
  $("transfer-agent").addEventListener("submit", function (event) {
    event.preventDefault();
    var agentId = $("transfer-to").value;
    if (!requireChat()) return;
    if (!agentId) { showError("No other adviser is free to take the chat."); return; }
    showError("");
    var option = $("transfer-to").selectedOptions[0];
    transferring = { conversationId: selected, agentId: agentId,
      name: option ? option.dataset.name : "another adviser", chatsBefore: loadOf(agentId) };
    send({ type: "transfer", conversation_id: selected, agent_id: agentId });
  });

  $("enquiry").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!requireChat()) return;
    var category = $("enquiry-category").value;
    var details = $("enquiry-text").value.trim();
    if (!category) { showError("Choose a category for the enquiry."); $("enquiry-category").focus(); return; }
    if (!details) { showError("Write the details of the enquiry."); $("enquiry-text").focus(); return; }
    showError("");
    send({ type: "create_enquiry", conversation_id: selected, category: category,
      details: details, postcode: $("enquiry-postcode").value.trim(),
      client_message_id: newId() });
  });
  ["enquiry-text", "enquiry-postcode"].forEach(function (id) {
    $(id).addEventListener("input", function () {
      if (!selected) return;
      var chat = chats[selected];
      chat.enquiryDirty = true;
      chat.enquiryDraft = $("enquiry-text").value;
      chat.postcodeDraft = $("enquiry-postcode").value;
    });
  });

  $("handback").addEventListener("click", function () {
    if (requireChat()) send({ type: "handback", conversation_id: selected });
  });
  $("finish").addEventListener("submit", function (event) {
    event.preventDefault();
    if (requireChat()) {
      send({ type: "close", conversation_id: selected, wrap_up: $("wrap-up").value });
    }
  });
  $("presence").addEventListener("change", function () {
    send({ type: "presence", presence: this.value });
  });

  fetch("/auth/me", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (who) {
      if (!who) return;
      me = who;
      $("agent-name").textContent = who.name;
      renderTransferAgents();
    });
  if (window.Notification && Notification.permission === "default") {
    Notification.requestPermission();
  }
  renderTransferAreas();
  renderTransferAgents();
  renderCategories();
  loadTaxonomy();
  connect();
})();
