// The video player: HLS (hls.js, or the browser's own), resume, speed, chapters,
// transcript, keyboard, no-skip lessons, and accurate progress reports.
// Reports carry the seconds actually watched; progress.js queues them until the server
// confirms them, so a reload or a dropped connection loses nothing.

import { reporter } from "./progress.js";

const root = document.querySelector("[data-player]");
if (root) start(root);

function start(root) {
  const video = root.querySelector("video");
  const url = root.dataset.progressUrl;
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = root.querySelector("[data-status]");
  const notice = root.querySelector("[data-notice]");
  const noSkip = root.dataset.noSkip === "1";
  const reports = reporter(url, token, (answer) => {
    const percent = status.querySelector("[data-percent]");
    if (percent) percent.textContent = String(answer.percent);
  });
  let furthest = parseFloat(root.dataset.furthest) || 0;
  let segmentStart = null; // where the current stretch of playing began
  let lastTime = 0;
  let pending = []; // watched intervals not yet reported
  let active = 0; // seconds of playing not yet reported
  let lastTick = performance.now();

  // Source: the browser's own HLS, else hls.js, else the MP4 already in src.
  const hlsUrl = root.dataset.hls;
  if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = hlsUrl;
  } else if (window.Hls && window.Hls.isSupported()) {
    video.removeAttribute("src");
    const hls = new window.Hls({ enableWorker: false });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
  }
  video.preload = "metadata";

  // Resume where the learner stopped.
  const resumeAt = parseFloat(root.dataset.position) || 0;
  video.addEventListener(
    "loadedmetadata",
    () => {
      if (resumeAt > 1 && resumeAt < video.duration - 1) video.currentTime = resumeAt;
      lastTime = video.currentTime;
    },
    { once: true },
  );

  // Remembered speed and volume.
  const speed = root.querySelector("[data-speed]");
  speed.value = localStorage.getItem("lectio-speed") || "1";
  video.playbackRate = parseFloat(speed.value);
  speed.addEventListener("change", () => {
    video.playbackRate = parseFloat(speed.value);
    localStorage.setItem("lectio-speed", speed.value);
  });
  video.volume = parseFloat(localStorage.getItem("lectio-volume") || "1");
  video.addEventListener("volumechange", () => localStorage.setItem("lectio-volume", String(video.volume)));
  video.addEventListener("ratechange", () => {
    if (video.playbackRate > 2 || video.playbackRate < 0.5) video.playbackRate = 1;
  });

  // Watched stretches.
  const close = (end) => {
    if (segmentStart !== null && end > segmentStart) pending.push([segmentStart, end]);
    segmentStart = null;
  };
  video.addEventListener("playing", () => {
    segmentStart = video.currentTime;
    lastTick = performance.now();
  });
  video.addEventListener("timeupdate", () => {
    if (!video.seeking) {
      lastTime = video.currentTime;
      if (lastTime <= furthest + 2) furthest = Math.max(furthest, lastTime);
    }
  });
  video.addEventListener("seeking", () => {
    close(lastTime);
    if (noSkip && video.currentTime > furthest + 1) {
      video.currentTime = furthest;
      notice.textContent = root.dataset.noSkipMessage;
    }
  });
  video.addEventListener("seeked", () => {
    if (!video.paused) segmentStart = video.currentTime;
  });
  video.addEventListener("pause", () => {
    close(video.currentTime);
    send();
  });
  video.addEventListener("ended", () => {
    close(video.duration);
    send();
  });

  // Reports: every 10 seconds while playing, on pause, seek and end, and on page hide.
  function take() {
    if (!video.paused && segmentStart !== null) {
      close(video.currentTime);
      segmentStart = video.currentTime;
    }
    const now = performance.now();
    if (!video.paused) active += (now - lastTick) / 1000;
    lastTick = now;
    if (!pending.length && active < 1) return;
    reports.queue({
      position: String(video.currentTime),
      intervals: pending,
      active_seconds: String(Math.round(active)),
    });
    pending = [];
    active = 0;
  }

  function send() {
    take();
    reports.flush();
  }

  setInterval(() => {
    if (!video.paused) send();
  }, 10000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      take();
      reports.beacon(); // repeats are harmless: client + seq
    }
  });
  reports.flush(); // anything left from an earlier visit

  // Chapters.
  for (const button of root.querySelectorAll("[data-seek]")) {
    button.addEventListener("click", () => {
      video.currentTime = parseFloat(button.dataset.seek);
      video.focus();
    });
  }

  // Transcript from the captions: click a line to go there; the current line is marked.
  const transcript = root.querySelector("[data-transcript]");
  const track = video.textTracks[0];
  if (transcript && track) {
    if (track.mode === "disabled") track.mode = "hidden";
    const build = () => {
      if (!track.cues || transcript.childElementCount) return;
      for (const cue of track.cues) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.textContent = cue.text;
        button.addEventListener("click", () => (video.currentTime = cue.startTime));
        item.append(button);
        item.dataset.start = cue.startTime;
        transcript.append(item);
      }
    };
    track.addEventListener("cuechange", () => {
      build();
      const current = track.activeCues && track.activeCues[0];
      for (const item of transcript.children) {
        item.toggleAttribute("aria-current", Boolean(current) && parseFloat(item.dataset.start) === current.startTime);
      }
    });
    video.addEventListener("loadedmetadata", () => setTimeout(build, 500));
  }

  // Keyboard: k or space plays and pauses, j and l go back and forward 10 seconds.
  root.addEventListener("keydown", (event) => {
    if (event.target.closest("select, input, button:not([data-seek])")) return;
    const actions = {
      k: () => (video.paused ? video.play() : video.pause()),
      " ": () => (video.paused ? video.play() : video.pause()),
      j: () => (video.currentTime = Math.max(0, video.currentTime - 10)),
      l: () => (video.currentTime = video.currentTime + 10),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
  root.tabIndex = -1;
}
