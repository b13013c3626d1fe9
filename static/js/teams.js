// Team pages: copy an invite link, and offer only the values of the chosen
// kind in the assignment form. No inline script (CSP).
(() => {
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand("copy");
    }
    const note = button.closest(".invite")?.querySelector(".copied");
    if (note) note.hidden = false;
  });

  function filterAssignValues() {
    const kind = document.getElementById("assign-kind");
    const value = document.getElementById("assign-value");
    if (!kind || !value) return;
    for (const group of value.querySelectorAll("optgroup")) {
      group.hidden = group.dataset.kind !== kind.value;
    }
    const selected = value.selectedOptions[0];
    if (selected && selected.parentElement.hidden) value.value = "";
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "assign-kind") filterAssignValues();
  });
  document.addEventListener("DOMContentLoaded", filterAssignValues);
})();
