// An accessible autocomplete (WAI-ARIA 1.2 combobox with a listbox popup) for
// the text inputs core.autocomplete renders. Progressive enhancement only:
// without this script the input is a plain text field validated on the server.
//
// Keyboard: type to search; Down/Up move through the suggestions; Enter or Tab
// picks the highlighted one; Escape closes the list (a second Escape clears
// the text); Home/End stay in the text. The picked row's id goes into the
// hidden input next to the text, its label into the text.
(function () {
  "use strict";

  var DELAY = 200;
  var counter = 0;

  function statusText(count) {
    var lang = (document.documentElement.lang || "cs").slice(0, 2);
    if (lang === "cs") {
      if (count === 0) return "Nic nenalezeno.";
      if (count === 1) return "1 návrh, vyberte šipkami.";
      if (count < 5) return count + " návrhy, vyberte šipkami.";
      return count + " návrhů, vyberte šipkami.";
    }
    if (count === 0) return "Nothing found.";
    return count + (count === 1 ? " suggestion" : " suggestions") + ", use the arrow keys.";
  }

  function Combobox(input) {
    counter += 1;
    this.input = input;
    // The picked row's id, when the field has one (forms); list filters send
    // the text alone, which the server resolves.
    var before = input.previousElementSibling;
    this.hidden = before && before.hasAttribute("data-autocomplete-id") ? before : null;
    this.url = input.getAttribute("data-autocomplete-url");
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;
    this.picked = input.value;

    var id = (input.id || "autocomplete-" + counter) + "-listbox";
    this.list = document.createElement("ul");
    this.list.id = id;
    this.list.className = "autocomplete-list";
    this.list.setAttribute("role", "listbox");
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    if (label) {
      if (!label.id) label.id = input.id + "-label";
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.list.hidden = true;
    this.status = document.createElement("span");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    input.parentNode.appendChild(this.list);
    input.parentNode.appendChild(this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.onBlur.bind(this));
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", this.onClick.bind(this));
  }

  Combobox.prototype.onInput = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.fetch(self.input.value); }, DELAY);
  };

  Combobox.prototype.fetch = function (term) {
    var self = this;
    var number = ++this.request;
    var url = this.url + "?q=" + encodeURIComponent(term.trim());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (number === self.request) self.show(data.results || []);
      })
      .catch(function () { self.close(); });
  };

  Combobox.prototype.show = function (results) {
    var self = this;
    this.list.textContent = "";
    this.options = results.map(function (row, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-id", row.id);
      option.textContent = row.label;
      self.list.appendChild(option);
      return option;
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    var open = this.options.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.status.textContent = statusText(this.options.length);
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.highlight = function (index) {
    if (!this.options.length) return;
    if (index < 0) index = this.options.length - 1;
    if (index >= this.options.length) index = 0;
    if (this.active >= 0) this.options[this.active].setAttribute("aria-selected", "false");
    this.active = index;
    var option = this.options[index];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    if (option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.pick = function (option) {
    this.input.value = option.textContent;
    if (this.hidden) this.hidden.value = option.getAttribute("data-id");
    this.picked = this.input.value;
    this.close();
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Combobox.prototype.onKeydown = function (event) {
    var open = !this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) { this.fetch(this.input.value); return; }
        this.highlight(this.active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) this.highlight(this.active - 1);
        break;
      case "Enter":
        if (open && this.active >= 0) {
          event.preventDefault();
          this.pick(this.options[this.active]);
        }
        break;
      case "Tab":
        if (open && this.active >= 0) this.pick(this.options[this.active]);
        else this.close();
        break;
      case "Escape":
        if (open) { event.preventDefault(); this.close(); }
        else if (this.input.value) { event.preventDefault(); this.input.value = ""; }
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onClick = function (event) {
    var option = event.target.closest('[role="option"]');
    if (option) this.pick(option);
  };

  Combobox.prototype.onBlur = function () {
    clearTimeout(this.timer);
    this.close();
  };

  function init(root) {
    var inputs = (root || document).querySelectorAll("input[data-autocomplete-url]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (!input.hasAttribute("data-combobox")) {
        input.setAttribute("data-combobox", "");
        new Combobox(input);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
})();
