// Title suggestions for the search box; the page works without this script.
(function () {
  const input = document.querySelector("input[data-autocomplete]");
  if (!input || !window.fetch) return;
  const list = document.getElementById(input.getAttribute("list"));
  const lang = document.documentElement.lang;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(function () {
      const url = input.dataset.autocomplete + "?lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q);
      fetch(url).then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren(...data.suggestions.map(function (item) {
            const option = document.createElement("option");
            option.value = item.title;
            return option;
          }));
        }).catch(function () {});
    }, 200);
  });
})();
