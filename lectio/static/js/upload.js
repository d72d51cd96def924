// Chunked, resumable uploads for media lessons.
// The file goes up in chunks of the size the server asks for; after a dropped connection
// or a reload, choosing the same file again resumes where the server stands.

const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

async function json(response) {
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

function remember(file, form) {
  const { lesson, language } = form.dataset;
  return `lectio-upload:${lesson}:${language}:${file.name}:${file.size}:${file.lastModified}`;
}

async function startOrResume(form, file) {
  const key = localStorage.getItem(remember(file, form));
  if (key) {
    const state = await json(await fetch(`${form.dataset.uploadsUrl}${key}/`));
    if (state.ok && !state.body.asset) return state.body;
    localStorage.removeItem(remember(file, form));
  }
  const data = new FormData();
  data.set("course", form.dataset.course);
  data.set("lesson", form.dataset.lesson);
  data.set("language", form.dataset.language || "");
  data.set("kind", form.dataset.kind);
  data.set("file_name", file.name);
  data.set("size", String(file.size));
  const started = await json(
    await fetch(form.dataset.uploadsUrl, { method: "POST", body: data, headers: { "X-CSRFToken": csrfToken() } }),
  );
  if (!started.ok) throw new Error(started.body.error || "The upload could not start.");
  localStorage.setItem(remember(file, form), started.body.key);
  return started.body;
}

async function upload(form, file, show) {
  let state = await startOrResume(form, file);
  while (state.received < state.size) {
    const end = Math.min(state.received + state.chunk_size, state.size) - 1;
    const chunk = file.slice(state.received, end + 1);
    let answer;
    try {
      answer = await json(
        await fetch(`${form.dataset.uploadsUrl}${state.key}/`, {
          method: "PUT",
          body: chunk,
          headers: {
            "X-CSRFToken": csrfToken(),
            "Content-Range": `bytes ${state.received}-${end}/${state.size}`,
            "Content-Type": "application/octet-stream",
          },
        }),
      );
    } catch {
      show(form.dataset.offline, state.received / state.size);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      answer = await json(await fetch(`${form.dataset.uploadsUrl}${state.key}/`));
    }
    if (answer.status === 409) {
      state.received = answer.body.received;
      continue;
    }
    if (!answer.ok) {
      localStorage.removeItem(remember(file, form));
      throw new Error(answer.body.error || "The upload failed.");
    }
    state = { ...state, ...answer.body };
    show(null, state.received / state.size);
  }
  localStorage.removeItem(remember(file, form));
  return state;
}

// Delegated: the upload panel is loaded into the page after it opens.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-upload]");
  if (!form) return;
  event.preventDefault();
  const file = form.querySelector("input[type=file]").files[0];
  const bar = form.querySelector("progress");
  const message = form.querySelector("[data-upload-message]");
  const button = form.querySelector("button");
  const show = (text, fraction) => {
    bar.hidden = false;
    bar.value = Math.round(fraction * 100);
    message.textContent = text ?? `${Math.round(fraction * 100)}%`;
  };
  if (!file) return;
  button.disabled = true;
  message.classList.remove("errorlist");
  try {
    await upload(form, file, show);
    message.textContent = form.dataset.done;
    window.location.reload();
  } catch (error) {
    message.textContent = error.message;
    message.classList.add("errorlist");
  } finally {
    button.disabled = false;
  }
});
