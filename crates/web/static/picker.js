// The tool picker: for each <input data-picker="tools"> (several tools, separated by commas) or
// <input data-picker="tool"> (one tool), suggests catalog tools for the item being
// typed (the text between commas around the caret) from /api/v1/tools/suggest, as an ARIA 1.2
// combobox with a listbox popup. Choosing a suggestion writes the tool's name in place of the
// item. Without this script the field is a plain comma-separated text field, and the server
// accepts names, slugs and aliases all the same.
"use strict";

(function () {
  const DELAY_MS = 120;
  let counter = 0;

  function currentItem(input) {
    const value = input.value;
    if (input.dataset.picker !== "tools") return { start: 0, end: value.length, text: value.trim() };
    const caret = input.selectionStart ?? value.length;
    const start = value.lastIndexOf(",", caret - 1) + 1;
    let end = value.indexOf(",", caret);
    if (end < 0) end = value.length;
    return { start, end, text: value.slice(start, end).trim() };
  }

  function attach(input) {
    const id = input.id || `picker-${++counter}`;
    input.id = id;
    const list = document.createElement("ul");
    list.id = `${id}-suggestions`;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested tools");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    const wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input, list, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    let options = [];
    let active = -1;
    let timer = 0;
    let asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      options.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      const li = options[index];
      if (!li) return;
      const item = currentItem(input);
      const before = input.value.slice(0, item.start);
      const after = input.value.slice(item.end);
      const lead = before.length > 0 && !before.endsWith(" ") ? " " : "";
      const multi = input.dataset.picker === "tools";
      const tail = !multi || after.trim().length > 0 ? after : ", ";
      input.value = `${before}${lead}${li.dataset.name}${tail}`;
      const caret = (before + lead + li.dataset.name).length + (tail === ", " ? 2 : 0);
      input.setSelectionRange(caret, caret);
      close();
      status.textContent = `${li.dataset.name} added`;
      input.focus();
    }

    function show(tools) {
      list.replaceChildren();
      options = tools.map((tool, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.name = tool.name;
        const name = document.createElement("span");
        name.className = "picker-name";
        name.textContent = tool.name;
        const place = document.createElement("span");
        place.className = "picker-place";
        place.textContent = tool.category;
        li.append(name, place);
        // mousedown, not click: the input keeps its focus.
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(i);
        });
        list.append(li);
        return li;
      });
      status.textContent = tools.length === 0 ? "No tool found" : `${tools.length} tools suggested`;
      if (tools.length === 0) {
        close();
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    async function suggest() {
      const { text } = currentItem(input);
      if (text.length < 1) {
        close();
        return;
      }
      asked = text;
      try {
        const response = await fetch(`/api/v1/tools/suggest?q=${encodeURIComponent(text)}`, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok || asked !== text) return;
        const body = await response.json();
        show(body.tools);
      } catch {
        close();
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight((active + 1) % options.length);
        else suggest();
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        // Enter picks the highlighted tool instead of sending the form.
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-picker]").forEach(attach);
})();
