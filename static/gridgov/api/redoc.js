// ReDoc reads the schema named on its container (no inline script: the page's CSP is 'self').
"use strict";
(function () {
  var box = document.getElementById("redoc-container");
  if (box && window.Redoc) {
    window.Redoc.init(box.getAttribute("data-schema-url"), {}, box);
  }
})();
