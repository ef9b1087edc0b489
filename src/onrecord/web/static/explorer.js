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

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("article-text");
    if (!text) { return; }
    text.addEventListener("click", onActivate);
    text.addEventListener("keydown", onActivate);
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
})();
