// For a website that shows this site's events in an iframe (the snippet of /embed/<organisation>/example):
// each framed page tells its height, and its frame is given that height, so it never scrolls on its own.
// Only messages from this script's own site, and from one of the page's frames, are heeded.
(function () {
  "use strict";
  var site = new URL(document.currentScript.src).origin;
  window.addEventListener("message", function (message) {
    var data = message.data;
    if (message.origin !== site || !data || data.type !== "conference:height") return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow !== message.source) continue;
      frames[i].style.height = Math.ceil(data.height) + "px";
      // A new page in the frame (the form sent, say) starts at its top: brought into view if scrolled past.
      if (data.loaded && frames[i].getBoundingClientRect().top < 0) frames[i].scrollIntoView();
    }
  });
})();
