// Small behaviours that would otherwise need inline script (forbidden by our CSP).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) el.form.submit();
});

// Whether a key pressed on ``target`` belongs to that control (a link, a
// button, a form field...), not to a page's shortcuts: the study page and the
// exam page never act on a key while one of these has the focus.
window.keyGuard = (() => {
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
  return {
    onControl(target) {
      if (!(target instanceof Element)) return false;
      return target.isContentEditable || Boolean(target.closest(CONTROLS));
    },
  };
})();
