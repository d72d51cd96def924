// cmi5 returnURL (cmi5 section 10): the AU has ended and sent its window here.
// In the player page's frame (an AnyWindow AU), the whole page goes back to the list;
// in the window an OwnWindow AU had, that window closes when the browser allows it.

const root = document.querySelector("[data-cmi5-return]");
if (root) {
  const target = root.dataset.target;
  if (window.top !== window.self) {
    window.top.location.replace(target);
  } else if ("ownWindow" in root.dataset) {
    window.close();
  } else {
    window.location.replace(target);
  }
}
