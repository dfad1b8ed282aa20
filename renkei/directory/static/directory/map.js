/* Renkei directory maps: initialises every <div class="renkei-map"> from its data attributes.
 *
 *   data-tile-url            tile URL template ({z}/{x}/{y}); empty: no background tiles, a plain surface
 *   data-tile-attribution    attribution text (plain text, escaped here); data-tile-attribution-url: its link
 *   data-center="lat,lon"    initial centre (else the markers' bounds); data-zoom: initial zoom
 *   data-radius-km           draws a circle of this radius around data-center (a radius search)
 *   data-search-point        non-empty: data-center is the place searched from (drawn as a dot)
 *   data-facilities-url      GeoJSON points: properties.kind, kind_label, kind_group_label (the legend), name, popup_html (built and escaped
 *                            by the server), symbol (one character shown in the marker)
 *   data-areas-url           GeoJSON outlines of daily living areas (properties.name)
 *   data-overlay-url         any other GeoJSON layer (coverage gaps…), styled by properties.style
 *   data-overlay-name        its name in the layer control
 *   data-label-*             translated words (areas, overlay, search point, no tiles, load error, count)
 *
 * The server renders the result list; this file only enhances it ("show on map" buttons with
 * data-map-feature="<id>" next to each result, linked to the map by data-map="<map element id>").
 * No inline script or style: the CSP allows 'self' only. Markers need no images (CSS div icons), so a map
 * without tiles (offline, blocked tile host) still shows every marker.
 */
