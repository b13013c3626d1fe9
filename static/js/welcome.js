// The first step after sign-up: the time zone comes from the browser (as the
// tz database names it today: a browser that says Asia/Calcutta means
// Asia/Kolkata), and the scope's second list offers only the chosen kind's
// values. Without script the page works as a plain form.
(() => {
  function zoneFromBrowser() {
    const select = document.getElementById("id_time_zone");
    if (!select || select.dataset.fromBrowser !== "yes") return;
    let zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
      return;
    }
    const links = JSON.parse(document.getElementById("time-zone-links")?.textContent || "{}");
    zone = links[zone] || zone;
    if (![...select.options].some((option) => option.value === zone)) return;
    select.value = zone;
    const said = document.getElementById("time-zone-from-browser");
    if (said) said.hidden = false;
  }

  function filterScopeValues() {
    const kind = document.getElementById("scope-kind");
    const value = document.getElementById("scope-value");
    if (!kind || !value) return;
    value.disabled = kind.value === "all" || kind.value === "questions";
    for (const group of value.querySelectorAll("optgroup")) group.hidden = group.dataset.kind !== kind.value;
    const selected = value.selectedOptions[0];
    if (selected && selected.dataset.kind && selected.dataset.kind !== kind.value) value.value = "";
  }

  document.addEventListener("change", (event) => {
    if (event.target.id === "scope-kind") filterScopeValues();
  });
  document.addEventListener("DOMContentLoaded", () => {
    zoneFromBrowser();
    filterScopeValues();
  });
})();
