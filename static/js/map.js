// Progressive enhancement for the server-rendered SVG map: a tooltip on hover and focus, zoom and
// pan through the viewBox, and a slider to move the "as of" day. Without it the map still works:
// every marker is a link with a <title>, and the date form submits.
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var MAX_ZOOM = 12;

  function markerLabel(link) {
    var title = link.querySelector("title");
    if (title) {
      // The tooltip replaces the browser's own; the name moves to aria-label for screen readers.
      link.setAttribute("aria-label", title.textContent);
      title.remove();
    }
    return link.getAttribute("aria-label") || "";
  }

  function setUpTooltip(canvas) {
    var tip = document.createElement("div");
    tip.className = "map-tip";
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    canvas.appendChild(tip);

    function show(link) {
      var shape = link.querySelector("use") || link;
      var box = shape.getBoundingClientRect();
      var frame = canvas.getBoundingClientRect();
      tip.textContent = markerLabel(link);
      tip.style.left = box.left + box.width / 2 - frame.left + "px";
      tip.style.top = box.top - frame.top + "px";
      tip.hidden = false;
    }
    function hide() {
      tip.hidden = true;
    }
    function markerOf(event) {
      var link = event.target.closest && event.target.closest(".map-markers a, .map-areas a");
      return link && canvas.contains(link) ? link : null;
    }
    canvas.addEventListener("mouseover", function (event) {
      var link = markerOf(event);
      if (link) show(link);
    });
    canvas.addEventListener("mouseout", function (event) {
      if (markerOf(event)) hide();
    });
    canvas.addEventListener("focusin", function (event) {
      var link = markerOf(event);
      if (link) show(link);
    });
    canvas.addEventListener("focusout", hide);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
    return hide;
  }

  function setUpZoom(canvas, svg, hideTip) {
    var base = svg.viewBox.baseVal;
    var home = { x: base.x, y: base.y, w: base.width, h: base.height };
    var view = { x: home.x, y: home.y, w: home.w, h: home.h };
    var symbols = svg.querySelectorAll("defs .mk");

    function apply() {
      var zoom = home.w / view.w;
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      // Markers grow more slowly than the map, so a crowded area opens up as you zoom in.
      var scale = zoom > 1 ? 1 / Math.sqrt(zoom) : 1;
      // A custom property, not the transform attribute: map.css also enlarges the markers on
      // narrow screens, and a CSS transform would override the attribute.
      symbols.forEach(function (symbol) {
        symbol.style.setProperty("--mk-zoom", scale.toFixed(3));
      });
      hideTip();
    }
    function clamp() {
      view.w = Math.min(home.w, Math.max(home.w / MAX_ZOOM, view.w));
      view.h = view.w * (home.h / home.w);
      view.x = Math.min(home.x + home.w - view.w, Math.max(home.x, view.x));
      view.y = Math.min(home.y + home.h - view.h, Math.max(home.y, view.y));
    }
    function zoomAt(factor, cx, cy) {
      var w = view.w / factor;
      var h = view.h / factor;
      view.x = cx - ((cx - view.x) * w) / view.w;
      view.y = cy - ((cy - view.y) * h) / view.h;
      view.w = w;
      view.h = h;
      clamp();
      apply();
    }
    function centre() {
      return [view.x + view.w / 2, view.y + view.h / 2];
    }
    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      return [
        view.x + ((clientX - rect.left) / rect.width) * view.w,
        view.y + ((clientY - rect.top) / rect.height) * view.h,
      ];
    }

    var controls = document.createElement("div");
    controls.className = "map-zoom";
    [
      ["+", "Zoom in", function () { zoomAt(1.6, centre()[0], centre()[1]); }],
      ["−", "Zoom out", function () { zoomAt(1 / 1.6, centre()[0], centre()[1]); }],
      ["⟲", "Show the whole map", function () { view = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }],
    ].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[0];
      button.setAttribute("aria-label", spec[1]);
      button.title = spec[1];
      button.addEventListener("click", spec[2]);
      controls.appendChild(button);
    });
    canvas.appendChild(controls);

    svg.addEventListener(
      "wheel",
      function (event) {
        if (!event.ctrlKey && !event.metaKey && home.w === view.w && event.deltaY > 0) return;
        event.preventDefault();
        var point = toMap(event.clientX, event.clientY);
        zoomAt(event.deltaY < 0 ? 1.25 : 0.8, point[0], point[1]);
      },
      { passive: false }
    );

    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, view: { x: view.x, y: view.y }, moved: false };
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var rect = svg.getBoundingClientRect();
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moved) svg.setPointerCapture(event.pointerId);
      drag.moved = true;
      view.x = drag.view.x - (dx / rect.width) * view.w;
      view.y = drag.view.y - (dy / rect.height) * view.h;
      clamp();
      apply();
    });
    function endDrag(event) {
      if (drag && drag.moved) {
        // A drag that ends on a marker must not follow its link.
        svg.addEventListener("click", function (click) { click.preventDefault(); }, { capture: true, once: true });
        if (svg.hasPointerCapture(event.pointerId)) svg.releasePointerCapture(event.pointerId);
      }
      drag = null;
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function setUpSlider(form) {
    var input = form.querySelector("[data-map-date]");
    if (!input || !input.min || !input.max) return;
    var first = Date.parse(input.min + "T00:00:00Z");
    var last = Date.parse(input.max + "T00:00:00Z");
    if (isNaN(first) || isNaN(last) || last <= first) return;
    var current = Date.parse((input.value || input.max) + "T00:00:00Z");
    if (isNaN(current)) current = last;

    var wrapper = document.createElement("div");
    wrapper.className = "map-slider";
    var label = document.createElement("label");
    label.htmlFor = "as-of-slider";
    label.textContent = "Move through time";
    var slider = document.createElement("input");
    slider.type = "range";
    slider.id = "as-of-slider";
    slider.min = "0";
    slider.max = String(Math.round((last - first) / DAY_MS));
    slider.step = "1";
    slider.value = String(Math.round((Math.min(Math.max(current, first), last) - first) / DAY_MS));
    function day() {
      return isoDay(new Date(first + Number(slider.value) * DAY_MS));
    }
    slider.setAttribute("aria-valuetext", day());
    slider.addEventListener("input", function () {
      input.value = day();
      slider.setAttribute("aria-valuetext", day());
    });
    // Releasing the slider shows the map of the chosen day.
    slider.addEventListener("change", function () {
      input.value = day();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
    wrapper.appendChild(label);
    wrapper.appendChild(slider);
    input.closest(".field").after(wrapper);
  }

  function carryDayIntoFilters(when) {
    // The filter form comes from /cities/; applying it keeps the day shown.
    var input = when.querySelector("[data-map-date]");
    var filters = document.querySelector("form.filters");
    if (!input || !filters || !input.defaultValue || input.getAttribute("aria-invalid")) return;
    if (filters.querySelector("input[name=as_of]")) return;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "as_of";
    hidden.value = input.defaultValue;
    filters.appendChild(hidden);
  }

  function init() {
    document.querySelectorAll("[data-map-canvas]").forEach(function (canvas) {
      var svg = canvas.querySelector("svg");
      if (!svg) return;
      var hideTip = setUpTooltip(canvas);
      if (!canvas.classList.contains("map-canvas--small")) setUpZoom(canvas, svg, hideTip);
    });
    document.querySelectorAll("[data-map-when]").forEach(function (form) {
      setUpSlider(form);
      carryDayIntoFilters(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
