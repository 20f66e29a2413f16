// Warn before a session ends, with one action to stay. Progressive enhancement: without
// JavaScript nothing here runs, and the server still ends the session after the same time.
//
// Markup: an element with data-module="app-timeout-warning", data-timeout-seconds,
// data-warning-seconds, holding a <dialog> with a form that POSTs to the keep-alive URL.

function formatTime(seconds) {
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

export function initTimeoutWarnings(root = document) {
  for (const element of root.querySelectorAll('[data-module="app-timeout-warning"]')) {
    const timeout = Number(element.dataset.timeoutSeconds) * 1000;
    const warning = Number(element.dataset.warningSeconds) * 1000;
    const dialog = element.querySelector("dialog");
    const form = dialog.querySelector("form");
    const countdown = dialog.querySelector("[data-countdown]");
    const heading = dialog.querySelector("h2");
    let deadline = Date.now() + timeout;
    let tick;

    const showWarning = () => {
      dialog.showModal();
      heading.focus();
      const update = () => {
        const left = Math.max(0, deadline - Date.now());
        countdown.textContent = formatTime(left / 1000);
        if (left === 0) {
          window.location.href = element.dataset.endedUrl;
        }
      };
      update();
      tick = window.setInterval(update, 15000);
    };

    let timer = window.setTimeout(showWarning, timeout - warning);

    const stay = async () => {
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          // Not followed: the page it leads to would take the server's note of why the session
          // ended, which the ended URL below should show.
          redirect: "manual",
        });
      } catch {
        // The network failed: send the form the ordinary way, as without JavaScript.
        form.submit();
        return;
      }
      // Only 204 means "still signed in": an ended session answers with a redirect.
      if (response.status !== 204) {
        window.location.href = element.dataset.endedUrl;
        return;
      }
      window.clearInterval(tick);
      window.clearTimeout(timer);
      dialog.close();
      deadline = Date.now() + timeout;
      timer = window.setTimeout(showWarning, timeout - warning);
    };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      stay();
    });
    // Escape closes a modal dialog: that is choosing to stay, not a silent sign-out later.
    dialog.addEventListener("cancel", () => {
      stay();
    });
  }
}
