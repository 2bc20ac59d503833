// Filters (includes/facets.html): folded on phones, open on wider screens when worth it, applied as
// they are ticked. Without JavaScript the <details> still opens and the Apply button submits.
document.querySelectorAll("details.filters").forEach(function (details) {
  if (details.dataset.openWide === "true" && window.matchMedia("(min-width: 48rem)").matches) {
    details.open = true;
  }
  var form = details.querySelector("form");
  var apply = form.querySelector(".apply-filters");
  if (apply) apply.hidden = true;
  form.addEventListener("change", function () {
    form.submit();
  });
});
