/* The reach map of /training/awareness/reach/: the municipality's daily living areas, never-reached ones marked.
 *
 * <div class="reach-map" data-areas-url=… data-reached='{"<area id>": <activities>}' data-tile-url=…>: the area
 * outlines come from the portal's public GeoJSON; without outlines the map is removed (the table says it all);
 * without tiles the outlines are drawn on a plain surface.
 */
(function () {
  "use strict";

  function init(el) {
    if (typeof L === "undefined") { return; }
    var reached = {};
    try { reached = JSON.parse(el.getAttribute("data-reached") || "{}"); } catch (e) { reached = {}; }
    var figure = el.closest("figure");
    fetch(el.getAttribute("data-areas-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {features: []}; })
      .then(function (data) {
        var features = (data.features || []).filter(function (f) { return f.properties && f.properties.area_id; });
        if (!features.length) { figure.parentNode.removeChild(figure); return; }
        figure.hidden = false;
        var map = L.map(el, {scrollWheelZoom: false, keyboard: true});
        var tileUrl = el.getAttribute("data-tile-url");
        if (tileUrl) {
          L.tileLayer(tileUrl, {maxZoom: 18, attribution: el.getAttribute("data-tile-attribution") || ""}).addTo(map);
        }
        var layer = L.geoJSON({type: "FeatureCollection", features: features}, {
          style: function (f) {
            var count = reached[String(f.properties.area_id)] || 0;
            return count ? {color: "#0b5394", weight: 2, fillColor: "#3d85c6", fillOpacity: 0.35}
                         : {color: "#8a1c1c", weight: 3, dashArray: "6 4", fillColor: "#e06666", fillOpacity: 0.25};
          },
          onEachFeature: function (f, shape) {
            var count = reached[String(f.properties.area_id)] || 0;
            var text = f.properties.name + ": " + (count ? el.getAttribute("data-label-held").replace("%(count)s", count)
                                                          : el.getAttribute("data-label-never"));
            shape.bindTooltip(text);
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      })
      .catch(function () { if (figure.parentNode) { figure.parentNode.removeChild(figure); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".reach-map").forEach(init);
  });
}());
