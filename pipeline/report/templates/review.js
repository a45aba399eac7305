// Review page: an item hovered or clicked in the text lights up on the page image, and back.
(function () {
  function elementsOf(id) {
    return document.querySelectorAll('[data-item="' + id + '"], [data-items~="' + id + '"]');
  }
  function itemsOf(el) {
    return (el.dataset.item || el.dataset.items || "").split(" ").filter(Boolean);
  }
  function innermost(el) {  // the most specific item under the pointer: agency/deadline/metric over task
    var ids = itemsOf(el);
    return ids.length ? ids[ids.length - 1] : null;
  }
  function activate(id, on) {
    elementsOf(id).forEach(function (e) { e.classList.toggle("active", on); });
  }
  var current = null;
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest("[data-item], [data-items]");
    var id = el ? innermost(el) : null;
    if (id === current) return;
    if (current) activate(current, false);
    current = id;
    if (id) activate(id, true);
  });
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-item], [data-items], a[data-goto]");
    if (!el) return;
    var id = el.dataset.goto || innermost(el);
    if (!id) return;
    if (el.dataset.goto) ev.preventDefault();
    var inText = el.closest(".text") !== null;
    var target = Array.prototype.find.call(elementsOf(id), function (e) {
      return inText ? e.classList.contains("box") : !e.classList.contains("box");
    }) || elementsOf(id)[0];
    if (target) target.scrollIntoView({ block: "center", behavior: "smooth" });
    activate(id, true);
  });
  document.querySelectorAll(".toggles input").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.value, !box.checked);
    });
  });
})();
