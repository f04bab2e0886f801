// In a page framed by another website (embed/): tell that page this page's height whenever it changes, so that
// its script (embed.js) sizes the frame. Only the height is told; any site may frame these pages only if listed.
(function () {
  "use strict";
  if (window.parent === window) return;
  function tell(loaded) {
    var height = document.documentElement.getBoundingClientRect().height;
    window.parent.postMessage({ type: "conference:height", height: height, loaded: loaded }, "*");
  }
  tell(true);
  new ResizeObserver(function () { tell(false); }).observe(document.documentElement);
})();
