// Progress reports for a lesson page: queued in localStorage until the server confirms
// them, sent again when back online, and as beacons when the page is hidden. Each report
// carries this page's client id and a sequence number, so a repeat changes nothing.

export function reporter(url, token, onAnswer) {
  const client = crypto.randomUUID();
  const queueKey = `lectio-progress:${url}`;
  let seq = 0;
  let sending = false;

  const read = () => JSON.parse(localStorage.getItem(queueKey) || "[]");
  const write = (queue) => localStorage.setItem(queueKey, JSON.stringify(queue));
  const form = (report) => {
    const data = new FormData();
    data.set("csrfmiddlewaretoken", token);
    for (const [name, value] of Object.entries(report)) data.set(name, value);
    return data;
  };

  function queue(fields) {
    const report = { client, seq: String(++seq) };
    for (const [name, value] of Object.entries(fields)) {
      report[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
    write([...read(), report]);
  }

  async function flush() {
    if (sending) return;
    sending = true;
    try {
      while (read().length) {
        const response = await fetch(url, { method: "POST", body: form(read()[0]) });
        if (response.status >= 500) break; // keep it for later
        if (response.ok && onAnswer) onAnswer(await response.json());
        write(read().slice(1));
      }
    } catch {
      // Offline: the queue waits for "online" or the next report.
    } finally {
      sending = false;
    }
  }

  window.addEventListener("online", flush);
  return {
    queue,
    flush,
    send(fields) {
      queue(fields);
      return flush();
    },
    beacon() {
      for (const report of read()) navigator.sendBeacon(url, form(report));
    },
  };
}
