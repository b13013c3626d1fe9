// Keyboard flow of the study page, Anki's keys: Space/Enter reveal (and then
// grade Good), 1-4 grade, U undo, B bury, S suspend. On a scenario question,
// 1-9 toggle the options and Enter checks the answer. The server does the
// work through htmx; this file only turns keys into clicks and times answers.
//
// The keys never act while the focus is on a link, a button, a summary or a
// form control: there Enter and Space are the control's own (follow the link,
// press the button, open the details, tick the box). Esc hands the keys back.
(() => {
  let shownAt = performance.now();
  let busy = false;

  const CONTROLS = [
    "a[href]",
    "button",
    "summary",
    "input",
    "select",
    "textarea",
    "[contenteditable]:not([contenteditable='false'])",
    "[role='button']",
    "[role='link']",
    "[role='checkbox']",
    "[tabindex]:not([tabindex='-1'])",
  ].join(", ");

  function onControl(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable || Boolean(target.closest(CONTROLS));
  }

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
    // Focus the grades' form itself (not a button, where keys are the
    // button's): the digits keep working and Tab goes on to Again, Hard...
    if (grades) grades.focus({ preventScroll: true });
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("#reveal-button")) reveal();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.defaultPrevented) return;
    const c = card();
    if (!c) return;
    const target = event.target;
    if (onControl(target)) {
      // Esc leaves a control of the study page and gives the keys back.
      if (event.key === "Escape" && !target.matches("input:not([type=checkbox]):not([type=radio]), select, textarea")) {
        c.focus({ preventScroll: true });
      }
      return;
    }
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
    const target = event.detail.target;
    if (!target || target.id !== "study-card") return;
    const c = card();
    if (!c) return;
    shownAt = performance.now();
    // The new card takes the focus (the button pressed is gone): the keys act
    // again, and Tab goes on from the card.
    c.focus({ preventScroll: true });
    if (c.dataset.mode === "result") {
      // A scenario's result is long: on a phone the learner was at the bottom
      // of the question. Show the result from its top, the score first.
      c.scrollIntoView({ block: "start" });
      const heading = document.getElementById("result-heading");
      if (heading) heading.focus({ preventScroll: true });
    } else if (c.getBoundingClientRect().top < 0) {
      c.scrollIntoView({ block: "start" });
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
