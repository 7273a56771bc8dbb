/* coursekit serve: refresh this deck when it is rebuilt, on the same slide and step; show build
   errors over the page until they are fixed, and warnings discreetly in a corner (click to
   read them). Injected by the dev server only, never built in. */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var key = "coursekit-position:" + location.pathname;
  var overlay = null;
  var badge = null;

  function currentSlide() {
    return document.querySelector("section.slide.current");
  }

  function words(text) {
    var set = {};
    (text || "").toLowerCase().split(/\s+/).forEach(function (w) { if (w) set[w] = true; });
    return set;
  }

  function similarity(a, b) {  // Jaccard index of the two slides' words
    var inter = 0, union = 0, w;
    for (w in a) { union++; if (b[w]) inter++; }
    for (w in b) { if (!a[w]) union++; }
    return union ? inter / union : 0;
  }

  function restore() {
    // The slide being edited moves when lines or slides are added above it, and its text
    // changes: find it again by its chapter and its words, nearest to where it was.
    var saved;
    try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    sessionStorage.removeItem(key);
    if (!saved) return;
    var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
    var target = words(saved.text), best = -1, bestScore = 0;
    slides.forEach(function (s, i) {
      var source = s.getAttribute("data-source") || "";
      if (saved.path && source.slice(0, source.lastIndexOf(":")) !== saved.path) return;
      var score = similarity(target, words(s.textContent)) - Math.abs(i - saved.index) * 1e-6;
      if (score > bestScore) { bestScore = score; best = i; }
    });
    if (bestScore < 0.5) best = Math.min(saved.index, slides.length - 1);
    if (best >= 0 && location.hash !== "#" + (best + 1)) location.hash = "#" + (best + 1);
  }

  function remember() {
    var slide = currentSlide();
    if (!slide) return;
    var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
    var source = slide.getAttribute("data-source") || "";
    sessionStorage.setItem(key, JSON.stringify({
      path: source ? source.slice(0, source.lastIndexOf(":")) : "",
      text: slide.textContent, index: slides.indexOf(slide)
    }));
  }

  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showOverlay(errors) {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "coursekit-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:2147483647;" +
      "background:#2b0b0b;color:#ffd9d9;font:15px/1.5 'DejaVu Sans Mono',monospace;" +
      "padding:16px 22px;border-bottom:4px solid #e5484d;white-space:pre-wrap;max-height:60vh;overflow:auto";
    var title = document.createElement("div");
    title.style.cssText = "font-weight:bold;color:#fff;margin-bottom:6px";
    title.textContent = "Build error — the last good deck is shown below";
    overlay.appendChild(title);
    errors.forEach(function (e) {
      var line = document.createElement("div");
      line.className = "coursekit-error";
      line.textContent = e.where + ": " + e.message;
      overlay.appendChild(line);
    });
    document.body.appendChild(overlay);
  }

  function showWarnings(warnings) {
    if (badge) { badge.remove(); badge = null; }
    if (!warnings || !warnings.length) return;
    badge = document.createElement("details");
    badge.id = "coursekit-warnings";
    badge.style.cssText = "position:fixed;left:8px;bottom:8px;z-index:2147483646;max-width:60vw;" +
      "max-height:40vh;overflow:auto;background:rgba(255,248,225,.92);color:#5a4300;" +
      "font:12px/1.4 'DejaVu Sans Mono',monospace;padding:3px 8px;border:1px solid #e0c36a;" +
      "border-radius:4px;opacity:.75";
    var summary = document.createElement("summary");
    summary.textContent = warnings.length + (warnings.length === 1 ? " warning" : " warnings");
    badge.appendChild(summary);
    warnings.forEach(function (w) {
      var line = document.createElement("div");
      line.className = "coursekit-warning";
      line.textContent = w.where + ": " + w.message;
      badge.appendChild(line);
    });
    document.body.appendChild(badge);
  }

  restore();
  var events = new EventSource("/events");
  events.addEventListener("reload", function (e) {
    var data = JSON.parse(e.data);
    if (data.decks.indexOf(location.pathname) >= 0) {
      remember();
      location.reload();
    } else {
      if (!data.broken) hideOverlay();
      showWarnings(data.warnings);
    }
  });
  events.addEventListener("builderror", function (e) {
    var data = JSON.parse(e.data);
    showOverlay(data.errors);
    showWarnings(data.warnings);
  });
  events.addEventListener("warnings", function (e) {
    showWarnings(JSON.parse(e.data).warnings);
  });
  events.addEventListener("fixed", function (e) {
    hideOverlay();
    showWarnings(e.data ? JSON.parse(e.data).warnings : []);
  });
})();
