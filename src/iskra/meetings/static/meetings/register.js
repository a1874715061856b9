// The register's "tick everyone shown" box (without JavaScript each box is ticked by hand).
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("tick-all");
  if (!all) return;
  all.hidden = false;
  all.addEventListener("change", function () {
    document.querySelectorAll("input[name=people]").forEach(function (box) {
      if (!box.disabled) box.checked = all.checked;
    });
  });
});
