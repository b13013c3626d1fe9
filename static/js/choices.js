// A question's options (templates/study/_options.html), on the study page and
// in a mock exam: a question that asks for one option has radio buttons; one
// that asks for N ("Choose 2.") has checkboxes, and an N+1th tick is refused
// with a message (the server refuses it too). The pages' keys go through
// choices.pick(), so a digit follows the same rule as a click.
(() => {
  function limitOf(set) {
    return Number(set.dataset.choices || "1");
  }

  function ticked(set) {
    return set.querySelectorAll("input[name='choice']:checked").length;
  }

  function say(set, text) {
    const line = set.querySelector(".choices-limit");
    if (line) line.textContent = text;
  }

  // Tick (or, for a checkbox, untick) the option at ``index`` (1-based, as
  // shown) of the options in ``root``. Returns true when something changed.
  function pick(root, index) {
    const set = root.matches && root.matches("fieldset.choices") ? root : root.querySelector("fieldset.choices");
    if (!set) return false;
    const box = set.querySelector(`input[name='choice'][data-index="${index}"]`);
    if (!box || box.disabled) return false;
    if (box.type === "radio") {
      if (box.checked) return false;
      box.checked = true;
    } else if (box.checked) {
      box.checked = false;
    } else if (ticked(set) >= limitOf(set)) {
      say(set, set.querySelector(".choices-limit")?.dataset.message || "");
      return false;
    } else {
      box.checked = true;
    }
    say(set, "");
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  // A click that would tick one too many is taken back.
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || box.name !== "choice") return;
    const set = box.closest("fieldset.choices");
    if (!set) return;
    if (box.checked && ticked(set) > limitOf(set)) {
      box.checked = false;
      event.stopImmediatePropagation();
      say(set, set.querySelector(".choices-limit")?.dataset.message || "");
    } else {
      say(set, "");
    }
  }, true);

  window.choices = { pick };
})();
