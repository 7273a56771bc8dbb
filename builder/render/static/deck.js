/* coursekit deck runtime.

   One 1600x900 slide at a time, scaled to the window. Keys, click or tap zones and swipes
   navigate; the URL hash (#12, #slide-name, #src:path:line) survives a reload; G goes to a
   slide by number, / searches, O shows an overview, P opens the presenter view in a second
   tab (synced both ways over BroadcastChannel, or storage events), E edits the slide on the
   forge. Lab commands get a copy button. ?print and ?print-notes prepare the page for
   printing (one page per slide, `--` steps collapsed to their final state).

   Keys and toolbar buttons reach their action through the keymap (#ck-keys, from
   builder/render/keymap.py): `actions` below is the only place that knows what they do.
   Every word shown comes from the #ck-ui table (builder/render/ui.py), never from here.
   No dependency, no network request. */
(function () {
  "use strict";

  var doc = document;
  var params = new URLSearchParams(location.search);
  var mode = {
    presenter: params.has("presenter") || params.has("mirror"),
    print: params.has("print") || params.has("print-notes"),
    printNotes: params.has("print-notes")
  };

  function hashValue() {  // the URL's fragment, decoded (a malformed escape is taken as it is)
    var raw = location.hash.replace(/^#/, "");
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }

  /* ---------- Boot: runs in <head>, before the slides are parsed ---------- */

  // Size the stage and show the slide that the URL names as soon as the parser reaches it: a
  // deck of thousands of slides paints its first slide long before the whole file is parsed.
  // The runtime takes over at DOMContentLoaded and removes this rule.
  function boot() {
    if (mode.presenter || mode.print) return;  // laid out differently: wait for the runtime
    var scale = Math.min(window.innerWidth / 1600, window.innerHeight / 900) || 1;
    doc.documentElement.style.setProperty("--scale", String(scale));
    var target = bootSelector(hashValue());
    var style = doc.createElement("style");
    style.id = "ck-boot";
    style.textContent = ".deck > section.slide" + target + " { display: var(--ck-display, block); }";
    doc.head.appendChild(style);
  }

  function bootSelector(hash) {
    if (!hash) return ":first-of-type";
    if (/^\d+$/.test(hash)) return ":nth-of-type(" + parseInt(hash, 10) + ")";
    if (hash.indexOf("src:") === 0) return '[data-source="' + hash.slice(4).replace(/["\\]/g, "\\$&") + '"]';
    var id = "#" + CSS.escape(hash);
    return ":is(" + id + ", :has(" + id + "))";
  }

  try { boot(); } catch (e) { /* the runtime shows the slide anyway */ }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", run);
  else run();

  /* ---------- The runtime: once the whole deck is parsed ---------- */

  function run() {
    var body = doc.body;
    var deck = doc.getElementById("ck-deck") || doc.querySelector("main.deck");
    var slides = Array.prototype.slice.call(deck.querySelectorAll("section.slide"));
    var words = readJson("ck-ui") || {};
    var keymap = readJson("ck-keys") || [];  // [{action, keys, when}]: builder/render/keymap.py
    var current = -1;
    var listeners = [];  // called with the new index after each slide change

    /* ---------- Small helpers ---------- */

    function readJson(id) {  // a JSON block that the builder put in the page
      var el = doc.getElementById(id);
      try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
    }

    function t(key, values) {  // a word from the UI table, "{name}" placeholders filled in
      var text = words[key] || "";
      return text.replace(/\{(\w+)\}/g, function (all, name) {
        return values && values[name] !== undefined ? String(values[name]) : all;
      });
    }

    function $(selector, root) { return (root || doc).querySelector(selector); }

    function each(list, fn) { Array.prototype.forEach.call(list, fn); }

    function fromTemplate(id) {
      return doc.getElementById(id).content.firstElementChild.cloneNode(true);
    }

    function clamp(i) { return Math.min(Math.max(i, 0), slides.length - 1); }

    function isTyping(el) {
      return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    }

    function isVisible(el) { return !!el && el.getClientRects().length > 0; }

    function titleOf(slide) {
      var heading = slide.querySelector(".content h1, .content h2, .content h3");
      var text = heading ? heading.textContent : "";
      return text.replace(/\s+/g, " ").trim();
    }

    function splitSource(slide) {  // data-source="path:line"
      var source = slide.getAttribute("data-source");
      if (!source) return null;
      var at = source.lastIndexOf(":");
      return { path: source.slice(0, at), line: parseInt(source.slice(at + 1), 10) };
    }

    function flatText(slide) {
      var content = slide.querySelector(".content");
      var text = content ? content.textContent : "";
      // A drawn diagram carries its own <style>: its words are searched, not its CSS.
      if (content && text) {
        each(content.querySelectorAll("style"), function (s) { text = text.replace(s.textContent, " "); });
      }
      return text.replace(/\s+/g, " ").trim();
    }

    /* ---------- Numbers: the counter follows remark (`count: false` slides add nothing) ---------- */

    var numbering = (function () {
      if (!deck.querySelector("section.slide[data-count=false]")) {
        return { of: function (i) { return i + 1; }, total: slides.length,
                 index: function (n) { return n - 1; } };
      }
      var numbers = [], n = 0;
      slides.forEach(function (s) {
        if (s.getAttribute("data-count") !== "false") n++;
        numbers.push(Math.max(n, 1));
      });
      return { of: function (i) { return numbers[i]; }, total: n,
               index: function (k) { return numbers.indexOf(k); } };
    })();

    /* ---------- `--` steps: sections superseded by a later step of their slide ---------- */

    // data-step="k/n" (from the builder) marks the k-th of a slide's n `--` steps; printing
    // keeps the last one only.
    var continuation = null;  // continuation[i]: section i is a later step of section i-1's slide

    function stepsOf() {
      if (!continuation) {
        continuation = slides.map(function (s) {
          return parseInt(s.getAttribute("data-step") || "1", 10) > 1;
        });
      }
      return continuation;
    }

    function isSuperseded(i) {
      var steps = stepsOf();
      return i + 1 < slides.length && steps[i + 1];
    }

    /* ---------- Layout: the 16:9 stage scaled to its box ---------- */

    function fit() {
      var scale = Math.min(deck.clientWidth / 1600, deck.clientHeight / 900) || 1;
      doc.documentElement.style.setProperty("--scale", String(scale));
      listeners.forEach(function (fn) { if (fn.onResize) fn.onResize(); });
    }

    // A copy of a slide's content for the presenter's next slide and the overview: no ids, no
    // notes, no buttons; scaled by its container's --preview-scale.
    function previewOf(slide) {
      var copy = doc.createElement("div");
      copy.className = slide.className.replace(/\bcurrent\b/, "") + " ck-preview";
      var content = slide.querySelector(".content");
      if (content) copy.appendChild(content.cloneNode(true));
      diagrams.asPictures(content, copy);  // before ids go: a drawing's styles need its id
      each(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
      each(copy.querySelectorAll(".ck-copy"), function (el) { el.remove(); });
      return copy;
    }

    function fitPreview(box) {
      var scale = Math.min(box.clientWidth / 1600, box.clientHeight / 900) || 0;
      box.style.setProperty("--preview-scale", String(scale));
    }

    /* ---------- Showing a slide ---------- */

    var counter = $(".counter");
    var status = doc.getElementById("ck-status");
    var prefix = deck.getAttribute("data-prefix") || "";

    function show(i, how) {
      if (!slides.length) return;
      how = how || {};
      i = clamp(i);
      var previous = slides[current];
      if (i !== current) {
        if (previous) {
          previous.classList.remove("current");
          previous.setAttribute("aria-hidden", "true");
        }
        current = i;
        slides[i].classList.add("current");
        slides[i].removeAttribute("aria-hidden");
        decorate(slides[i]);
        fetchPictures(slides[i], false);
        fetchPictures(slides[i + 1], true);
        fetchPictures(slides[i - 1], false);
        diagrams.soon(i);
      }
      if (counter) counter.textContent = prefix + numbering.of(i) + "/" + numbering.total;
      if (how.announce) announce(t("slide_titled", { n: numbering.of(i), total: numbering.total,
                                                     title: titleOf(slides[i]) }));
      if (how.hash) { hashPending = true; if (!keyMove) writeHash(); }
      if (how.broadcast) sync.post({ type: "show", index: i });
      keepFocus(previous);
      listeners.forEach(function (fn) { fn(i); });
    }

    // The address bar follows the slide: at once after a click, a link or another tab's move;
    // when the key is released after a key press (a key held down moves through many slides).
    // A change of URL costs Chromium in proportion to the page (about 1 ms for a deck of 2,500
    // slides, several in its first seconds): the slide that a key brings need not wait for it.
    var hashPending = false, keyMove = false;

    function writeHash() {
      if (!hashPending) return;
      hashPending = false;
      var hash = "#" + (current + 1);
      if (location.hash !== hash) history.replaceState(null, "", hash);
    }

    // A user's move: update the hash, tell the other tabs, announce the slide.
    function go(i) { show(i, { hash: true, broadcast: true, announce: true }); }

    function announce(text) { if (status) status.textContent = text; }

    // Focus must not stay on a link of a slide that just went away (display: none).
    function keepFocus(previous) {
      var active = doc.activeElement;
      if (previous && active && previous !== slides[current] && previous.contains(active)) {
        deck.focus({ preventScroll: true });
      }
    }

    /* ---------- URL: #N, #name or #src:path:line ---------- */

    function indexFromHash() {
      var hash = hashValue();
      if (!hash) return 0;
      if (/^\d+$/.test(hash)) return clamp(parseInt(hash, 10) - 1);
      if (hash.indexOf("src:") === 0) return slideOfLine(hash.slice(4));
      var el = doc.getElementById(hash);
      var i = el ? slides.indexOf(el.closest("section.slide")) : -1;
      return i >= 0 ? i : 0;
    }

    // "path:line" -> the section that first shows that line: the one of that file starting
    // nearest before it (a later `--` step starts later), as an editor's "show me this slide"
    // and lab reports link to slides. A chapter used twice lands on its first use.
    function slideOfLine(source) {
      var at = source.lastIndexOf(":");
      var path = source.slice(0, at), line = Number(source.slice(at + 1));
      var best = -1, bestLine = -Infinity;
      for (var i = 0; i < slides.length; i++) {
        var where = splitSource(slides[i]);
        if (!where || where.path !== path) continue;
        if (where.line === line) return i;
        if (where.line <= line && where.line > bestLine) { best = i; bestLine = where.line; }
      }
      return best >= 0 ? best : 0;
    }

    /* ---------- Edit this slide on the forge ---------- */

    var editBase = body.getAttribute("data-edit-base") || "";
    var editLinks = Array.prototype.slice.call(doc.querySelectorAll("a.ck-edit"));

    function editUrl(slide) {
      var where = splitSource(slide);
      if (!editBase || !where) return "";
      return editBase + encodeURI(where.path) + "#L" + where.line;
    }

    function updateEditLinks(i) {
      var url = editUrl(slides[i]);
      editLinks.forEach(function (a) {
        a.hidden = !url;
        if (url) a.href = url; else a.removeAttribute("href");
      });
    }

    function openEdit() {
      var link = editLinks[0];
      if (link && !link.hidden) link.click();
    }

    /* ---------- Pictures: lazy, fetched a slide ahead ---------- */

    // The builder marks every picture loading="lazy": hidden slides have no layout, so Chromium
    // fetches none of theirs when the deck opens. A slide's pictures are fetched when it shows,
    // and the next slide's (decoded too) when the one before it shows, so that moving on paints
    // them at once. Printing shows them all: Chromium fetches every lazy picture before it
    // prints, and waits for them. (Pictures made eager here would not be waited for: neither
    // in beforeprint nor by the load event, so printing leaves them lazy.)
    function fetchPictures(slide, decode) {
      if (!slide) return;
      each(slide.querySelectorAll('img[loading="lazy"]'), function (img) {
        img.loading = "eager";
        if (decode && img.decode) img.decode().catch(function () { /* broken: shown as such */ });
      });
    }

    /* ---------- Diagrams: mermaid, from the file beside the deck ---------- */

    // <pre class="mermaid"> holds a diagram's source until mermaid (builder/render/diagrams.py:
    // its browser build, copied beside the deck, named by the root's data-mermaid) draws it. The
    // library is loaded at once if the first slide shown has a diagram, once it is painted if
    // the next one has, else once the deck has been left alone for a moment (loading it is a
    // long task, which a key pressed meanwhile would wait for); then every diagram is drawn
    // while the page is idle, those nearest the current slide first, so that moving to one
    // shows it drawn, and printing too. `ready()` draws them all now and resolves when done
    // (?print and `coursekit pdf` wait for it). A diagram mermaid cannot draw, or a library
    // that cannot load, leaves the source shown.
    var diagrams = (function () {
      var file = doc.documentElement.getAttribute("data-mermaid");
      var all = Array.prototype.slice.call(deck.querySelectorAll("pre.mermaid"));
      var library = null, queue = Promise.resolve(), drawn = {}, count = 0, started = false;
      if (!file || !all.length) {
        return { soon: function () {}, start: function () {}, asPictures: function () {},
                 ready: function () { return Promise.resolve(true); } };
      }

      function load() {
        if (!library) {
          library = new Promise(function (resolve, reject) {
            var script = doc.createElement("script");
            script.src = file;
            script.onload = function () {
              var mermaid = window.mermaid;
              if (!mermaid) { reject(new Error("no mermaid in " + file)); return; }
              // The classic look: no drop shadows, which print as blurred pictures.
              mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default",
                                   look: "classic", fontFamily: getComputedStyle(body).fontFamily,
                                   htmlLabels: false, flowchart: { htmlLabels: false } });
              resolve(mermaid);
            };
            script.onerror = function () { reject(new Error("cannot load " + file)); };
            doc.head.appendChild(script);
          });
          library.catch(function () {
            all.forEach(function (pre) { pre.setAttribute("data-ck-failed", ""); });
          });
        }
        return library;
      }

      // One drawing at a time (mermaid renders in a scratch element of its own); a source seen
      // before is drawn once, its copies get ids of their own.
      function draw(pre) {
        if (pre.ckDrawing) return pre.ckDrawing;
        var source = pre.textContent;
        var id = "ck-diagram-" + (++count);
        pre.ckDrawing = queue = queue.then(load).then(function (mermaid) {
          var known = drawn[source];
          if (known) return known.svg.split(known.id).join(id);
          return mermaid.render(id, source).then(function (result) {
            drawn[source] = { svg: result.svg, id: id };
            return result.svg;
          });
        }).then(function (svg) {
          pre.innerHTML = svg;
          var drawing = pre.querySelector("svg");
          var box = drawing && drawing.viewBox && drawing.viewBox.baseVal;
          // Drawn for a page of text: on a 1600-pixel slide, half as large again (CSS caps it).
          if (box && box.width) drawing.style.maxWidth = Math.round(box.width * 1.5) + "px";
          pre.setAttribute("data-processed", "true");
          pre.ckPicture = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
        }, function () {
          var scratch = doc.getElementById("d" + id);
          if (scratch) scratch.remove();
          pre.setAttribute("data-ck-failed", "");
        });
        return pre.ckDrawing;
      }

      function drawSlide(slide) {
        if (!slide) return Promise.resolve();
        return Promise.all(Array.prototype.map.call(slide.querySelectorAll("pre.mermaid"), draw));
      }

      function idle(fn) {
        if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 1000 });
        else setTimeout(fn, 30);
      }

      var slideOf = null;  // slideOf[k]: the index of the slide holding all[k]

      // A drawing is one long task: while the user is moving through the slides, those still
      // to draw wait (the current and next slides' are drawn as they come, see show()), and
      // so do they in the first moments, when the user is likely to start moving.
      var QUIET = 1500, lastMove = 0;

      function drawNextIdle() {  // the undrawn diagram nearest the current slide
        var wait = lastMove + QUIET - Date.now();
        if (wait > 0) { setTimeout(function () { idle(drawNextIdle); }, wait); return; }
        if (!slideOf) {
          var position = new Map(slides.map(function (slide, i) { return [slide, i]; }));
          slideOf = all.map(function (pre) { return position.get(pre.closest("section.slide")); });
        }
        var best = null, distance = Infinity;
        all.forEach(function (pre, k) {
          if (pre.ckDrawing) return;
          var d = Math.abs(slideOf[k] - current);
          if (d < distance) { best = pre; distance = d; }
        });
        if (best) draw(best).then(function () { idle(drawNextIdle); });
      }

      function nearby(i) {  // the current slide's, then the next one's, at once
        drawSlide(slides[i]).then(function () { return drawSlide(slides[i + 1]); });
      }

      // The first contentful paint, as the browser reports it; a first slide with nothing to
      // paint (or a browser that does not say) gives up waiting after a few seconds.
      function afterFirstPaint(fn) {
        var done = false;
        var go = function () { if (!done) { done = true; fn(); } };
        try {
          var observer = new PerformanceObserver(function (list) {
            if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); go(); }
          });
          observer.observe({ type: "paint", buffered: true });
        } catch (e) { /* no paint timing: the timer below */ }
        setTimeout(go, 3000);
      }

      function hasDiagram(slide) { return !!slide && !!slide.querySelector("pre.mermaid"); }

      return {
        soon: function (i) {
          if (!started) return;
          lastMove = Date.now();
          nearby(i);
        },
        start: function (i) {  // after the first show(): the others wait for the first paint
          started = true;
          lastMove = Date.now();
          if (hasDiagram(slides[i])) nearby(i);
          afterFirstPaint(function () {
            if (hasDiagram(slides[current + 1])) nearby(current);  // the next slide's, at once
            idle(drawNextIdle);
          });
        },
        ready: function () {
          return Promise.all(all.map(draw)).then(function () { return true; });
        },
        asPictures: function (content, copy) {  // drawn diagrams of a preview, as pictures
          if (!content) return;
          var originals = content.querySelectorAll("pre.mermaid");
          each(copy.querySelectorAll("pre.mermaid"), function (pre, k) {
            var picture = originals[k] && originals[k].ckPicture;
            if (!picture) return;
            pre.textContent = "";
            var img = doc.createElement("img");
            img.alt = "";
            img.src = picture;
            pre.appendChild(img);
          });
        }
      };
    })();

    /* ---------- Copy buttons on lab commands ---------- */

    function decorate(slide) {
      if (slide.hasAttribute("data-ck-ready")) return;
      slide.setAttribute("data-ck-ready", "");
      each(slide.querySelectorAll(".lab pre.code, .exercise pre.code"), function (pre) {
        var box = doc.createElement("div");
        box.className = "ck-code";
        pre.parentNode.insertBefore(box, pre);
        box.appendChild(pre);
        box.appendChild(fromTemplate("ck-copy-template"));
      });
    }

    function copyCode(button) {
      var pre = button.parentNode.querySelector("pre");
      var text = pre ? pre.textContent : "";
      var done = function (ok) { flashCopy(button, ok ? "copied" : "copy_failed"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); },
                                                 function () { done(copyByCommand(text)); });
      } else {
        done(copyByCommand(text));
      }
    }

    function copyByCommand(text) {  // older browsers, or a clipboard API that was refused
      var area = doc.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "ck-offscreen";
      body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      return ok;
    }

    function flashCopy(button, key) {
      button.setAttribute("data-label", t(key));
      announce(t(key));
      clearTimeout(button.ckTimer);
      button.ckTimer = setTimeout(function () { button.setAttribute("data-label", t("copy")); }, 1500);
    }

    /* ---------- Dialogs: go to, search, help, overview ---------- */

    var openDialog = null;  // { el, close(), onKey(e) } of the dialog shown, if any
    var returnFocus = null;

    function showDialog(dialog, focusEl) {
      if (openDialog) openDialog.close();
      returnFocus = doc.activeElement;
      dialog.el.hidden = false;
      openDialog = dialog;
      if (focusEl) focusEl.focus();
    }

    function hideDialog(dialog) {
      dialog.el.hidden = true;
      if (openDialog === dialog) openDialog = null;
      var back = returnFocus && returnFocus !== body && isVisible(returnFocus) ? returnFocus : deck;
      returnFocus = null;
      back.focus({ preventScroll: true });
    }

    var gotoBox = (function () {
      var el = doc.getElementById("ck-goto");
      var input = doc.getElementById("ck-goto-input");
      var error = $(".ck-goto-error", el);
      var dialog = {
        el: el,
        action: "go-to",
        open: function () { input.value = ""; error.textContent = ""; showDialog(dialog, input); },
        close: function () { hideDialog(dialog); },
        onKey: function () {}
      };
      $("form", el).addEventListener("submit", function (e) {
        e.preventDefault();
        var value = input.value.trim();
        var i = /^\d+$/.test(value) ? numbering.index(parseInt(value, 10)) : -1;
        if (i < 0 || i >= slides.length) { error.textContent = t("go_to_invalid", { value: value }); return; }
        dialog.close();
        go(i);
      });
      return dialog;
    })();

    var helpBox = (function () {
      var el = doc.getElementById("ck-help");
      var dialog = {
        el: el,
        action: "help",
        open: function () { showDialog(dialog, $("button", el)); },
        close: function () { hideDialog(dialog); },
        onKey: function () {}
      };
      return dialog;
    })();

    /* ---------- Search over slide titles and text ---------- */

    var search = (function () {
      var el = doc.getElementById("ck-search");
      var input = doc.getElementById("ck-search-input");
      var list = doc.getElementById("ck-search-results");
      var statusLine = $(".ck-search-status", el);
      var MAX_SHOWN = 50;
      var index = null, found = [], active = -1;

      function buildIndex() {
        return slides.map(function (s, i) {
          var title = titleOf(s);
          var text = flatText(s);
          return { i: i, title: title, text: text, lower: (title + " " + text).toLowerCase(),
                   titleLower: title.toLowerCase() };
        });
      }

      function find(query) {
        var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
        if (!terms.length) return [];
        index = index || buildIndex();
        var steps = stepsOf();
        var inTitle = [], inText = [], previousMatched = false;
        index.forEach(function (entry) {
          var all = terms.every(function (w) { return entry.lower.indexOf(w) >= 0; });
          var sameSlide = steps[entry.i] && previousMatched;  // list a slide once, at its first step
          previousMatched = all;
          if (!all || sameSlide) return;
          var titled = terms.every(function (w) { return entry.titleLower.indexOf(w) >= 0; });
          (titled ? inTitle : inText).push(entry);
        });
        return inTitle.concat(inText);
      }

      function snippet(entry, term) {  // the text around the term, the title left out
        var text = entry.text.indexOf(entry.title) === 0 ? entry.text.slice(entry.title.length) : entry.text;
        text = text.trim();
        var at = text.toLowerCase().indexOf(term);
        if (at < 0) return text.slice(0, 100);
        var start = Math.max(0, at - 40);
        return (start > 0 ? "\u2026" : "") + text.slice(start, at + 60) + (at + 60 < text.length ? "\u2026" : "");
      }

      function render(query) {
        found = find(query);
        list.textContent = "";
        var term = query.toLowerCase().split(/\s+/).reduce(function (longest, w) {
          return w.length > longest.length ? w : longest;
        }, "");
        found.slice(0, MAX_SHOWN).forEach(function (entry, k) {
          var item = fromTemplate("ck-result-template");
          item.id = "ck-result-" + k;
          item.setAttribute("data-i", String(entry.i));
          item.setAttribute("aria-selected", "false");
          $(".ck-result-n", item).textContent = String(numbering.of(entry.i));
          $(".ck-result-title", item).textContent = entry.title;
          $(".ck-result-text", item).textContent = snippet(entry, term);
          list.appendChild(item);
        });
        statusLine.textContent = !query.trim() ? "" : !found.length ? t("search_none")
          : found.length > MAX_SHOWN ? t("search_found_some", { count: found.length, shown: MAX_SHOWN })
          : t("search_found", { count: found.length });
        input.setAttribute("aria-expanded", found.length ? "true" : "false");
        select(found.length ? 0 : -1);
      }

      function select(k) {
        var items = list.children;
        if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
        active = k;
        if (k >= 0 && items[k]) {
          items[k].setAttribute("aria-selected", "true");
          items[k].scrollIntoView({ block: "nearest" });
          input.setAttribute("aria-activedescendant", items[k].id);
        } else {
          input.removeAttribute("aria-activedescendant");
        }
      }

      function choose(item) {
        var i = parseInt(item.getAttribute("data-i"), 10);
        dialog.close();
        go(i);
      }

      var dialog = {
        el: el,
        action: "search",
        open: function () { showDialog(dialog, input); input.select(); },
        close: function () { hideDialog(dialog); },
        onKey: function (e) {
          var count = list.children.length;
          if (e.key === "ArrowDown" && count) select((active + 1) % count);
          else if (e.key === "ArrowUp" && count) select((active - 1 + count) % count);
          else if (e.key === "Enter" && list.children[active]) choose(list.children[active]);
          else return;
          e.preventDefault();
        }
      };
      input.addEventListener("input", function () { render(input.value); });
      list.addEventListener("click", function (e) {
        var item = e.target.closest(".ck-result");
        if (item) choose(item);
      });
      return dialog;
    })();

    /* ---------- Overview: a virtual grid, only the thumbnails in view exist ---------- */

    // Thousands of slides make thousands of thumbnails: the grid is laid out here, by arithmetic,
    // and only the rows in view (and a few around) are in the DOM, each drawn when it appears.
    var overview = (function () {
      var el = doc.getElementById("ck-overview");
      var grid = $(".ck-grid", el);
      var PAD = 24, GAP = 18, MIN_WIDTH = 240, SPARE_ROWS = 2;
      var shape = null;  // { columns, width, height, row }
      var shown = {};  // index -> its <li>
      var pending = false;

      function measure() {
        var room = el.clientWidth - 2 * PAD;
        var columns = Math.max(1, Math.floor((room + GAP) / (MIN_WIDTH + GAP)));
        var width = (room - (columns - 1) * GAP) / columns;
        shape = { columns: columns, width: width, height: width * 9 / 16, row: width * 9 / 16 + GAP };
        var rows = Math.ceil(slides.length / columns);
        grid.style.height = (2 * PAD + rows * shape.row - GAP) + "px";
        grid.style.setProperty("--preview-scale", String(width / 1600));
        each(Object.keys(shown), function (i) { place(shown[i], Number(i)); });
      }

      function place(item, i) {
        item.style.left = (PAD + (i % shape.columns) * (shape.width + GAP)) + "px";
        item.style.top = (PAD + Math.floor(i / shape.columns) * shape.row) + "px";
        item.style.width = shape.width + "px";
        item.style.height = shape.height + "px";
      }

      function thumb(i) {
        var item = fromTemplate("ck-thumb-template");
        var title = titleOf(slides[i]);
        item.setAttribute("data-i", String(i));
        item.setAttribute("aria-setsize", String(slides.length));
        item.setAttribute("aria-posinset", String(i + 1));
        item.firstElementChild.setAttribute("aria-label", title
          ? t("slide_titled", { n: numbering.of(i), total: numbering.total, title: title })
          : t("slide", { n: numbering.of(i), total: numbering.total }));
        $(".ck-thumb-n", item).textContent = String(numbering.of(i));
        $(".ck-thumb-stage", item).appendChild(previewOf(slides[i]));
        if (i === current) item.classList.add("ck-here");
        place(item, i);
        return item;
      }

      function render() {  // the rows in view, and SPARE_ROWS more each side
        pending = false;
        var first = Math.max(0, Math.floor((el.scrollTop - PAD) / shape.row) - SPARE_ROWS);
        var last = Math.ceil((el.scrollTop + el.clientHeight) / shape.row) + SPARE_ROWS;
        var from = first * shape.columns, to = Math.min(slides.length, last * shape.columns);
        var focused = doc.activeElement && doc.activeElement.closest(".ck-thumb");
        each(Object.keys(shown), function (key) {
          var i = Number(key);
          if ((i < from || i >= to) && shown[i] !== focused) { shown[i].remove(); delete shown[i]; }
        });
        var fragment = doc.createDocumentFragment();
        for (var i = from; i < to; i++) {
          if (!shown[i]) { shown[i] = thumb(i); fragment.appendChild(shown[i]); }
        }
        grid.appendChild(fragment);
      }

      function later() {
        if (!pending) { pending = true; requestAnimationFrame(render); }
      }

      function reveal(i) {  // scroll so that thumbnail i is in view, draw, and focus it
        var top = PAD + Math.floor(i / shape.columns) * shape.row;
        if (top < el.scrollTop || top + shape.height > el.scrollTop + el.clientHeight) {
          el.scrollTop = top - (el.clientHeight - shape.height) / 2;
        }
        render();
        shown[i].firstElementChild.focus({ preventScroll: true });
      }

      function mark(i) {
        var old = grid.querySelector(".ck-thumb.ck-here");
        if (old) old.classList.remove("ck-here");
        if (shown[i]) shown[i].classList.add("ck-here");
      }

      function focusedIndex() {
        var item = doc.activeElement && doc.activeElement.closest(".ck-thumb");
        return item ? Number(item.getAttribute("data-i")) : current;
      }

      function move(e) {
        var at = focusedIndex();
        var to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + shape.columns,
                   ArrowUp: at - shape.columns, Home: 0, End: slides.length - 1 }[e.key];
        if (to === undefined) return false;
        reveal(clamp(to));
        return true;
      }

      var dialog = {
        el: el,
        action: "overview",
        open: function () {
          showDialog(dialog, null);
          body.classList.add("ck-overview-open");
          measure();
          el.scrollTop = 0;
          reveal(current);
          mark(current);
        },
        close: function () { body.classList.remove("ck-overview-open"); hideDialog(dialog); },
        onKey: function (e) { if (move(e)) e.preventDefault(); }
      };
      el.addEventListener("scroll", function () { if (!el.hidden) later(); }, { passive: true });
      grid.addEventListener("click", function (e) {
        var item = e.target.closest(".ck-thumb");
        if (!item) return;
        dialog.close();
        go(Number(item.getAttribute("data-i")));
      });
      var follow = function (i) { if (!el.hidden) mark(i); };
      follow.onResize = function () { if (!el.hidden) { measure(); render(); } };
      listeners.push(follow);
      return dialog;
    })();

    /* ---------- Presenter view and mirror mode ---------- */

    var presenter = (function () {
      var panel = doc.getElementById("ck-presenter");
      var nextStage = $(".ck-pnext-stage", panel);
      var endNote = $(".ck-pend", panel);
      var notesBody = $(".ck-pnotes-body", panel);
      var noNotes = $(".ck-pnone", panel);
      var pcounter = $(".ck-pcounter", panel);
      var clock = $(".ck-timer", panel);
      var timerKey = "coursekit-timer:" + location.pathname;
      var started = Date.now();

      function url() {
        var base = location.href.split("#")[0]
          .replace(/([?&])(print|print-notes|mirror)(=[^&]*)?(&|$)/g, "$1").replace(/[?&]$/, "");
        return base + (base.indexOf("?") < 0 ? "?" : "&") + "presenter#" + (current + 1);
      }

      function open() {
        if (mode.presenter) return;
        window.open(url(), "_blank");  // a normal tab, not a sized popup
      }

      function start(mirror) {
        body.classList.add("ck-presenter-mode");
        panel.hidden = false;
        if (mirror) body.classList.add("ck-mirror");
        try { started = Number(sessionStorage.getItem(timerKey)) || started; } catch (e) { /* no storage */ }
        remember();
        tick();
        setInterval(tick, 1000);
        var update = function (i) { render(i); };
        update.onResize = function () { fitPreview(nextStage); };
        listeners.push(update);
      }

      function remember() {
        try { sessionStorage.setItem(timerKey, String(started)); } catch (e) { /* no storage */ }
      }

      function tick() {
        var s = Math.max(0, Math.floor((Date.now() - started) / 1000));
        var pad = function (n) { return (n < 10 ? "0" : "") + n; };
        clock.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
      }

      function resetTimer() { started = Date.now(); remember(); tick(); }

      function render(i) {
        nextStage.textContent = "";
        var last = i + 1 >= slides.length;
        if (!last) nextStage.appendChild(previewOf(slides[i + 1]));
        endNote.hidden = !last;
        fitPreview(nextStage);
        var notes = slides[i].querySelector("aside.notes");
        notesBody.innerHTML = notes ? notes.innerHTML : "";
        noNotes.hidden = !!notes;
        pcounter.textContent = counter ? counter.textContent : "";
      }

      function toggleMirror() {
        if (!mode.presenter) return;
        body.classList.toggle("ck-mirror");
        fit();
      }

      return { open: open, start: start, resetTimer: resetTimer, toggleMirror: toggleMirror };
    })();

    /* ---------- Sync between tabs: BroadcastChannel, else storage events ---------- */

    var sync = (function () {
      var key = "coursekit-sync:" + location.pathname;
      var me = Math.random().toString(36).slice(2);
      var channel = null;
      try {
        channel = window.BroadcastChannel ? new BroadcastChannel(key) : null;
      } catch (e) {
        channel = null;  // e.g. refused for this origin: storage events remain
      }

      function post(message) {
        message.from = me;
        if (channel) { channel.postMessage(message); return; }
        message.nonce = Date.now() + Math.random();  // storage events fire on changes only
        try { localStorage.setItem(key, JSON.stringify(message)); } catch (e) { /* no storage */ }
      }

      function receive(message) {
        if (!message || message.from === me) return;
        if (message.type === "show" && typeof message.index === "number") {
          show(message.index, { hash: true });
        } else if (message.type === "hello" && !mode.presenter) {
          post({ type: "show", index: current });  // a new presenter view joins this audience
        }
      }

      if (channel) channel.onmessage = function (e) { receive(e.data); };
      window.addEventListener("storage", function (e) {
        if (e.key !== key || !e.newValue) return;
        try { receive(JSON.parse(e.newValue)); } catch (err) { /* not ours */ }
      });
      return { post: post };
    })();

    /* ---------- Print: one page per slide, final steps only, optional notes pages ---------- */

    function preparePrint() {
      slides.forEach(function (s, i) { s.classList.toggle("ck-superseded", isSuperseded(i)); });
    }

    function addNotesPages() {
      slides.forEach(function (s, i) {
        if (isSuperseded(i)) return;
        var page = fromTemplate("ck-notes-template");
        $(".ck-notes-title", page).textContent = t("notes_for", { n: numbering.of(i) });
        var notes = s.querySelector("aside.notes");
        $(".ck-notes-body", page).innerHTML = notes ? notes.innerHTML : "";
        if (!notes) $(".ck-notes-body", page).textContent = t("no_notes");
        s.parentNode.insertBefore(page, s.nextSibling);
      });
    }

    /* ---------- Input: keys, clicks and taps, swipes, the toolbar ---------- */

    // What each entry of the keymap does, by name; toolbar buttons name theirs in data-ck.
    var actions = {
      previous: function () { go(current - 1); },
      next: function () { go(current + 1); },
      first: function () { go(0); },
      last: function () { go(slides.length - 1); },
      "go-to": function () { gotoBox.open(); },
      search: function () { search.open(); },
      overview: function () { overview.open(); },
      presenter: function () { presenter.open(); },
      "timer-reset": function () { presenter.resetTimer(); },
      mirror: function () { presenter.toggleMirror(); },
      edit: openEdit,
      help: function () { helpBox.open(); },
      close: function () { if (openDialog) openDialog.close(); }
    };

    var byKey = {};  // "Shift+Space" -> its keymap entry
    keymap.forEach(function (entry) {
      entry.keys.forEach(function (key) { byKey[key] = entry; });
    });

    // A key as aria-keyshortcuts names it: "G" for g or G, "?" however it is typed, "Space",
    // "Shift+Space"; Shift with a key the keymap does not name with Shift is that key.
    function shortcutOf(e) {
      var key = e.key === " " || e.key === "Spacebar" ? "Space" : e.key || "";
      if (key.length === 1) return byKey[key.toUpperCase()] || null;
      return (e.shiftKey && byKey["Shift+" + key]) || byKey[key] || null;
    }

    function available(entry) {
      if (entry.when === "presenter") return mode.presenter;
      if (entry.when === "audience") return !mode.presenter;
      if (entry.when === "dialog") return !!openDialog;
      return true;
    }

    function onKey(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var entry = shortcutOf(e);
      if (openDialog) {  // its close key, or the key that opened it (unless typing), closes it
        if (entry && (entry.action === "close" ||
                      (entry.action === openDialog.action && !isTyping(e.target)))) {
          e.preventDefault();
          openDialog.close();
        } else {
          openDialog.onKey(e);
        }
        return;
      }
      if (isTyping(e.target)) return;
      if ((e.key === " " || e.key === "Enter") && e.target.closest && e.target.closest("a, button")) return;
      if (!entry || !available(entry) || !actions[entry.action]) return;
      e.preventDefault();
      keyMove = true;  // the hash is written when the key is released (writeHash)
      try { actions[entry.action](); } finally { keyMove = false; }
    }

    function onControl(e) {
      var copy = e.target.closest(".ck-copy");
      if (copy) { copyCode(copy); return; }
      var control = e.target.closest("[data-ck]");
      var action = control && actions[control.getAttribute("data-ck")];
      if (action) action();
    }

    // Left quarter of the stage: previous; right quarter: next; the middle shows the toolbar.
    function onStageClick(e) {
      if (e.button !== 0 || e.defaultPrevented) return;
      if (e.target.closest("a, button, input, select, textarea, label, summary, pre, video, audio")) return;
      if (String(window.getSelection ? window.getSelection() : "")) return;
      var box = deck.getBoundingClientRect();
      var x = (e.clientX - box.left) / box.width;
      if (x < 0.25) go(current - 1);
      else if (x > 0.75) go(current + 1);
      else revealToolbar();
    }

    // A link to another slide (or a hash typed in the address bar): focus goes to the deck, so
    // that keys keep working and nothing focused is left on a hidden slide.
    function onHashChange() {
      show(indexFromHash(), { hash: true, broadcast: true, announce: true });
      var active = doc.activeElement;
      if (!openDialog && (!active || active === body || !isVisible(active))) {
        deck.focus({ preventScroll: true });
      }
    }

    var touchStart = null;

    function onTouchStart(e) {
      touchStart = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY } : null;
    }

    function onTouchEnd(e) {
      if (!touchStart || !e.changedTouches.length) return;
      var dx = e.changedTouches[0].clientX - touchStart.x;
      var dy = e.changedTouches[0].clientY - touchStart.y;
      touchStart = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) go(current + (dx < 0 ? 1 : -1));
    }

    var toolbarTimer = null;

    function revealToolbar() {
      body.classList.add("ck-ui-visible");
      clearTimeout(toolbarTimer);
      toolbarTimer = setTimeout(function () { body.classList.remove("ck-ui-visible"); }, 2500);
    }

    /* ---------- Other languages ---------- */

    function onLanguageLink(e) {
      // The same slide in the other language: both builds have the same slides, in order.
      var link = e.target.closest && e.target.closest("a.ck-lang");
      if (!link) return;
      link.href = link.getAttribute("href").split("#")[0] + "#" + (current + 1);
    }

    /* ---------- Start ---------- */

    function start() {
      slides.forEach(function (s) { s.setAttribute("aria-hidden", "true"); });
      listeners.push(updateEditLinks);
      if (mode.presenter) presenter.start(params.has("mirror"));
      if (mode.print) {
        body.classList.add("ck-print");
        preparePrint();
        if (mode.printNotes) addNotesPages();
      }
      fit();
      show(indexFromHash(), {});
      diagrams.start(current);
      window.coursekit = { ready: diagrams.ready };  // `coursekit pdf` waits for it
      if (mode.print) diagrams.ready();
      var early = doc.getElementById("ck-boot");
      if (early) early.remove();
      doc.addEventListener("keydown", onKey);
      doc.addEventListener("keyup", writeHash);
      window.addEventListener("blur", writeHash);  // released elsewhere: no keyup here
      window.addEventListener("pagehide", writeHash);
      doc.addEventListener("click", onLanguageLink, true);
      doc.addEventListener("click", onControl);
      deck.addEventListener("click", onStageClick);
      deck.addEventListener("touchstart", onTouchStart, { passive: true });
      deck.addEventListener("touchend", onTouchEnd, { passive: true });
      doc.addEventListener("mousemove", revealToolbar, { passive: true });
      window.addEventListener("hashchange", onHashChange);
      window.addEventListener("resize", fit);
      window.addEventListener("beforeprint", preparePrint);
      if (mode.presenter) sync.post({ type: "hello" });
    }

    start();
  }
})();
