// geomap's offline page: shows the places' states on any day between the first and the last map
// of the series, the estimated areas of the nearest map, and a place's sources on hover or tap.
// Written for this page (no libraries); it makes no request to any server.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function dayNumber(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS;
  }
  function isoOf(number) {
    return new Date(number * DAY_MS).toISOString().slice(0, 10);
  }
  function longDate(iso) {
    var p = iso.split("-");
    return (+p[2]) + " " + MONTHS[+p[1] - 1] + " " + p[0];
  }
  function validIso(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) { return false; }
    return isoOf(dayNumber(text)) === text;  // rejects 2016-02-30
  }
  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function html(name, text, parent) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  var first = dayNumber(DATA.first);
  var last = dayNumber(DATA.last);
  var frameDays = DATA.frames.map(function (f) { return dayNumber(f.date); });
  var factions = DATA.factions;
  var order = Object.keys(factions);
  var slider = document.getElementById("slider");
  var output = document.getElementById("day");
  var playButton = document.getElementById("play");
  var areasLayer = document.getElementById("areas");
  var placesLayer = document.getElementById("places");
  var defs = document.getElementById("defs");
  var info = document.getElementById("info");
  var legend = document.getElementById("legend");
  slider.min = 0;
  slider.max = last - first;

  // ------------------------------------------------------------------ state of a place on a day
  function stateOn(place, iso) {
    var list = place.a, low = 0, high = list.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (list[middle][0] <= iso) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    if (found < 0) { return null; }
    var run = place.r[list[found][1]];
    return {
      holder: run[0], status: run[1], by: run[2], since: run[3], sources: run[4], note: run[5],
      asserted: list[found][0],
      stale: DATA.staleDays > 0 && dayNumber(iso) - dayNumber(list[found][0]) > DATA.staleDays
    };
  }
  function colourOf(faction) {
    return factions[faction] ? factions[faction].colour : DATA.unknownColour;
  }
  function nameOf(faction) {
    return factions[faction] ? factions[faction].name : String(faction);
  }

  // ------------------------------------------------------------------ drawing
  var elements = DATA.places.map(function (place) {
    var g = el("g", {
      "class": "place", "data-id": place.id, "data-holder": "", "data-status": "unknown",
      transform: "translate(" + place.x + " " + place.y + ")"
    }, placesLayer);
    var white = { stroke: "#ffffff", "stroke-width": DATA.edge };
    var parts = {
      ring: el("path", Object.assign({ "class": "ring", d: place.ring }, white), g),
      marker: el("path", Object.assign({ "class": "marker", d: place.shape }, white), g),
      unknown: el("path", {
        "class": "unknown", d: place.unknown, fill: DATA.unknownColour, stroke: "#555555",
        "stroke-width": DATA.edge
      }, g),
      left: el("path", { "class": "left", d: place.left }, g),
      right: el("path", { "class": "right", d: place.right }, g),
      edge: el("path", Object.assign({ "class": "edge", d: place.circle, fill: "none" }, white), g),
      hit: el("circle", { "class": "hit", r: place.hit }, g)
    };
    var title = el("title", {}, g);
    title.textContent = place.name;
    g.addEventListener("mouseenter", function () { show(place); });
    g.addEventListener("mouseleave", function () { show(pinned); });
    g.addEventListener("click", function (event) {
      event.stopPropagation();
      pinned = pinned === place ? null : place;
      show(pinned || place);
    });
    return { place: place, g: g, parts: parts };
  });
  document.getElementById("map").addEventListener("click", function () { pinned = null; show(null); });

  var hatches = {};
  function hatchFor(by) {
    var id = "hatch-" + by;
    if (!hatches[id]) {
      var pattern = el("pattern", {
        id: id, width: 4, height: 4, patternUnits: "userSpaceOnUse",
        patternTransform: "rotate(45)"
      }, defs);
      var stroke = by === "legend-grey" ? "#777777" : colourOf(by);
      el("line", { x1: 0, y1: 0, x2: 0, y2: 4, stroke: stroke, "stroke-width": 0.9 }, pattern);
      hatches[id] = true;
    }
    return "url(#" + id + ")";
  }

  var shownFrame = -1;
  function drawAreas(index) {
    if (index === shownFrame) { return; }
    shownFrame = index;
    while (areasLayer.firstChild) { areasLayer.removeChild(areasLayer.firstChild); }
    DATA.frames[index].areas.forEach(function (area) {
      var holder = area[0], by = area[1], d = DATA.outlines[area[2]];
      var fill = factions[holder] ? factions[holder].area : DATA.unknownColour;
      el("path", {
        d: d, fill: fill, "fill-opacity": DATA.areaAlpha, "fill-rule": "evenodd",
        "data-area": by ? holder + ":" + by : holder
      }, areasLayer);
      if (by) {
        el("path", { d: d, fill: hatchFor(by), "fill-rule": "evenodd", opacity: 0.8 }, areasLayer);
      }
    });
  }
  function nearestFrame(number) {
    var best = 0;
    frameDays.forEach(function (day, index) {
      if (Math.abs(day - number) < Math.abs(frameDays[best] - number)) { best = index; }
    });
    return best;
  }

  function drawPlaces(iso) {
    var present = { factions: {}, statuses: {}, stale: false };
    elements.forEach(function (item) {
      var state = stateOn(item.place, iso), g = item.g, parts = item.parts;
      var status = state ? state.status : "unknown";
      present.statuses[status] = true;
      g.setAttribute("data-holder", state ? state.holder : "");
      g.setAttribute("data-status", status);
      g.setAttribute("class", "place " + status + (item.place === pinned ? " selected" : ""));
      g.setAttribute("opacity", state && state.stale ? DATA.staleAlpha : 1);
      if (!state) { return; }
      present.factions[state.holder] = true;
      if (state.by) { present.factions[state.by] = true; }
      if (state.stale) { present.stale = true; }
      parts.marker.setAttribute("fill", colourOf(state.holder));
      parts.left.setAttribute("fill", colourOf(state.holder));
      parts.right.setAttribute("fill", colourOf(state.by));
      parts.ring.setAttribute("fill", colourOf(state.by));
    });
    return present;
  }

  function swatch(parent, dot, area) {
    var box = el("svg", { viewBox: "0 0 30 14", "aria-hidden": "true" }, parent);
    if (area) {
      el("rect", { x: 0, y: 1, width: 14, height: 12, fill: area, "fill-opacity": DATA.areaAlpha }, box);
    }
    if (dot) { el("circle", { cx: 22, cy: 7, r: 5, fill: dot, stroke: "#ffffff" }, box); }
    return box;
  }
  function drawLegend(present, contestedAreas) {
    legend.textContent = "";
    html("h2", "Held by (shading: estimated area)", legend);
    var list = html("ul", null, legend);
    order.filter(function (f) { return present.factions[f]; }).forEach(function (f) {
      var item = html("li", null, list);
      item.setAttribute("data-faction", f);
      swatch(item, factions[f].colour, factions[f].area);
      html("span", factions[f].name, item);
    });
    var symbols = html("ul", null, legend);
    function entry(text, draw) {
      var item = html("li", null, symbols), box = el("svg", { viewBox: "0 0 30 14" }, item);
      draw(box);
      html("span", text, item);
    }
    if (contestedAreas) {
      entry("Contested area (hatched in the attacker's colour)", function (box) {
        el("rect", { x: 0, y: 1, width: 14, height: 12, fill: "#f2f2f2" }, box);
        el("rect", { x: 0, y: 1, width: 14, height: 12, fill: hatchFor("legend-grey") }, box);
      });
    }
    if (present.statuses.contested) {
      entry("Contested (left: holder, right: attacker)", function (box) {
        el("path", { d: "M22 2A5 5 0 0 0 22 12Z", fill: "#777777" }, box);
        el("path", { d: "M22 2A5 5 0 0 1 22 12Z", fill: "#bbbbbb" }, box);
      });
    }
    if (present.statuses.besieged) {
      entry("Besieged (centre: holder, ring: besieger)", function (box) {
        el("circle", { cx: 22, cy: 7, r: 6, fill: "#bbbbbb", stroke: "#ffffff" }, box);
        el("circle", { cx: 22, cy: 7, r: 3.4, fill: "#777777", stroke: "#ffffff" }, box);
      });
    }
    if (present.statuses.unknown) {
      entry("No sourced claim yet", function (box) {
        el("circle", { cx: 22, cy: 7, r: 3.5, fill: "#ffffff", stroke: "#777777" }, box);
      });
    }
    DATA.legendShapes.forEach(function (shape) {
      entry(shape[0], function (box) {
        el("path", { d: shape[1], transform: "translate(22 7)", fill: "#bbbbbb",
          stroke: "#777777", "stroke-width": 0.6 }, box);
      });
    });
    if (present.stale) {
      entry("Faded: last claim over " + DATA.staleDays + " days old", function (box) {
        el("circle", { cx: 22, cy: 7, r: 4.5, fill: "#777777", opacity: DATA.staleAlpha }, box);
      });
    }
  }

  // ------------------------------------------------------------------ the place panel
  var pinned = null;
  var currentIso = DATA.last;
  function show(place) {
    elements.forEach(function (item) {
      item.g.classList.toggle("selected", item.place === pinned && pinned !== null);
    });
    info.textContent = "";
    if (!place) {
      html("p", "Point at or tap a place for who held it, since when and on whose word.", info)
        .className = "hint";
      return;
    }
    info.setAttribute("data-id", place.id);
    html("h2", place.name, info);
    var state = stateOn(place, currentIso);
    var list = html("dl", null, info);
    function row(term, value) { html("dt", term, list); html("dd", value, list); }
    row("On", longDate(currentIso));
    if (!state) {
      row("Holder", "No sourced claim yet");
      return;
    }
    row("Holder", nameOf(state.holder));
    row("Status", state.status === "held" ? "held" : state.status + " by " + nameOf(state.by));
    row("Since", longDate(state.since));
    if (state.asserted !== state.since) { row("Last restated", longDate(state.asserted)); }
    if (state.stale) { row("Note", "last claim over " + DATA.staleDays + " days old"); }
    if (state.note) { row("Remark", state.note); }
    html("h3", "Sources", info);
    var sources = html("ol", null, info);
    state.sources.forEach(function (id) {
      var c = DATA.citations[id], item = html("li", null, sources);
      if (!c) { item.textContent = id; return; }
      var text = c[0] + ", \u201c" + c[1] + "\u201d, " + c[2];
      if (c[3]) {
        var link = html("a", text, item);
        link.href = c[3];
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      } else {
        item.textContent = text;
      }
    });
  }

  // ------------------------------------------------------------------ the day shown
  function setDay(number, fromHash) {
    number = Math.max(first, Math.min(last, number));
    var iso = isoOf(number);
    currentIso = iso;
    slider.value = number - first;
    output.textContent = longDate(iso);
    document.getElementById("title").textContent = DATA.title + ", " + longDate(iso);
    var frame = nearestFrame(number);
    drawAreas(frame);
    var frameIso = DATA.frames[frame].date;
    var note = DATA.areaNote.charAt(0).toUpperCase() + DATA.areaNote.slice(1);
    document.getElementById("estimate").textContent = "Places: their state on " + longDate(iso) +
      ". " + note + (frameIso === iso ? ", here for this day." :
        ", here those of " + longDate(frameIso) + ", the nearest map of the series.");
    var contestedAreas = DATA.frames[frame].areas.some(function (area) { return area[1]; });
    drawLegend(drawPlaces(iso), contestedAreas);
    show(pinned);
    document.body.setAttribute("data-day", iso);
    if (!fromHash && location.hash !== "#" + iso) {
      history.replaceState(null, "", "#" + iso);
    }
  }

  function fromHash() {
    var text = decodeURIComponent(location.hash.replace(/^#/, ""));
    var notice = document.getElementById("notice");
    notice.textContent = "";
    if (!text) { return false; }
    if (!validIso(text)) {
      notice.textContent = "The link asks for '" + text + "', which is not a day (YYYY-MM-DD).";
      return false;
    }
    var number = dayNumber(text);
    if (number < first || number > last) {
      notice.textContent = "The link asks for " + longDate(text) + "; this page covers " +
        longDate(DATA.first) + " to " + longDate(DATA.last) + ".";
    }
    setDay(number, number >= first && number <= last);
    return true;
  }

  var timer = null;
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "\u25B6";
    playButton.setAttribute("aria-label", "Play");
  }
  function step() {
    var now = first + (+slider.value);
    var next = frameDays.filter(function (day) { return day > now; })[0];
    if (next === undefined) { stop(); return; }
    setDay(next, false);
  }
  playButton.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (first + (+slider.value) >= last) { setDay(first, false); }
    playButton.textContent = "\u275A\u275A";
    playButton.setAttribute("aria-label", "Pause");
    timer = setInterval(step, 700);
  });
  slider.addEventListener("input", function () { stop(); setDay(first + (+slider.value), false); });
  window.addEventListener("hashchange", function () { fromHash(); });

  if (!fromHash()) { setDay(last, false); }
})();
