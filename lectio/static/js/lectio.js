// Small progressive enhancements for every page. Everything works without them.

// A language select submits itself; its button is only needed without JavaScript.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.form.querySelector("[data-autosubmit-button]")?.setAttribute("hidden", "");
  select.addEventListener("change", () => select.form.requestSubmit());
}

// Buttons with data-confirm ask before their form is sent.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button?.dataset.confirm ?? event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
