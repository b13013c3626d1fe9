// Small behaviours that would otherwise need inline script (forbidden by our CSP).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) el.form.submit();
});
