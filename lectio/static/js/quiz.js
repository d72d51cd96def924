// The attempt page: counts down the time the server says is left, and reloads the page
// when it reaches zero (the server then submits the attempt). The deadline itself is
// kept on the server; this only shows it.

const clock = document.querySelector("[data-countdown]");
if (clock) {
  const end = Date.now() + Number(clock.dataset.seconds) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    clock.textContent = `${minutes}:${seconds}`;
    if (left === 0) {
      window.location.assign(clock.dataset.expiredUrl);
      return;
    }
    setTimeout(tick, 1000);
  };
  tick();
}
