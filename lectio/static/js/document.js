// The document and slide viewer (pdf.js): one page at a time, keyboard navigation, zoom,
// resume at the last page. A page counts as seen after two seconds on screen; time counts
// only while the tab is visible and someone interacted in the last minute, and is kept
// per page.

import { reporter } from "./progress.js";

const root = document.querySelector("[data-document]");
if (root) start(root);

async function start(root) {
  const pdfjs = await import(root.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await pdfjs.getDocument({
    url: root.dataset.url,
    isEvalSupported: false, // the Content Security Policy forbids eval
    standardFontDataUrl: root.dataset.fonts,
  }).promise;

  const canvas = root.querySelector("canvas");
  const number = root.querySelector("[data-page-number]");
  const status = root.querySelector("[data-status]");
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const reports = reporter(root.dataset.progressUrl, token, (answer) => {
    const percent = status.querySelector("[data-percent]");
    if (percent) percent.textContent = String(answer.percent);
    const minutes = root.querySelector("[data-minutes-spent]");
    if (minutes) minutes.textContent = String(Math.floor(answer.active_seconds / 60));
  });
  root.querySelector("[data-page-count]").textContent = String(pdf.numPages);
  number.max = String(pdf.numPages);

  let page = Math.min(Math.max(1, parseInt(root.dataset.position, 10) || 1), pdf.numPages);
  let zoom = 1;
  let seenTimer = null;
  let lastInteraction = Date.now();
  let activeSince = Date.now();
  let pending = 0; // active milliseconds not reported yet
  let pageTime = {}; // the same, per page

  async function show(target) {
    tick(); // the time so far belongs to the page being left
    page = Math.min(Math.max(1, target), pdf.numPages);
    number.value = String(page);
    const pdfPage = await pdf.getPage(page);
    const width = Math.min(root.clientWidth || 800, 1200);
    const base = pdfPage.getViewport({ scale: 1 });
    const viewport = pdfPage.getViewport({ scale: (width / base.width) * zoom });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    await pdfPage.render({
      canvasContext: canvas.getContext("2d"),
      viewport,
      transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
    }).promise;
    canvas.setAttribute("aria-label", root.dataset.pageLabel.replace("{number}", String(page)));
    clearTimeout(seenTimer);
    const shown = page;
    seenTimer = setTimeout(() => report([shown]), 2000);
  }

  function tick() {
    const now = Date.now();
    const counted = document.visibilityState === "visible" && now - lastInteraction < 60000;
    if (counted) {
      pending += now - activeSince;
      pageTime[page] = (pageTime[page] || 0) + (now - activeSince);
    }
    activeSince = now;
  }

  function fields(pages) {
    tick();
    const seconds = {};
    for (const [number, ms] of Object.entries(pageTime)) {
      if (ms >= 1000) seconds[number] = Math.round(ms / 1000);
    }
    const report = {
      pages,
      position: String(page),
      active_seconds: String(Math.round(pending / 1000)),
      page_seconds: seconds,
    };
    pending = 0;
    pageTime = {};
    return report;
  }

  const report = (pages) => reports.send(fields(pages));

  const go = (delta) => show(page + delta);
  root.querySelector("[data-previous]").addEventListener("click", () => go(-1));
  root.querySelector("[data-next]").addEventListener("click", () => go(1));
  number.addEventListener("change", () => show(parseInt(number.value, 10) || 1));
  root.querySelector("[data-zoom-in]").addEventListener("click", () => {
    zoom = Math.min(3, zoom + 0.25);
    show(page);
  });
  root.querySelector("[data-zoom-out]").addEventListener("click", () => {
    zoom = Math.max(0.5, zoom - 0.25);
    show(page);
  });
  for (const type of ["keydown", "pointerdown", "wheel", "scroll"]) {
    window.addEventListener(type, () => (lastInteraction = Date.now()), { passive: true });
  }
  root.addEventListener("keydown", (event) => {
    if (event.target.closest("input")) return;
    const moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (moves[event.key]) {
      event.preventDefault();
      go(moves[event.key]);
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      reports.queue(fields([]));
      reports.beacon();
    } else {
      activeSince = Date.now();
    }
  });
  // Time spent on one page is reported every 15 seconds, so the minimum-time rule can be met.
  setInterval(() => {
    tick();
    if (pending >= 1000) report([]);
  }, 15000);
  reports.flush();
  await show(page);
}
