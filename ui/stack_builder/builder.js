// LayerLab stack builder: a palette of layers beside the model stack, wired with native HTML5
// drag and drop (dragstart / dragover / drop), so a real mouse drag moves layers; no library,
// no build step, nothing fetched from a CDN.
//
// Streamlit calls this function on mount and again, into the same parentElement, each time
// Python sends new data. So listeners are attached once to the root and read the latest state
// from `root.llb`, and every call redraws the lists from the data.
// Every string from the data goes in with textContent, never innerHTML: spec names and layer
// fields from an imported file are user text.
//
// Python -> JS data: {rev, palette: [{type, title, category, summary}], input, output,
//   stack: [{id, layer: {type, ...params}, label, shape, params, error, warning,
//            children?: [...] (Residual only)}], selected}
// JS -> Python trigger "change": {action, layers: [{id|null, type, ...params, layers?}], selected}

const RESIDUAL = "Residual";

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".llb-root");
  if (!root || !data) return;
  const first = !root.llb;
  root.llb = { data, send: setTriggerValue, stack: structuredClone(data.stack || []),
               selected: data.selected ?? null, drag: null, dropAt: null };
  if (first) wire(root);
  // "ready": what is drawn is Python's answer; "pending" from a user change until it arrives
  // (browser tests wait on this instead of sleeping).
  root.dataset.state = "ready";
  render(root);
}

// ---- small DOM helpers ---------------------------------------------------------------------
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function fmtParams(n) {
  if (n === null || n === undefined) return "";
  return `${Number(n).toLocaleString("en-US")} param${n === 1 ? "" : "s"}`;
}

// ---- the tree of nodes ---------------------------------------------------------------------
function listOf(stack, parentId) {
  if (!parentId) return stack;
  const found = locate(stack, parentId);
  return found ? (found.list[found.index].children ||= []) : null;
}

function locate(list, id) {
  for (let i = 0; i < list.length; i++) {
    if (list[i].id === id) return { list, index: i };
    const inner = list[i].children && locate(list[i].children, id);
    if (inner) return inner;
  }
  return null;
}

function toLayers(nodes) {
  // Back to spec layers: the stored params plus the stable id (null for a new layer).
  return nodes.map((n) => {
    const layer = { ...n.layer, id: n.id };
    if (n.layer.type === RESIDUAL) layer.layers = toLayers(n.children || []);
    return layer;
  });
}

function newNode(st, type) {
  const info = st.data.palette.find((p) => p.type === type);
  return { id: null, layer: { type }, label: info ? info.title : type, shape: "", params: null,
           children: type === RESIDUAL ? [] : undefined };
}

function emit(root, action) {
  const st = root.llb;
  render(root);  // show the change at once; Python answers with shapes and counts
  root.dataset.state = "pending";
  st.send("change", { action, layers: toLayers(st.stack), selected: st.selected });
}

// ---- drawing -------------------------------------------------------------------------------
function render(root) {
  const st = root.llb;
  renderPalette(root.querySelector(".llb-palette-list"), st.data.palette || []);
  renderFixed(root.querySelector(".llb-input"), "→", st.data.input);
  renderFixed(root.querySelector(".llb-output"), "⇥", st.data.output);
  const top = root.querySelector(".llb-top");
  fillList(st, top, st.stack, "");
}

function renderPalette(box, palette) {
  if (box.dataset.count === String(palette.length)) return;  // the palette never changes
  box.replaceChildren();
  let category = null;
  for (const item of palette) {
    if (item.category !== category) {
      category = item.category;
      box.appendChild(el("div", "llb-cat", category));
    }
    const row = el("div", "llb-item");
    row.draggable = true;
    row.dataset.type = item.type;
    row.dataset.testid = `palette-${item.type}`;
    row.title = item.summary;
    const text = el("div", "llb-item-text");
    text.append(el("div", "llb-item-title", item.title), el("div", "llb-item-summary", item.summary));
    const add = el("button", "llb-add", "+");
    add.type = "button";
    add.dataset.type = item.type;
    add.setAttribute("aria-label", `Add ${item.title} at the end`);
    add.title = `Add ${item.title} at the end of the model`;
    row.append(text, add);
    box.appendChild(row);
  }
  box.dataset.count = String(palette.length);
}

