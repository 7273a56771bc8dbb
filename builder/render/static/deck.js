/* coursekit deck runtime (basic): one slide at a time, keyboard navigation,
   a slide counter and a URL hash (#N or #name) that survives reload. */
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  var counter = document.querySelector(".counter");
  var prefix = (document.querySelector(".deck") || {}).dataset ? document.querySelector(".deck").dataset.prefix || "" : "";
  var current = -1;

  function fit() {
    var scale = Math.min(window.innerWidth / 1600, window.innerHeight / 900);
    document.documentElement.style.setProperty("--scale", String(scale));
  }

  function indexFromHash() {
    var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (!hash) return 0;
    if (/^\d+$/.test(hash)) return Math.min(Math.max(parseInt(hash, 10) - 1, 0), slides.length - 1);
    if (hash.indexOf("src:") === 0) {  // #src:path:line, as lab reports link to slides
      var source = hash.slice(4);
      var at = slides.findIndex(function (s) { return s.getAttribute("data-source") === source; });
      return at >= 0 ? at : 0;
    }
    var el = document.getElementById(hash);
    var i = el ? slides.indexOf(el.closest("section.slide")) : -1;
    return i >= 0 ? i : 0;
  }

  function show(i, updateHash) {
    if (!slides.length) return;
    i = Math.min(Math.max(i, 0), slides.length - 1);
    if (current >= 0) {
      slides[current].classList.remove("current");
      slides[current].setAttribute("aria-hidden", "true");
    }
    current = i;
    slides[i].classList.add("current");
    slides[i].removeAttribute("aria-hidden");
    if (counter) counter.textContent = prefix + (i + 1) + "/" + slides.length;
    if (updateHash) history.replaceState(null, "", "#" + (i + 1));
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "Spacebar":
        show(current + 1, true); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp":
        show(current - 1, true); break;
      case "Home": show(0, true); break;
      case "End": show(slides.length - 1, true); break;
      default: return;
    }
    e.preventDefault();
  });
  window.addEventListener("hashchange", function () { show(indexFromHash(), true); });
  window.addEventListener("resize", fit);
  slides.forEach(function (s) { s.setAttribute("aria-hidden", "true"); });
  fit();
  show(indexFromHash(), false);
})();
