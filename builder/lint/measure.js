/* coursekit lint: every slide of a built deck measured as the audience sees it.

   Evaluated by Playwright in the deck's page, with the deck's own runtime (deck.js) running:
   each section from `from` to `to` is shown in turn by the runtime itself (an ArrowRight key
   event, so `--` steps, lab copy buttons and flex layouts are exactly as in the room), then
   measured in the stage's CSS pixels (1600x900, whatever the window's scale). Only facts are
   returned; builder/lint/rules.py decides what is wrong with them.

   Per section: how far the content runs past each edge of the frame, boxes that cut their
   text (a code line wider than its block), #links that lead nowhere, pictures (loaded or not,
   natural and shown sizes), and whether anything at all is shown. Per page: the class names
   that some style rule mentions, and the ids of the sections the browser found (raw HTML on a
   slide, an unclosed `<!--` say, can swallow the slides after it). */
async (args) => {
  const { from, to, settle } = args;
  const deck = document.getElementById("ck-deck") || document.querySelector("main.deck");
  const slides = Array.from(deck.querySelectorAll(":scope > section.slide"));
  const sources = new Set(slides.map((s) => s.getAttribute("data-source")).filter(Boolean));
  const MEDIA = "img, svg, video, audio, iframe, object, embed, canvas, picture";

  // Pictures first: natural sizes are known once each has loaded or failed. The deck loads
  // pictures lazily (a slide ahead), so those of the sections measured here are asked for now.
  // Remote ones fail at once (the browser may not fetch them); `settle` bounds a picture that
  // never answers. Diagrams are drawn too (`coursekit.ready()`), since a drawn diagram has
  // another size than its source.
  const mine = slides.slice(from, to);
  for (const slide of mine) {
    for (const img of slide.querySelectorAll('img[loading="lazy"]')) img.loading = "eager";
  }
  // `settle` runs from the last picture that answered, so that many pictures on a busy machine
  // are all waited for; one that never answers is measured as still loading.
  const pending = mine.flatMap((s) => Array.from(s.querySelectorAll("img"))).filter((img) => !img.complete);
  const drawn = window.coursekit && window.coursekit.ready ? window.coursekit.ready() : Promise.resolve(true);
  await new Promise((done) => {
    let left = pending.length + 1, timer = 0;
    const arm = () => { clearTimeout(timer); timer = setTimeout(done, settle); };
    const one = () => { if (--left === 0) { clearTimeout(timer); done(); } else arm(); };
    arm();
    drawn.then(one, one);
    for (const img of pending) {
      img.addEventListener("load", one, { once: true });
      img.addEventListener("error", one, { once: true });
    }
  });

  function styledClasses() {
    const found = new Set();
    const walk = (rules) => {
      for (const rule of rules) {
        if (rule.selectorText) {
          for (const m of rule.selectorText.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) found.add(m[1]);
        }
        if (rule.cssRules) walk(rule.cssRules);
      }
    };
    for (const sheet of document.styleSheets) {
      try { walk(sheet.cssRules); } catch (e) { /* a sheet we may not read */ }
    }
    return Array.from(found);
  }

  // The runtime shows the slide (a key press it handles synchronously); if it did not, the
  // section is shown by hand so that it is measured anyway.
  function show(i) {
    const slide = slides[i];
    if (!slide.classList.contains("current")) {
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    }
    if (!slide.classList.contains("current")) {
      for (const s of deck.querySelectorAll(":scope > section.slide.current")) s.classList.remove("current");
      slide.classList.add("current");
    }
  }

  function resolves(target) {
    if (/^\d+$/.test(target)) return Number(target) >= 1 && Number(target) <= slides.length;
    if (target.startsWith("src:")) return sources.has(target.slice(4));
    return target !== "" && document.getElementById(target) !== null;
  }

  function decoded(href) {
    try { return decodeURIComponent(href.slice(1)); } catch (e) { return href.slice(1); }
  }

  function excerpt(el) {
    const lines = (el.textContent || "").split("\n");
    let widest = "";
    for (const line of lines) if (line.length > widest.length) widest = line;
    return widest.trim().slice(0, 200);
  }

  function measure(slide, i) {
    const frame = slide.getBoundingClientRect();
    const width = slide.offsetWidth, height = slide.offsetHeight;
    const scale = frame.width / width || 1;
    const content = slide.querySelector(":scope > .content") || slide;
    const fact = {
      i: i, id: slide.id, source: slide.getAttribute("data-source"),
      generated: slide.getAttribute("data-generated"),
      step: slide.getAttribute("data-step") || "", over: [0, 0, 0, 0], clips: [], links: [], pictures: [],
      empty: false,
    };

    // The union of every box and line of text on the slide; scrollWidth for the right edge,
    // since it leaves out what a code block scrolls (that is a clip, below, not an overflow).
    const range = document.createRange();
    range.selectNodeContents(content);
    if (range.getClientRects().length) {
      const box = range.getBoundingClientRect();
      const right = slide.clientLeft + slide.scrollWidth;
      fact.over = [(frame.top - box.top) / scale, right - width,
                   (box.bottom - frame.top) / scale - height, (frame.left - box.left) / scale]
        .map((px) => Math.max(0, Math.round(px)));
    }

    for (const el of content.getElementsByTagName("*")) {
      const wide = el.scrollWidth - el.clientWidth, tall = el.scrollHeight - el.clientHeight;
      if ((wide > 1 || tall > 1) && el.clientWidth > 0) {
        const style = getComputedStyle(el);
        const x = style.overflowX !== "visible" && wide > 1 ? wide : 0;
        const y = style.overflowY !== "visible" && tall > 1 ? tall : 0;
        if (x || y) fact.clips.push({ tag: el.tagName.toLowerCase(), x: x, y: y, text: excerpt(el) });
      }
    }

    for (const a of content.querySelectorAll('a[href^="#"]')) {
      const href = a.getAttribute("href");
      if (!resolves(decoded(href))) fact.links.push(href);
    }

    for (const img of content.querySelectorAll("img")) {
      fact.pictures.push({
        src: img.getAttribute("src") || "", url: img.currentSrc || img.src,
        loaded: img.complete && img.naturalWidth > 0, complete: img.complete,
        natural: [img.naturalWidth, img.naturalHeight],
        shown: [img.clientWidth, img.clientHeight],
      });
    }

    // Empty: nothing but blanks or hidden text, no picture. Only the final step needs asking
    // (earlier steps show less), and innerText (which knows what is hidden) only if text exists.
    const step = fact.step.split("/");
    if (step[0] === step[1] || !fact.step) {
      fact.empty = !content.querySelector(MEDIA)
        && (!content.textContent.trim() || !(content.innerText || "").trim());
    }
    return fact;
  }

  const facts = [];
  const last = Math.min(to, slides.length);
  for (let i = from; i < last; i++) {
    show(i);
    facts.push(measure(slides[i], i));
  }
  return { total: slides.length, ids: slides.map((s) => s.id), classes: styledClasses(), sections: facts };
}
