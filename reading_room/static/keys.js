// Keyboard stepping: a link marked data-keys="n ArrowRight" is followed when one of those keys is pressed
// outside a form field. Nothing else on the page depends on this script.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var links = document.querySelectorAll("a[data-keys]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-keys").split(" ").indexOf(event.key) !== -1) {
        event.preventDefault();
        links[i].click();
        return;
      }
    }
  });
})();
