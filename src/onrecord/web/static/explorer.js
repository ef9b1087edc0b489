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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.correct input[name=by]").forEach(function (el) { el.value = lastBy(); });
    var text = document.getElementById("article-text");
    if (!text) { return; }
    text.addEventListener("click", onActivate);
    text.addEventListener("keydown", onActivate);
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
})();
