/* A print button ([data-print]) prints the page; without JavaScript it stays hidden, since the
   browser's own print does the same. A file, not an onclick: the CSP runs no inline script. */
(function () {
  "use strict";
  [].forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
