// What a deck shows, slide by slide, in remark or in a coursekit build: the measure of fidelity.
// Reads JSON on stdin: [{name, markdown, exclude}] (remark) or [{name, html}] (a built deck),
// prints {name: [{classes, text}]}: each shown slide's classes and its visible text (the slide's
// textContent: no notes, no slide number, no HTML comments).
// Usage: node remark-slides.js remark PATH/TO/remark.min.js < decks.json
//        node remark-slides.js deck < decks.json
// Needs jsdom (npm install jsdom in a scratch folder; point NODE_PATH at its node_modules).
// remark itself is loaded from the course at run time: none of its code is in this project.
"use strict";
const fs = require("fs");
const { JSDOM, VirtualConsole } = require("jsdom");

const PAGE = "<!DOCTYPE html><html><head></head><body></body></html>";

function classesOf(el, drop) {
  return [...el.classList].filter((c) => !drop.includes(c));
}

function remarkSlides(remarkSource, deck) {
  const dom = new JSDOM(PAGE, {
    runScripts: "outside-only", pretendToBeVisual: true, url: "http://localhost/",
    virtualConsole: new VirtualConsole(),  // jsdom cannot parse remark's CSS; layout is not needed
  });
  const win = dom.window;
  // remark sets the print page size on its own stylesheet: give it one to write to.
  class PageRule { constructor() { this.style = {}; } }
  win.CSSPageRule = PageRule;
  const sheet = { title: "remark", cssRules: [new PageRule()] };
  Object.defineProperty(win.document, "styleSheets", { get: () => [sheet] });
  win.eval(remarkSource);
  win.remark.create({ source: deck.markdown, excludedClasses: deck.exclude || [],
                      ratio: "16:9", highlightSpans: true });
  const slides = [];
  // The slides area only: remark also renders the next slide again in its presenter preview.
  for (const content of win.document.querySelectorAll(
    ".remark-slides-area > .remark-slide-container .remark-slide-content")) {
    content.querySelectorAll(".remark-slide-number").forEach((n) => n.remove());
    slides.push({ classes: classesOf(content, ["remark-slide-content", "hljs-default"]),
                  text: content.textContent });
  }
  win.close();
  return slides;
}

function deckSlides(deck) {
  const dom = new JSDOM(deck.html);  // scripts are not run: the server-rendered slides are read
  const slides = [];
  for (const section of dom.window.document.querySelectorAll("section[data-source]")) {
    const content = section.querySelector(".content");
    slides.push({ classes: classesOf(section, ["slide"]), text: content ? content.textContent : "" });
  }
  dom.window.close();
  return slides;
}

const mode = process.argv[2];
const decks = JSON.parse(fs.readFileSync(0, "utf8"));
const remarkSource = mode === "remark" ? fs.readFileSync(process.argv[3], "utf8") : null;
const out = {};
for (const deck of decks) {
  out[deck.name] = mode === "remark" ? remarkSlides(remarkSource, deck) : deckSlides(deck);
}
process.stdout.write(JSON.stringify(out));