function renderFixed(box, icon, info) {
  box.replaceChildren();
  if (!info) return;
  box.append(el("span", "llb-num", icon), el("span", "llb-label", info.label),
             el("span", "llb-shape", info.shape), el("span", "llb-params", fmtParams(info.params)),
             el("span", "", "🔒"));
  box.lastChild.title = "Follows the dataset: you never size it by hand.";
  if (info.error) box.appendChild(el("div", "llb-msg llb-error", `⚠ ${info.error}`));
  if (info.warning) box.appendChild(el("div", "llb-msg llb-warning", info.warning));
}

function fillList(st, list, nodes, prefix) {
  list.replaceChildren();
  nodes.forEach((node, i) => list.appendChild(renderRow(st, node, prefix + (i + 1))));
  if (!nodes.length) {
    list.appendChild(el("li", "llb-empty", prefix
      ? "Drop layers here: they run inside the skip connection."
      : "Drag layers here. An empty model is a plain linear model."));
  }
}

function renderRow(st, node, number) {
  const row = el("li", "llb-row");
  row.draggable = true;
  row.tabIndex = 0;
  row.dataset.id = node.id ?? "";
  row.dataset.type = node.layer.type;
  row.dataset.testid = "stack-row";
  if (node.id && node.id === st.selected) row.classList.add("llb-selected");
  if (node.error) row.classList.add("llb-has-error");
  const head = el("div", "llb-row-head");
  const del = el("button", "llb-del", "✕");
  del.type = "button";
  del.dataset.id = node.id ?? "";
  del.setAttribute("aria-label", `Remove layer ${number} (${node.label})`);
  del.title = "Remove this layer";
  head.append(el("span", "llb-num", number), el("span", "llb-label", node.label),
              el("span", "llb-shape", node.shape ? `→ ${node.shape}` : ""),
              el("span", "llb-params", fmtParams(node.params)), del);
  row.appendChild(head);
  if (node.error) row.appendChild(el("div", "llb-msg llb-error", `⚠ ${node.error}`));
  if (node.warning) row.appendChild(el("div", "llb-msg llb-warning", node.warning));
  if (node.layer.type === RESIDUAL) {
    const inner = el("ol", "llb-list llb-inner");
    inner.dataset.parent = node.id ?? "";
    fillList(st, inner, node.children || [], `${number}.`);
    row.append(inner, el("div", "llb-skip-note", "↳ the input is added back to the output (skip connection)"));
  }
  return row;
}

// ---- interaction ---------------------------------------------------------------------------
function wire(root) {
  root.addEventListener("dragstart", (e) => {
    const st = root.llb;
    const item = e.target.closest(".llb-item");
    const row = e.target.closest(".llb-row");
    if (item) st.drag = { from: "palette", type: item.dataset.type };
    else if (row && row.dataset.id) {
      st.drag = { from: "stack", id: row.dataset.id, type: row.dataset.type };
      row.classList.add("llb-dragging");
    } else return;
    e.dataTransfer.effectAllowed = item ? "copy" : "move";
    e.dataTransfer.setData("text/plain", st.drag.type);  // Firefox starts no drag without data
    e.stopPropagation();  // a row inside a Residual must not drag its container too
  });
  root.addEventListener("dragover", (e) => onDragOver(root, e));
  root.addEventListener("drop", (e) => onDrop(root, e));
  root.addEventListener("dragend", () => endDrag(root));
  root.addEventListener("click", (e) => onClick(root, e));
  root.addEventListener("keydown", (e) => {
    const row = e.target.closest(".llb-row");
    if (!row || e.target !== row) return;
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); row.click(); }
    if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); removeNode(root, row.dataset.id); }
  });
}

