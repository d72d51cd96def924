// The list of a cmi5 course's AUs: an OwnWindow AU opens in a new window; when the
// learner comes back to this one, the list is reloaded to show the AU's new state.

const list = document.querySelector("[data-cmi5-aus]");
if (list) {
  let away = false;
  for (const form of list.querySelectorAll("form[target=_blank]")) {
    form.addEventListener("submit", () => (away = true));
  }
  const back = () => {
    if (away && document.visibilityState === "visible") {
      away = false;
      window.location.reload();
    }
  };
  document.addEventListener("visibilitychange", back);
  window.addEventListener("focus", back);
}
