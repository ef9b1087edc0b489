/* onrecord explorer: show a statement's details when its words are clicked, focused or linked (#s<N>).
   No inline scripts anywhere (the Content-Security-Policy forbids them); DOM nodes are cloned,
   never built from strings, so article text is never parsed as HTML here. */
(function () {
  "use strict";

  function ids(el) {
    return (el.getAttribute("data-s") || "").split(" ").filter(Boolean);
  }

  function show(sid) {
    var text = document.getElementById("article-text");
    var card = document.getElementById("card-" + sid);
    var detail = document.getElementById("detail");
    if (!text || !card || !detail) { return false; }
    text.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    text.querySelectorAll("[data-s]").forEach(function (el) {
      if (ids(el).indexOf(sid) !== -1) { el.classList.add("active"); }
    });
    var copy = card.cloneNode(true);
    copy.removeAttribute("id");
    copy.classList.add("selected");
    detail.replaceChildren(copy);
    detail.setAttribute("data-shown", sid);
    detail.scrollTop = 0;
    /* position: sticky keeps the panel in view while the text scrolls, but not past the end of
       the text: near the end of a long article, or on a narrow screen where the panel sits
       below the text, its top can be out of the window, so the page scrolls to show it */
    var box = detail.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) { detail.scrollIntoView({block: "nearest"}); }
    return true;
  }

  function pick(el) {
    /* A passage inside several statements: each click shows the next one. */
    var list = ids(el);
    var shown = document.getElementById("detail").getAttribute("data-shown");
    var at = list.indexOf(shown);
    return list[(at + 1) % list.length];
  }

  function onActivate(event) {
    var el = event.target.closest("[data-s]");
    if (!el || !ids(el).length) { return; }
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") { return; }
    event.preventDefault();
    show(pick(el));
  }

  function fromHash() {
    var m = /^#s(\d+)$/.exec(window.location.hash);
    if (m && show(m[1])) {
      var first = document.querySelector("#article-text .active");
      if (first) { first.scrollIntoView({block: "center"}); }
    }
  }

  /* Corrections (only drawn when the explorer has a write token): the token is asked once and
     kept for this tab (sessionStorage); each write is a JSON POST, then the page reloads. */
  function token() {
    var t = window.sessionStorage.getItem("onrecord-token");
    if (!t) {
      t = window.prompt("Write token of this explorer");
      if (t) { window.sessionStorage.setItem("onrecord-token", t); }
    }
    return t;
  }

  function post(url, body) {
    var t = token();
    if (!t) { return; }
    fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer " + t},
                body: JSON.stringify(body)})
      .then(function (r) {
        if (r.status === 401) { window.sessionStorage.removeItem("onrecord-token"); }
        return r.json().then(function (data) {
          if (r.ok) { window.location.reload(); }
          else { window.alert((data.error && data.error.message) || ("error " + r.status)); }
        });
      });
  }

  function lastBy() { return window.localStorage.getItem("onrecord-by") || ""; }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.correct");
    if (!form) { return; }
    event.preventDefault();
    var by = form.elements.by.value;
    window.localStorage.setItem("onrecord-by", by);
    post("/api/statements/" + form.getAttribute("data-s") + "/corrections",
         {action: form.elements.action.value, value: form.elements.value.value || null, by: by});
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.undo");
    if (!button) { return; }
    var by = window.prompt("Your name (who undoes it)", lastBy());
    if (by) { post("/api/corrections/" + button.getAttribute("data-undo") + "/undo", {by: by}); }
  });

  function askBy() {
    var by = lastBy() || window.prompt("Your name (who makes the correction)");
    if (by) { window.localStorage.setItem("onrecord-by", by); }
    return by;
  }

  function quick(sid, action) {
    var by = askBy();
    if (by) { post("/api/statements/" + sid + "/corrections", {action: action, by: by}); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.quick");
    if (button) { quick(button.getAttribute("data-s"), button.getAttribute("data-action")); }
  });

  /* The review queue: j/k move between rows, a accepts, r rejects, e edits the focused row. */
  document.addEventListener("keydown", function (event) {
    var queue = document.querySelector("ol.queue");
    if (!queue || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.closest("input, select, textarea")) { return; }
    var items = Array.prototype.slice.call(queue.querySelectorAll("li.item"));
    if (!items.length) { return; }
    var at = items.indexOf(document.activeElement.closest ? document.activeElement.closest("li.item") : null);
    var item = items[Math.max(at, 0)];
    if (event.key === "j" || event.key === "k") {
      var next = items[Math.min(Math.max(at + (event.key === "j" ? 1 : -1), 0), items.length - 1)];
      next.focus();
    } else if (event.key === "a" || event.key === "r") {
      quick(item.getAttribute("data-s"), event.key === "a" ? "accept" : "reject");
    } else if (event.key === "e") {
      var select = item.querySelector("form.correct select");
      if (select) { select.focus(); }
    } else { return; }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.correct input[name=by]").forEach(function (el) { el.value = lastBy(); });
    var first = document.querySelector("ol.queue li.item");
    if (first) { first.focus(); }
    var text = document.getElementById("article-text");
    if (!text) { return; }
    text.addEventListener("click", onActivate);
    text.addEventListener("keydown", onActivate);
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
})();