function canDropInto(st, list) {
  // One level of nesting: no Residual inside a Residual (nor inside itself).
  return !(list.dataset.parent && st.drag.type === RESIDUAL);
}

function clearMarks(root) {
  root.querySelectorAll(".llb-drop-before, .llb-drop-end, .llb-over-empty")
    .forEach((n) => n.classList.remove("llb-drop-before", "llb-drop-end", "llb-over-empty"));
  root.querySelector(".llb-palette").classList.remove("llb-trash-hover");
  root.llb.dropAt = null;
}

function onDragOver(root, e) {
  const st = root.llb;
  if (!st.drag) return;
  clearMarks(root);
  if (e.target.closest(".llb-palette")) {
    // Dragging a stack row back onto the palette removes it.
    if (st.drag.from === "stack") {
      e.preventDefault();
      root.querySelector(".llb-palette").classList.add("llb-trash-hover");
    }
    return;
  }
  // Anywhere in the model column counts as the top list, so a drop below the last row appends.
  const list = e.target.closest(".llb-list") || (e.target.closest(".llb-model") && root.querySelector(".llb-top"));
  if (!list || !canDropInto(st, list)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = st.drag.from === "palette" ? "copy" : "move";
  // Insertion point: before the first row (of this list, not nested ones) whose middle is
  // below the pointer. The dragged row itself does not count.
  const rows = [...list.children].filter((c) => c.classList.contains("llb-row") && c.dataset.id !== st.drag.id);
  const before = rows.find((r) => { const b = r.getBoundingClientRect(); return e.clientY < b.top + b.height / 2; });
  const index = before ? rows.indexOf(before) : rows.length;
  if (before) before.classList.add("llb-drop-before");
  else list.classList.add(rows.length ? "llb-drop-end" : "llb-over-empty");
  st.dropAt = { parent: list.dataset.parent || "", index };
}

function onDrop(root, e) {
  const st = root.llb;
  if (!st.drag) return;
  e.preventDefault();
  const { drag, dropAt } = st;
  const toPalette = !!e.target.closest(".llb-palette");
  endDrag(root);
  if (drag.from === "stack" && toPalette) return removeNode(root, drag.id);
  if (!dropAt) return;
  let node;
  if (drag.from === "palette") node = newNode(st, drag.type);
  else {
    const at = locate(st.stack, drag.id);
    if (!at) return;
    node = at.list.splice(at.index, 1)[0];
  }
  const target = listOf(st.stack, dropAt.parent);
  if (!target) return;
  target.splice(Math.min(dropAt.index, target.length), 0, node);
  if (drag.from === "palette") st.selected = null;  // Python selects the new layer
  emit(root, drag.from === "palette" ? "add" : "move");
}

function endDrag(root) {
  clearMarks(root);
  root.querySelectorAll(".llb-dragging").forEach((n) => n.classList.remove("llb-dragging"));
  root.llb.drag = null;
}

function removeNode(root, id) {
  const st = root.llb;
  const at = id && locate(st.stack, id);
  if (!at) return;
  at.list.splice(at.index, 1);
  if (st.selected === id) st.selected = null;
  emit(root, "delete");
}

function onClick(root, e) {
  const st = root.llb;
  const add = e.target.closest(".llb-add");
  if (add) {
    st.stack.push(newNode(st, add.dataset.type));
    st.selected = null;
    return emit(root, "add");
  }
  const del = e.target.closest(".llb-del");
  if (del) return removeNode(root, del.dataset.id);
  const row = e.target.closest(".llb-row");
  if (row && row.dataset.id && row.dataset.id !== st.selected) {
    st.selected = row.dataset.id;
    emit(root, "select");
  }
}
