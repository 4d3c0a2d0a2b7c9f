// Jurisdiction admin form: picking a gazetteer place fills the state, coordinates and population.
// Fields the editor has typed are kept; fields this script filled follow the newest place.
// The server does the same on save (cities/place_forms.py), so this is a convenience only.
(function () {
  "use strict";

  var FIELDS = ["state", "latitude", "longitude", "population"];

  function placeDataUrl(select, id) {
    // The autocomplete's own URL (…/admin/autocomplete/) gives the admin's root.
    var autocomplete = select.getAttribute("data-ajax--url") || "/admin/autocomplete/";
    var root = autocomplete.replace(/autocomplete\/?$/, "");
    return root + "cities/place/" + encodeURIComponent(id) + "/data/";
  }

  function setUp(select) {
    var form = select.form;
    if (!form) return;
    var filled = {};
    var status = document.createElement("p");
    status.className = "help place-autofill-status";
    status.setAttribute("role", "status");
    select.parentNode.appendChild(status);

    function onChange() {
      var id = select.value;
      if (!id) return;
      fetch(placeDataUrl(select, id), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (place) {
          var changed = [];
          FIELDS.forEach(function (name) {
            var input = form.elements.namedItem(name);
            var value = place[name] === null || place[name] === undefined ? "" : String(place[name]);
            if (!input || value === "") return;
            if (input.value === "" || input.value === filled[name]) {
              input.value = value;
              filled[name] = value;
              input.dispatchEvent(new Event("change", { bubbles: true }));
              changed.push(name);
            }
          });
          status.textContent = changed.length
            ? "Filled from " + place.name + ", " + place.state + ": " + changed.join(", ") + "."
            : "Kept the values already typed; " + place.name + " filled nothing.";
        })
        .catch(function () {
          status.textContent = "Could not read the place; its data will be filled in on save.";
        });
    }

    // The admin's autocomplete (select2) announces changes through jQuery only.
    if (window.django && window.django.jQuery) window.django.jQuery(select).on("change", onChange);
    else select.addEventListener("change", onChange);
  }

  function init() {
    document.querySelectorAll("select[name=place]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
