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

  // The dashboard's members tables on a phone: each cell gets its column's
  // header as a label, and the table the class that lays each member out as
  // a card (teams.css). Roles keep it a table for screen readers, whose
  // browsers drop table semantics from display: block.
  function membersAsCards(root) {
    for (const table of root.querySelectorAll("table.members")) {
      const headers = [...table.querySelectorAll("thead th")].map((th) => {
        const abbr = th.querySelector("abbr[title]");
        return abbr ? abbr.title : th.textContent.trim();
      });
      table.setAttribute("role", "table");
      for (const group of table.querySelectorAll("thead, tbody")) group.setAttribute("role", "rowgroup");
      for (const tr of table.querySelectorAll("tr")) tr.setAttribute("role", "row");
      for (const th of table.querySelectorAll("thead th")) th.setAttribute("role", "columnheader");
      for (const tr of table.querySelectorAll("tbody tr")) {
        [...tr.children].forEach((cell, i) => {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (headers[i]) cell.dataset.label = headers[i];
        });
      }
      table.classList.add("as-cards");
    }
  }
  document.addEventListener("DOMContentLoaded", () => membersAsCards(document));
  document.addEventListener("htmx:afterSettle", (event) => membersAsCards(event.target));
})();
