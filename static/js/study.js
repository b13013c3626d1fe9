// Keyboard flow of the study page, Anki's keys: Space/Enter reveal (and then
// grade Good), 1-4 grade, U undo, B bury, S suspend. On a scenario question,
// 1-9 toggle the options and Enter checks the answer. The server does the
// work through htmx; this file only turns keys into clicks and times answers.
(() => {
  let shownAt = performance.now();
  let busy = false;

  const card = () => document.getElementById("study-card");
  const click = (selector) => {
    const el = document.querySelector(selector);
    if (el && !el.disabled) el.click();
    return Boolean(el);
  };

  function reveal() {
    const c = card();
    if (!c || c.dataset.mode !== "front") return;
    const back = document.getElementById("card-back");
    const grades = document.getElementById("grades");
    if (back) back.hidden = false;
    if (grades) grades.hidden = false;
    const button = document.getElementById("reveal-button");
    if (button) button.hidden = true;
    c.dataset.mode = "back";
    const good = c.querySelector(".grade.good");
    if (good) good.focus({ preventScroll: true });
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("#reveal-button")) reveal();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target.matches && target.matches("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    const c = card();
    if (!c) return;
    const mode = c.dataset.mode;
    const key = event.key.toLowerCase();
    let handled = true;
    if (busy && key !== "u") {
      event.preventDefault();
      return;
    }
    if (key === " " || key === "enter") {
      if (mode === "front") reveal();
      else if (mode === "back") click("#study-card .grade.good");
      else if (mode === "question") click("#submit-answer");
      else if (mode === "result") click("#next-button");
      else handled = false;
    } else if (/^[1-9]$/.test(key)) {
      if (mode === "back" && key <= "4") click(`#study-card .grade[value="${key}"]`);
      else if (mode === "question") {
        const box = c.querySelector(`input[data-index="${key}"]`);
        if (box) box.checked = !box.checked;
      } else handled = false;
    } else if (key === "u") click("#undo-button");
    else if (key === "b" && (mode === "front" || mode === "back" || mode === "question")) click("#bury-button");
    else if (key === "s" && (mode === "front" || mode === "back" || mode === "question")) click("#suspend-button");
    else handled = false;
    if (handled) event.preventDefault();
  });

  // How long the learner looked at the card: sent with every answer.
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.parameters.duration_ms = Math.round(performance.now() - shownAt);
  });
  document.addEventListener("htmx:beforeRequest", () => { busy = true; });
  document.addEventListener("htmx:afterRequest", () => { busy = false; });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "study-card" || card()) {
      shownAt = performance.now();
      if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    }
  });

  // Scope picker: only the values of the chosen kind are offered.
  function filterScopeValues() {
    const kind = document.getElementById("scope-kind");
    const value = document.getElementById("scope-value");
    if (!kind || !value) return;
    value.disabled = kind.value === "all";
    for (const group of value.querySelectorAll("optgroup")) {
      group.hidden = group.dataset.kind !== kind.value;
    }
    const selected = value.selectedOptions[0];
    if (selected && selected.dataset.kind && selected.dataset.kind !== kind.value) value.value = "";
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "scope-kind") filterScopeValues();
  });
  document.addEventListener("DOMContentLoaded", filterScopeValues);
})();
