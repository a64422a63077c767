// The plan editor: small helpers around htmx. Every action also works without
// JavaScript (the links and forms go to whole pages); this file only makes the
// inline editing pleasant and accessible.
(function () {
  "use strict";

  function announce(text) {
    const region = document.getElementById("editor-status");
    if (region) region.textContent = text;
  }

  function messages() {
    const lang = (document.documentElement.lang || "cs").slice(0, 2);
    return lang === "en"
      ? {
          failed: "The change could not be made. Reload the page and try again.",
          offline: "The server could not be reached. Check your connection and try again.",
          tickAll: "Tick all shown measures",
          untickAll: "Untick all",
          closed: "Form closed.",
        }
      : {
          failed: "Změnu se nepodařilo provést. Načtěte stránku znovu a zkuste to ještě jednou.",
          offline: "Server je nedostupný. Zkontrolujte připojení a zkuste to znovu.",
          tickAll: "Označit všechna zobrazená opatření",
          untickAll: "Zrušit označení",
          closed: "Formulář zavřen.",
        };
  }

  // "Tick all" for the bulk status change (hidden without JS).
  function setUpSelectAll(root) {
    root.querySelectorAll("[data-editor-select-all]").forEach((button) => {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", () => {
        const boxes = Array.from(document.querySelectorAll(".row-check"));
        const tick = boxes.some((box) => !box.checked);
        boxes.forEach((box) => { box.checked = tick; });
        button.textContent = tick ? messages().untickAll : messages().tickAll;
      });
    });
  }

  // The link or button that opened an inline form in `slot`.
  function opener(slot) {
    if (!slot || !slot.id) return null;
    return document.querySelector(`[data-hx-target="#${slot.id}"]`);
  }

  function closeSlot(slot) {
    const back = opener(slot);
    slot.replaceChildren();
    announce(messages().closed);
    if (back) back.focus();
  }

  document.addEventListener("click", (event) => {
    const dismiss = event.target.closest("[data-editor-dismiss]");
    if (!dismiss) return;
    const slot = dismiss.closest(".add-slot");
    if (!slot) return; // a whole page: follow the link
    event.preventDefault();
    closeSlot(slot);
  });

  // Escape closes the inline form the focus is in.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const slot = event.target.closest && event.target.closest(".add-slot");
    if (slot && slot.firstElementChild) {
      event.preventDefault();
      closeSlot(slot);
      return;
    }
    const rowForm = event.target.closest && event.target.closest("form.row-form");
    if (rowForm) {
      const cancel = rowForm.querySelector("a[data-hx-select]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  });

  // Only one inline form per slot; opening a menu action closes its menu.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const menu = event.target.closest && event.target.closest("details.more");
    if (menu) menu.open = false;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    setUpSelectAll(document);
    // When a fragment holds no autofocus target, keep the focus inside it.
    const target = event.detail && event.detail.target;
    if (target && target.isConnected && !target.contains(document.activeElement)) {
      const first = target.querySelector("[autofocus], input:not([type=hidden]), select, textarea, a, button");
      if (first && document.activeElement === document.body) first.focus();
    }
  });

  document.addEventListener("htmx:responseError", () => announce(messages().failed));
  document.addEventListener("htmx:sendError", () => announce(messages().offline));

  document.addEventListener("DOMContentLoaded", () => {
    setUpSelectAll(document);
    // Coming back from a whole-page form: show the item that was worked on.
    if (/^#item-\d+$/.test(location.hash)) {
      const row = document.querySelector(`${location.hash} .row-actions a`);
      if (row) row.focus({ preventScroll: false });
    }
  });
})();
