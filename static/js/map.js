// Progressive enhancement for the server-rendered SVG map: a tooltip on hover and focus, zoom and
// pan through the viewBox, and a slider to move the "as of" day. Without it the map still works:
// every marker is a link with a <title>, and the date form submits.
(function () {
  "use strict";

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

  // The slider steps through the days on which something on the map changed (the server lists
  // them in #map-slider-stops, today last), not through every day. Arrow keys, Page Up/Down,
  // Home and End move it (a native range input); each move fetches the parts of the page that
  // day changes (/map/fragment/) and swaps them in, after a short pause so that a held key
  // fetches once. The address follows (history.replaceState). Without script, the date input
  // and its button submit the form.
  var SLIDER_PAUSE_MS = 250;

  function readStops() {
    var script = document.getElementById("map-slider-stops");
    if (!script) return null;
    try {
      var stops = JSON.parse(script.textContent);
      return Array.isArray(stops) && stops.length > 1 ? stops : null;
    } catch (error) {
      return null;
    }
  }

  function nearestStop(stops, day) {
    // The stop whose map is shown on `day`: the last change on or before it; "" is today.
    if (!day) return stops.length - 1;
    var found = 0;
    for (var i = 0; i < stops.length - 1; i++) {
      if (stops[i][0] <= day) found = i;
    }
    return found;
  }

  function swapParts(html) {
    var incoming = document.createElement("div");
    incoming.innerHTML = html;
    incoming.querySelectorAll("[data-map-part]").forEach(function (part) {
      var name = part.getAttribute("data-map-part");
      var current = document.querySelector('[data-map-part="' + name + '"]');
      if (current) current.replaceWith(part);
    });
    document.querySelectorAll('[data-map-part="figure"] [data-map-canvas]').forEach(setUpCanvas);
  }

  function setUpSlider(form) {
    var input = form.querySelector("[data-map-date]");
    var stops = readStops();
    var fragmentUrl = form.getAttribute("data-fragment-url");
    if (!input || !stops || !fragmentUrl || !window.fetch) return;

    var wrapper = document.createElement("div");
    wrapper.className = "map-slider";
    var label = document.createElement("label");
    label.htmlFor = "as-of-slider";
    label.textContent = "Move through the days something changed";
    var slider = document.createElement("input");
    slider.type = "range";
    slider.id = "as-of-slider";
    slider.min = "0";
    slider.max = String(stops.length - 1);
    slider.step = "1";
    slider.value = String(nearestStop(stops, input.value));
    var shown = document.createElement("output");
    shown.htmlFor = "as-of-slider";
    shown.className = "map-slider__day";
    var timer = null;
    var pending = null;

    function stop() {
      return stops[Number(slider.value)];
    }
    function describe() {
      var chosen = stop();
      var text = chosen[1] + " (" + (Number(slider.value) + 1) + " of " + stops.length + ")";
      slider.setAttribute("aria-valuetext", text);
      shown.textContent = chosen[1];
    }
    function query(day) {
      var params = new URLSearchParams(new FormData(form));
      params.delete("as_of");
      if (day) params.set("as_of", day);
      return params.toString();
    }
    function load() {
      var day = stop()[0];
      var qs = query(day);
      if (pending) pending.abort();
      pending = new AbortController();
      form.setAttribute("aria-busy", "true");
      fetch(fragmentUrl + (qs ? "?" + qs : ""), {
        headers: { Accept: "text/html" },
        signal: pending.signal,
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          swapParts(html);
          history.replaceState(history.state, "", form.getAttribute("action") + (qs ? "?" + qs : ""));
          form.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          form.removeAttribute("aria-busy");
          // Too many days asked for (429) or a network error: the button still loads the day.
          shown.textContent = stop()[1] + ": not loaded, use “Show this day”";
        });
    }
    slider.addEventListener("input", function () {
      input.value = stop()[0];
      describe();
      window.clearTimeout(timer);
      timer = window.setTimeout(load, SLIDER_PAUSE_MS);
    });
    describe();
    wrapper.appendChild(label);
    wrapper.appendChild(slider);
    wrapper.appendChild(shown);
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

  function setUpCanvas(canvas) {
    var svg = canvas.querySelector("svg");
    if (!svg) return;
    var hideTip = setUpTooltip(canvas);
    if (!canvas.classList.contains("map-canvas--small")) setUpZoom(canvas, svg, hideTip);
  }

  function init() {
    document.querySelectorAll("[data-map-canvas]").forEach(setUpCanvas);
    document.querySelectorAll("[data-map-when]").forEach(function (form) {
      setUpSlider(form);
      carryDayIntoFilters(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
