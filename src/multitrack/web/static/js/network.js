// The network view: filter by track and sector, highlight a node's ties. No library.
(function () {
  "use strict";
  var svg = document.querySelector("svg.network");
  var form = document.getElementById("network-filters");
  if (!svg || !form) { return; }
  var status = document.getElementById("network-status");
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".graph-node"));

  function applyFilters() {
    var tracks = {};
    form.querySelectorAll("input[name=track]").forEach(function (box) {
      tracks[box.value] = box.checked;
    });
    var sector = form.querySelector("select[name=sector]").value;
    var shown = {};
    edges.forEach(function (edge) {
      var on = tracks[edge.dataset.track] !== false &&
        (!sector || edge.dataset.sector === sector);
      edge.classList.toggle("hidden", !on);
      if (on) { shown[edge.dataset.a] = true; shown[edge.dataset.b] = true; }
    });
    var channels = 0, actors = 0;
    nodes.forEach(function (node) {
      var on = !!shown[node.dataset.node];
      node.classList.toggle("hidden", !on);
      if (on) { if (node.classList.contains("channel")) { channels++; } else { actors++; } }
    });
    if (status) { status.textContent = "Showing " + channels + " channels and " + actors + " actors."; }
  }

  function highlight(node, on) {
    svg.classList.toggle("highlighting", on);
    var id = node.dataset.node;
    node.classList.toggle("lit", on);
    edges.forEach(function (edge) {
      if (edge.dataset.a === id || edge.dataset.b === id) {
        edge.classList.toggle("lit", on);
        var other = document.getElementById(edge.dataset.a === id ? edge.dataset.b : edge.dataset.a);
        if (other) { other.classList.toggle("lit", on); }
      }
    });
  }

  nodes.forEach(function (node) {
    node.addEventListener("mouseenter", function () { highlight(node, true); });
    node.addEventListener("mouseleave", function () { highlight(node, false); });
    node.addEventListener("focus", function () { highlight(node, true); });
    node.addEventListener("blur", function () { highlight(node, false); });
  });
  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  applyFilters();
}());
