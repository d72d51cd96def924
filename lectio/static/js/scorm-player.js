// The package player, on the content origin: scorm-again's API (window.API for SCORM 1.2,
// window.API_1484_11 for 2004) lives on this page and the SCO in the frame below finds it
// on its parent (same origin). Commits go to the server with a session number (one per
// launch of a SCO) and a sequence number, so the server applies them in order; the final
// state is also sent by a keepalive beacon when the page is hidden or left.
const config = JSON.parse(document.getElementById("package-config").textContent);
const is12 = config.standard === "scorm12";
const frame = document.querySelector("[data-sco-frame]");
const toc = document.querySelector("[data-toc]");
const previousButton = document.querySelector("[data-previous]");
const nextButton = document.querySelector("[data-next]");
const currentLabel = document.querySelector("[data-current]");
const statusLine = document.querySelector("[data-status]");
const text = (name) => document.querySelector(`[data-text-${name}]`).textContent;

const DEFAULT_CONTROL = { choice: true, choiceExit: true, flow: true, forwardOnly: false };
const leaves = [];
const byId = new Map();

// Leaves in tree order, each with the control mode of its parent (the cluster whose
// sequencing governs moving to it). Without sequencing, choice and flow are both allowed.
function collect(node, parent) {
  const control = { ...DEFAULT_CONTROL, ...(node.control || {}) };
  for (const child of node.children || []) {
    if (child.children) {
      collect(child, control);
    } else {
      const sco = config.scos.find((s) => s.id === child.id);
      const leaf = { ...child, ...sco, control, parentId: node.id };
      leaves.push(leaf);
      byId.set(leaf.id, leaf);
    }
  }
}
collect(config.organization, DEFAULT_CONTROL);

let api = null;
let current = null;
let session = 0;
let seq = 0;
let finished = false;
let busy = false;

function commitUrl() {
  return `${config.commit_url}?sco=${encodeURIComponent(current.id)}`;
}

function payload(cmi, final) {
  seq += 1;
  return { session, seq, finished: Boolean(final), cmi };
}

function cmiOf(commitObject) {
  return commitObject && commitObject.cmi ? commitObject.cmi : commitObject;
}

function markOutcome(cmi) {
  if (!current || !cmi) return;
  const core = cmi.core || {};
  const status = is12 ? core.lesson_status : cmi.completion_status;
  const success = is12 ? core.lesson_status : cmi.success_status;
  if (status === "completed" || status === "passed") current.completed = true;
  if (success === "failed") current.passed = false;
  if (success === "passed") current.passed = true;
  renderToc();
}

function sendFinal(final = true) {
  // The last word when the page goes away: the whole current state, sent so that it
  // survives the page (sendBeacon; its seq is the highest, so it is applied last).
  if (!api || !current) return;
  try {
    const body = JSON.stringify(payload(cmiOf(api.renderCommitCMI(true)), final));
    const blob = new Blob([body], { type: "text/plain;charset=UTF-8" });
    if (!navigator.sendBeacon(commitUrl(), blob)) {
      fetch(commitUrl(), { method: "POST", body, keepalive: true, credentials: "omit" });
    }
  } catch (error) {
    console.error(error);
  }
}

function makeApi(data) {
  const settings = {
    autocommit: true,
    autocommitSeconds: config.autocommit_seconds,
    lmsCommitUrl: commitUrl(),
    dataCommitFormat: "json",
    sendFullCommit: true,
    logLevel: 4,
    xhrWithCredentials: false,
    requestHandler(commitObject, metadata) {
      const cmi = cmiOf(commitObject);
      markOutcome(cmi);
      return payload(cmi, metadata && metadata.isTerminateCommit);
    },
  };
  const created = is12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  created.loadFromJSON(data.cmi);
  const finish = is12 ? "LMSFinish" : "Terminate";
  created.on(finish, () => {
    finished = true;
    statusLine.textContent = "";
  });
  // SCORM 2004: the navigation request the SCO set before terminating (adl.nav.request),
  // announced by scorm-again once Terminate has succeeded. Followed when the organisation's
  // control modes allow it (flow for continue/previous, choice for a target).
  created.on("SequenceNext", () => setTimeout(() => move(1), 0));
  created.on("SequencePrevious", () => setTimeout(() => move(-1), 0));
  created.on("SequenceChoice", (_element, target) => {
    const leaf = byId.get(String(target));
    if (leaf && canChoose(leaf)) setTimeout(() => launch(leaf.id), 0);
  });
  return created;
}

