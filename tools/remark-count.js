// Counts the slides that a course's own remark build shows for each deck.
// Reads [{name, markdown, exclude}] as JSON on stdin, prints {name: count} as JSON.
// Usage: node remark-count.js PATH/TO/remark.min.js < decks.json
// Needs jsdom (npm install jsdom in a scratch folder; point NODE_PATH at its node_modules).
// remark itself is loaded from the course at run time: none of its code is in this project.
"use strict";
const fs = require("fs");
const { JSDOM, VirtualConsole } = require("jsdom");

const remarkPath = process.argv[2];
const decks = JSON.parse(fs.readFileSync(0, "utf8"));
const counts = {};
for (const deck of decks) {
  const dom = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>", {
    runScripts: "outside-only", pretendToBeVisual: true, url: "http://localhost/",
    virtualConsole: new VirtualConsole(),  // jsdom cannot parse remark's CSS; layout is not needed
  });
  const win = dom.window;
  // remark sets the print page size on its own stylesheet: give it one to write to.
  class PageRule { constructor() { this.style = {}; } }
  win.CSSPageRule = PageRule;
  const sheet = { title: "remark", cssRules: [new PageRule()] };
  Object.defineProperty(win.document, "styleSheets", { get: () => [sheet] });
  win.eval(fs.readFileSync(remarkPath, "utf8"));
  const show = win.remark.create({ source: deck.markdown, excludedClasses: deck.exclude,
                                   ratio: "16:9", highlightSpans: true });
  counts[deck.name] = show.getSlideCount();
  win.close();
}
process.stdout.write(JSON.stringify(counts));
