// A text page: complete when read to the end (its last line has been on screen), and
// active time while the tab is visible and someone interacted in the last minute.

import { reporter } from "./progress.js";

const root = document.querySelector("[data-text-page]");
if (root) {
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const reports = reporter(root.dataset.progressUrl, token);
  let lastInteraction = Date.now();
  let since = Date.now();
  let done = root.dataset.completed === "1";

  const active = () => {
    const now = Date.now();
    const seconds =
      document.visibilityState === "visible" && now - lastInteraction < 60000
        ? Math.round((now - since) / 1000)
        : 0;
    since = now;
    return String(seconds);
  };
  for (const type of ["keydown", "pointerdown", "wheel", "scroll"]) {
    window.addEventListener(type, () => (lastInteraction = Date.now()), { passive: true });
  }
  new IntersectionObserver((entries) => {
    if (!done && entries.some((entry) => entry.isIntersecting)) {
      done = true;
      reports.send({ completed: "1", active_seconds: active() });
      root.querySelector("[data-read-button]")?.remove();
    }
  }).observe(root.querySelector("[data-end]"));
  setInterval(() => reports.send({ active_seconds: active() }), 30000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      reports.queue({ active_seconds: active() });
      reports.beacon();
    } else {
      since = Date.now();
    }
  });
  reports.flush();
}
