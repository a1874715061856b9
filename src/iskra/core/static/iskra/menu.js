// The phone's menu: without JavaScript it folds behind a checkbox and its label (base.html);
// with JavaScript the label becomes a real button that says whether the menu is open
// (aria-expanded), and Escape folds it again with the focus back on the button.
(() => {
  const toggle = document.getElementById("menu-toggle");
  const label = document.querySelector("label[for='menu-toggle']");
  const menu = document.getElementById("main-menu");
  if (!toggle || !label || !menu) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "menu-button";
  button.textContent = label.textContent;
  button.setAttribute("aria-controls", "main-menu");
  const show = (open) => button.setAttribute("aria-expanded", open ? "true" : "false");
  show(toggle.checked);
  toggle.remove();
  label.replaceWith(button);
  button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
    if (getComputedStyle(button).display === "none") return; // wide screen: no folding menu
    show(false);
    button.focus();
  });
})();
