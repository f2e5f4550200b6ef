/*
 * The supervisors' analytics page. Reads the period from the page's address
 * (?from=&to=, set by the form), asks /api/analytics for the figures and draws
 * them: key figures, bar charts in SVG of our own, and beside each chart a
 * table with the same figures for screen readers and anyone who prefers one.
 * Every word from the server, residents' questions above all, is put on the
 * page with textContent, never as markup.
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  var BLUE = "#1d70b8";
  var GREEN = "#00703c";
  var CHART_WIDTH = 600;
  var BAR_SPACE = 470;  // the rest of the width is for the figure after the bar
  var ROW = 52;
  var MAX_LABEL = 70;
  var RATING_WORDS = { 1: "1 – poor", 2: "2", 3: "3", 4: "4", 5: "5 – very good" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) {
      node.setAttribute(name, String(attributes[name]));
    });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function shorten(text) {
    text = String(text);
    return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + "…" : text;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function percent(share) {
    return share === null || share === undefined ? "Not known"
      : Math.round(share * 100) + "%";
  }

  function longDate(iso) {
    return new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
    });
  }

  /*
   * Horizontal bars, one row per item: the label above its bar, the figure after
   * it. Hidden from assistive technology: the table beside it says the same.
   */
  function barChart(container, items, empty) {
    container.replaceChildren();
    var most = items.reduce(function (top, item) { return Math.max(top, item.value); }, 0);
    if (!most) {
      container.appendChild(el("p", "analytics-chart__empty", empty));
      return;
    }

    var chart = svg("svg", {
      viewBox: "0 0 " + CHART_WIDTH + " " + items.length * ROW,
      "aria-hidden": "true",
      focusable: "false",
      "font-family": "Arial, Helvetica, sans-serif",
      "font-size": "16"
    });
    items.forEach(function (item, index) {
      var top = index * ROW;
      var width = item.value ? Math.max(2, Math.round(item.value / most * BAR_SPACE)) : 0;
      chart.appendChild(svg("text", { x: 0, y: top + 16, fill: "#0b0c0c" },
        shorten(item.label)));
      chart.appendChild(svg("rect", {
        x: 0, y: top + 22, width: width, height: 22, fill: item.colour || BLUE
      }));
      chart.appendChild(svg("text", {
        x: width + 8, y: top + 39, fill: "#0b0c0c", "font-weight": "700"
      }, item.value));
    });
    container.appendChild(chart);
  }

  function fillTable(id, rows, columns, empty) {
    var body = $(id).tBodies[0];
    body.replaceChildren();
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (text, index) {
        tr.appendChild(el("td", index ? "supervisor-number" : "", text));
      });
      body.appendChild(tr);
    });
    if (!rows.length) {
      var tr = el("tr");
      var td = el("td", "", empty);
      td.colSpan = columns;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function render(report) {
    var chats = report.conversations;
    var asked = chats.resolved_by_assistant + chats.handed_to_people;
    var share = chats.assistant_share;
    var rating = report.satisfaction;

    $("from").value = report.period.from;
    $("to").value = report.period.to;
    $("status").textContent = "Figures for chats started from " +
      longDate(report.period.from) + " to " + longDate(report.period.to) + ".";

    $("started").textContent = chats.started;
    $("resolved").textContent = chats.resolved_by_assistant +
      (share === null ? "" : " (" + percent(share) + ")");
    $("handed").textContent = chats.handed_to_people;
    $("mean-rating").textContent = rating.mean === null ? "No ratings"
      : rating.mean.toFixed(1) + " out of 5";
    $("silent").textContent = plural(chats.without_messages, "chat was", "chats were") +
      " opened without a message: counted in the chats started, but in neither outcome.";

    var outcomes = [
      { label: "Answered by the assistant alone", value: chats.resolved_by_assistant,
        colour: GREEN },
      { label: "Handed to an adviser", value: chats.handed_to_people, colour: BLUE }
    ];
    barChart($("outcome-chart"), outcomes, "No chats with a question in this period.");
    fillTable("outcome-table", outcomes.map(function (item) {
      return [item.label, item.value, asked ? percent(item.value / asked) : "Not known"];
    }), 3, "");

    var areas = report.handoffs_by_area.map(function (area) {
      return { label: area.label, value: area.count };
    });
    barChart($("areas-chart"), areas, "No chats were handed to an adviser.");
    fillTable("areas-table", areas.map(function (item) {
      return [item.label, item.value];
    }), 2, "No chats were handed to an adviser.");
    fillTable("unavailable-table", report.no_person_available.map(function (item) {
      return [item.label, item.count];
    }), 2, "Every request found an adviser.");

    var topics = report.top_topics.map(function (topic) {
      return { label: topic.label, value: topic.count };
    });
    barChart($("topics-chart"), topics, "The assistant answered no questions.");
    fillTable("topics-table", topics.map(function (item) {
      return [item.label, item.value];
    }), 2, "The assistant answered no questions.");

    var gaps = report.unanswered;
    $("gaps-total").textContent = plural(gaps.total, "question", "questions") +
      " could not be answered" +
      (gaps.questions.length < gaps.distinct
        ? "; the " + gaps.questions.length + " most asked of " + gaps.distinct +
          " different ones are listed." : ".");
    fillTable("gaps-table", gaps.questions.map(function (question) {
      return [question.text, question.count];
    }), 2, "Every question found an answer.");

    $("rating-summary").textContent = rating.count
      ? plural(rating.count, "resident", "residents") + " rated their chat, " +
        rating.mean.toFixed(1) + " out of 5 on average."
      : "No resident rated a chat in this period.";
    var scores = rating.distribution.map(function (item) {
      return { label: RATING_WORDS[item.score] || String(item.score), value: item.count };
    });
    barChart($("rating-chart"), scores, "No ratings in this period.");
    fillTable("rating-table", scores.map(function (item) {
      return [item.label, item.value];
    }), 2, "");

    $("figures").hidden = false;
  }

  function showError(message) {
    var box = $("error");
    box.replaceChildren(el("p", "", message));
    box.hidden = false;
    $("status").textContent = "No figures to show.";
    $("figures").hidden = true;
  }

  function load() {
    var asked = new URLSearchParams(location.search);
    var query = new URLSearchParams();
    ["from", "to"].forEach(function (name) {
      var value = asked.get(name);
      if (value) {
        query.set(name, value);
        $(name).value = value;
      }
    });

    fetch("/api/analytics?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (response.ok && body) return render(body);
          if (response.status === 401) {
            return showError("Your sign-in has ended. Reload the page to sign in again.");
          }
          var message = body && body.error && body.error.message;
          showError(message || "The figures could not be loaded. Please try again.");
        });
      })
      .catch(function () {
        showError("The figures could not be loaded. Check your connection and try again.");
      });
  }

  fetch("/auth/me", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (who) { if (who) $("supervisor-name").textContent = who.name; })
    .catch(function () { /* the name is only a courtesy */ });
  load();
})();