(function () {
  "use strict";

  var DEFAULT_CENTER = [36.2, 138.25]; // Japan
  var DEFAULT_ZOOM = 5;
  var KIND_ORDER = ["hospital", "clinic", "dental_clinic", "pharmacy", "visiting_nursing_station",
    "care_service", "community_support_center", "informal_resource"];
  var KIND_SYMBOLS = {
    hospital: "病", clinic: "診", dental_clinic: "歯", pharmacy: "薬", visiting_nursing_station: "看",
    care_service: "介", community_support_center: "包", informal_resource: "地"
  };
  var TILE_FAILURES_BEFORE_NOTICE = 3;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function parseCenter(text) {
    if (!text) { return null; }
    var parts = text.split(",").map(function (p) { return parseFloat(p); });
    if (parts.length !== 2 || isNaN(parts[0]) || isNaN(parts[1])) { return null; }
    return parts;
  }

  function fetchGeoJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/geo+json, application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      });
  }

  function label(el, name, fallback) {
    var value = el.getAttribute("data-label-" + name);
    return value || fallback;
  }

  function Status(el) {
    var node = el.parentNode && el.parentNode.querySelector(".renkei-map-status");
    if (!node) {
      node = document.createElement("p");
      node.className = "renkei-map-status";
      node.setAttribute("role", "status");
      el.parentNode.insertBefore(node, el.nextSibling);
    }
    var messages = {};
    return function (key, text) {
      if (text) { messages[key] = text; } else { delete messages[key]; }
      node.textContent = Object.keys(messages).map(function (k) { return messages[k]; }).join(" ");
    };
  }

  function markerIcon(props) {
    var kind = props.kind || "other";
    var symbol = props.symbol || KIND_SYMBOLS[kind] || "●";
    return L.divIcon({
      className: "renkei-marker renkei-marker--" + kind.replace(/[^a-z_]/g, ""),
      html: "<span aria-hidden=\"true\">" + escapeHtml(symbol) + "</span>",
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      popupAnchor: [0, -14]
    });
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      html: "<div><span>" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  function initMap(el) {
    if (el.getAttribute("data-renkei-map-ready")) { return; }
    el.setAttribute("data-renkei-map-ready", "1");
    var setStatus = Status(el);
    var center = parseCenter(el.getAttribute("data-center"));
    var zoom = parseInt(el.getAttribute("data-zoom"), 10);
    var map = L.map(el, {scrollWheelZoom: false, keyboard: true, tapHold: true});
    map.setView(center || DEFAULT_CENTER, isNaN(zoom) ? (center ? 13 : DEFAULT_ZOOM) : zoom);
    el._renkeiMap = map;
    map.on("focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    var tileUrl = el.getAttribute("data-tile-url");
    if (tileUrl) {
      var attribution = el.getAttribute("data-tile-attribution") || "";
      var attributionUrl = el.getAttribute("data-tile-attribution-url") || "";
      var attributionHtml = escapeHtml(attribution);
      if (attribution && /^https?:\/\//.test(attributionUrl)) {
        attributionHtml = "<a href=\"" + escapeHtml(attributionUrl) + "\" rel=\"noopener\">" + attributionHtml + "</a>";
      }
      var tiles = L.tileLayer(tileUrl, {attribution: attributionHtml, maxZoom: 18, crossOrigin: false});
      var failures = 0;
      var loaded = 0;
      tiles.on("tileload", function () {
        loaded += 1;
        if (el.classList.contains("renkei-map--no-tiles")) {
          el.classList.remove("renkei-map--no-tiles");
          setStatus("tiles", "");
        }
      });
      tiles.on("tileerror", function () {
        failures += 1;
        if (failures >= TILE_FAILURES_BEFORE_NOTICE && loaded === 0) {
          el.classList.add("renkei-map--no-tiles");
          setStatus("tiles", label(el, "no-tiles", "The background map could not be loaded; the places are still shown."));
        }
      });
      tiles.addTo(map);
    } else {
      el.classList.add("renkei-map--no-tiles");
    }

    var control = L.control.layers(null, null, {collapsed: window.matchMedia("(max-width: 40rem)").matches});
    control.addTo(map);
    var fitTargets = [];
    var pending = 0;
    var markersById = {};
    var cluster = null;

    function settle() {
      pending -= 1;
      if (pending > 0 || center) { return; }
      var bounds = null;
      fitTargets.forEach(function (b) {
        if (b && b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
      });
      if (bounds) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 15}); }
    }

    if (center && (el.getAttribute("data-radius-km") || el.getAttribute("data-search-point"))) {
      var radius = parseFloat(el.getAttribute("data-radius-km"));
      if (radius > 0) {
        L.circle(center, {radius: radius * 1000, className: "renkei-map-radius", interactive: false}).addTo(map);
      }
      L.circleMarker(center, {radius: 6, className: "renkei-map-center", keyboard: false})
        .bindTooltip(label(el, "search-point", "Search point")).addTo(map);
    }

    var facilitiesUrl = el.getAttribute("data-facilities-url");
    if (facilitiesUrl) {
      pending += 1;
      cluster = L.markerClusterGroup({
        showCoverageOnHover: false, spiderfyOnMaxZoom: true, maxClusterRadius: 45, iconCreateFunction: clusterIcon
      });
      fetchGeoJSON(facilitiesUrl).then(function (data) {
        var byKind = {};
        var kindLabels = {};
        (data.features || []).forEach(function (feature) {
          var geometry = feature.geometry;
          if (!geometry || geometry.type !== "Point") { return; }
          var props = feature.properties || {};
          var latlng = [geometry.coordinates[1], geometry.coordinates[0]];
          var marker = L.marker(latlng, {icon: markerIcon(props), title: props.name || "", keyboard: true});
          if (props.popup_html) { marker.bindPopup(props.popup_html, {maxWidth: 280}); }
          marker.on("add", function () {
            var icon = marker.getElement();
            if (icon && props.name) { icon.setAttribute("aria-label", props.name + (props.kind_label ? " (" + props.kind_label + ")" : "")); }
          });
          var kind = props.kind || "other";
          (byKind[kind] = byKind[kind] || []).push(marker);
          kindLabels[kind] = props.kind_group_label || kind;
          if (feature.id !== undefined && feature.id !== null) { markersById[String(feature.id)] = marker; }
        });
        cluster.addTo(map);
        var kinds = Object.keys(byKind).sort(function (a, b) {
          var ia = KIND_ORDER.indexOf(a), ib = KIND_ORDER.indexOf(b);
          return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
        });
        // One checkbox per kind; every kind shares one cluster group so that clusters count all kinds.
        kinds.forEach(function (kind) {
          var toggle = L.layerGroup();
          toggle.on("add", function () { cluster.addLayers(byKind[kind]); });
          toggle.on("remove", function () { cluster.removeLayers(byKind[kind]); });
          toggle.addTo(map);
          var name = "<span class=\"renkei-layer-key renkei-marker--" + kind.replace(/[^a-z_]/g, "") + "\" aria-hidden=\"true\">" +
            escapeHtml(KIND_SYMBOLS[kind] || "●") + "</span> " + escapeHtml(kindLabels[kind]) + " (" + byKind[kind].length + ")";
          control.addOverlay(toggle, name);
        });
        var total = (data.features || []).length;
        var countText = total === 1 ? label(el, "count-one", "One place on the map.")
          : label(el, "count", "%(count)s places on the map.").replace("%(count)s", String(total));
        setStatus("count", countText);
        if (total) { fitTargets.push(cluster.getBounds()); }
        el.dispatchEvent(new CustomEvent("renkei:map-loaded", {bubbles: true, detail: {count: total}}));
        settle();
      }).catch(function (error) {
        setStatus("facilities", label(el, "load-error", "The places could not be loaded."));
        if (window.console) { console.warn(error); }
        settle();
      });
    }

    var areasUrl = el.getAttribute("data-areas-url");
    if (areasUrl) {
      pending += 1;
      fetchGeoJSON(areasUrl).then(function (data) {
        var areas = L.geoJSON(data, {
          className: "renkei-map-area",
          style: function () { return {color: "#0b5394", weight: 2, opacity: 0.9, fillOpacity: 0.04, dashArray: "6 4"}; },
          onEachFeature: function (feature, layer) {
            var name = feature.properties && feature.properties.name;
            if (name) { layer.bindTooltip(escapeHtml(name), {sticky: true}); }
          }
        });
        if ((data.features || []).length) {
          areas.addTo(map);
          areas.bringToBack();
          control.addOverlay(areas, escapeHtml(label(el, "areas", "Daily living areas")));
          fitTargets.push(areas.getBounds());
        }
        settle();
      }).catch(function (error) {
        if (window.console) { console.warn(error); }
        settle();
      });
    }

    var overlayUrl = el.getAttribute("data-overlay-url");
    if (overlayUrl) {
      pending += 1;
      fetchGeoJSON(overlayUrl).then(function (data) {
        var overlay = L.geoJSON(data, {
          renderer: L.canvas(),
          style: function (feature) {
            var style = {color: "#a61c00", weight: 1, opacity: 0.8, fillOpacity: 0.3};
            var own = feature.properties && feature.properties.style;
            if (own && typeof own === "object") {
              if (own.color) { style.color = String(own.color); style.fillColor = String(own.color); }
              if (own.fillColor) { style.fillColor = String(own.fillColor); }
              if (typeof own.fillOpacity === "number") { style.fillOpacity = own.fillOpacity; }
              if (typeof own.weight === "number") { style.weight = own.weight; }
            }
            return style;
          },
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {radius: 5}); },
          onEachFeature: function (feature, layer) {
            var props = feature.properties || {};
            if (props.popup_html) { layer.bindPopup(props.popup_html); } else if (props.name) { layer.bindTooltip(escapeHtml(props.name)); }
          }
        });
        overlay.addTo(map);
        control.addOverlay(overlay, escapeHtml(el.getAttribute("data-overlay-name") || label(el, "overlay", "Overlay")));
        if ((data.features || []).length) { fitTargets.push(overlay.getBounds()); }
        settle();
      }).catch(function (error) {
        setStatus("overlay", label(el, "load-error", "The places could not be loaded."));
        if (window.console) { console.warn(error); }
        settle();
      });
    }

    // Inside <div data-position-picker data-lat-input="id" data-lon-input="id"> (the facility form), a click on
    // the map fills the latitude and longitude fields; typing in them moves the pin.
    var picker = el.closest("[data-position-picker]");
    if (picker) {
      var latInput = document.getElementById(picker.getAttribute("data-lat-input"));
      var lonInput = document.getElementById(picker.getAttribute("data-lon-input"));
      var pin = null;
      var placePin = function (latlng) {
        if (pin) { pin.setLatLng(latlng); } else {
          pin = L.marker(latlng, {icon: markerIcon({kind: "picked", symbol: "+"}), keyboard: false, interactive: false});
          pin.addTo(map);
        }
      };
      if (latInput && lonInput) {
        el.classList.add("renkei-map--picker");
        map.on("click", function (event) {
          latInput.value = event.latlng.lat.toFixed(6);
          lonInput.value = event.latlng.lng.toFixed(6);
          placePin(event.latlng);
          latInput.dispatchEvent(new Event("change", {bubbles: true}));
        });
        var fromInputs = function () {
          var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
          if (!isNaN(lat) && !isNaN(lon) && lat >= 20 && lat <= 46 && lon >= 122 && lon <= 154) {
            placePin([lat, lon]);
            map.panTo([lat, lon]);
          }
        };
        latInput.addEventListener("input", fromInputs);
        lonInput.addEventListener("input", fromInputs);
      }
    }

    // "Show on map" buttons in the server-rendered result list.
    var mapId = el.id;
    if (mapId) {
      document.querySelectorAll("[data-map=\"" + mapId + "\"][data-map-feature]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var marker = markersById[button.getAttribute("data-map-feature")];
          if (!marker || !cluster) { return; }
          el.scrollIntoView({behavior: "smooth", block: "center"});
          cluster.zoomToShowLayer(marker, function () {
            marker.openPopup();
            var icon = marker.getElement();
            if (icon) { icon.focus({preventScroll: true}); }
          });
        });
      });
    }
  }

  function initAll() {
    if (!window.L) { return; }
    document.querySelectorAll("div.renkei-map").forEach(initMap);
  }

  function setHidden(form, name, value) {
    var input = form.querySelector("input[name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  // "Use my location": fills the form's lat/lon and submits it (the button is hidden without JavaScript).
  function initLocateButtons() {
    document.querySelectorAll("[data-locate-form]").forEach(function (button) {
      if (!("geolocation" in navigator)) { return; }
      var form = document.getElementById(button.getAttribute("data-locate-form"));
      if (!form) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var status = document.getElementById(button.getAttribute("data-locate-status"));
        if (status) { status.textContent = button.getAttribute("data-label-wait") || ""; }
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (position) {
          setHidden(form, "lat", position.coords.latitude.toFixed(5));
          setHidden(form, "lon", position.coords.longitude.toFixed(5));
          var near = form.querySelector("[name=near]");
          if (near) { near.value = ""; }
          form.submit();
        }, function () {
          button.disabled = false;
          if (status) { status.textContent = button.getAttribute("data-label-denied") || ""; }
        }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 300000});
      });
    });
  }

  // Typing an address replaces a position found earlier with "use my location".
  function initNearFields() {
    document.querySelectorAll("form.directory-search input[name=near]").forEach(function (near) {
      near.addEventListener("input", function () {
        near.form.querySelectorAll("input[type=hidden][name=lat], input[type=hidden][name=lon]").forEach(function (input) {
          input.parentNode.removeChild(input);
        });
      });
    });
  }

  function start() {
    initAll();
    initLocateButtons();
    initNearFields();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.RenkeiMap = {init: initAll};
}());