async function startSession(id) {
  const response = await fetch(`${config.session_url}?sco=${encodeURIComponent(id)}`, {
    method: "POST",
    credentials: "omit",
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error || response.statusText);
  }
  return response.json();
}

function unloadSco() {
  // Unload the SCO first (its unload handler may still call Finish/Terminate on the API),
  // then send whatever it left unsent.
  return new Promise((resolve) => {
    if (!frame.getAttribute("src")) {
      resolve();
      return;
    }
    frame.addEventListener("load", () => resolve(), { once: true });
    frame.setAttribute("src", "about:blank");
  });
}

async function launch(id) {
  if (busy || !byId.has(id)) return;
  busy = true;
  try {
    if (api && !finished) {
      await unloadSco();
      if (!finished) sendFinal();
    }
    const data = await startSession(id);
    current = byId.get(id);
    session = data.session;
    seq = 0;
    finished = false;
    api = makeApi(data);
    window.API = is12 ? api : undefined;
    window.API_1484_11 = is12 ? undefined : api;
    frame.setAttribute("src", current.url);
    currentLabel.textContent = current.title;
    statusLine.textContent = "";
    renderToc();
    updateButtons();
  } catch (error) {
    statusLine.textContent = String(error.message || error);
  } finally {
    busy = false;
  }
}

function indexOfCurrent() {
  return current ? leaves.indexOf(current) : -1;
}

function canFlow(step) {
  const index = indexOfCurrent();
  const target = leaves[index + step];
  if (!current || !target) return false;
  if (!current.control.flow || !target.control.flow) return false;
  if (step < 0 && (current.control.forwardOnly || target.control.forwardOnly)) return false;
  return true;
}

function canChoose(leaf) {
  if (!leaf.control.choice) return false;
  if (current && !current.control.choiceExit && current.parentId !== leaf.parentId) return false;
  if (current && leaf.control.forwardOnly && leaves.indexOf(leaf) < indexOfCurrent()) return false;
  return true;
}

function move(step) {
  if (!canFlow(step)) return;
  launch(leaves[indexOfCurrent() + step].id);
}

function updateButtons() {
  previousButton.disabled = !canFlow(-1);
  nextButton.disabled = !canFlow(1);
  const single = leaves.length < 2;
  previousButton.hidden = nextButton.hidden = single;
  toc.hidden = single;
}

function renderNode(node, list) {
  for (const child of node.children || []) {
    const item = document.createElement("li");
    if (child.children) {
      const heading = document.createElement("span");
      heading.textContent = child.title;
      item.append(heading);
      const nested = document.createElement("ul");
      renderNode(child, nested);
      item.append(nested);
    } else {
      const leaf = byId.get(child.id);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = leaf.title;
      button.dataset.item = leaf.id;
      if (current === leaf) button.setAttribute("aria-current", "step");
      button.disabled = !canChoose(leaf) && current !== leaf;
      if (button.disabled) button.title = text("locked");
      button.addEventListener("click", () => launch(leaf.id));
      item.append(button);
      if (leaf.completed) item.append(` ✓ ${text("completed")}`);
      else if (leaf.passed === false) item.append(` — ${text("failed")}`);
    }
    if (child.visible !== false) list.append(item);
  }
}

function renderToc() {
  const list = document.createElement("ul");
  renderNode(config.organization, list);
  toc.replaceChildren(list);
}

previousButton.addEventListener("click", () => move(-1));
nextButton.addEventListener("click", () => move(1));
window.addEventListener("pagehide", () => {
  if (!api) return;
  // Let the SCO's own unload handler run first (it often sets exit and session time).
  try {
    frame.remove();
  } catch (error) {
    console.error(error);
  }
  sendFinal();
});
// A phone may discard a hidden page without pagehide: keep the server up to date.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && api && !finished) sendFinal(false);
});
// Back from the back-forward cache the SCO frame is gone (removed on pagehide): start over.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});
launch(config.start);
