// The playground page: a Telegram-like customer pane and a Slack-like agent pane, both driven
// through the emulators' /_emulator/ JSON routes and refreshed on server-sent events.
// Everything shown comes from customers or agents (hostile input): it reaches the DOM only
// through textContent and attribute setters, never innerHTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function call(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const data = await response.json();
  if (!response.ok || data.ok === false) throw new Error(data.description || response.statusText);
  return data;
}

function fileAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function showError(where, error) {
  $(where).textContent = error ? String(error.message || error) : "";
}

function atBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 40;
}

function replaceChildrenKeepingScroll(box, children) {
  const stick = atBottom(box);
  const top = box.scrollTop;
  box.replaceChildren(...children);
  box.scrollTop = stick ? box.scrollHeight : top;
}

// One refresh at a time per side; a change during a refresh triggers one more.
function refresher(work) {
  let running = false;
  let again = false;
  return async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      do { again = false; await work(); } while (again);
    } catch (error) {
      console.error(error);
    } finally {
      running = false;
    }
  };
}

// ---------------------------------------------------------------- Telegram (the customer)

const TG = "/telegram/_emulator";
const tg = {users: [], user: null};

function telegramText(text, entities) {
  // Entities are UTF-16 offsets, as JavaScript strings are: style each run of characters by
  // the set of entities covering it (nested entities work, and nothing is parsed as HTML).
  const box = el("div", {class: "tg-text"});
  if (!text) return box;
  const styles = Array.from({length: text.length}, () => []);
  for (const entity of entities || []) {
    for (let i = entity.offset; i < Math.min(text.length, entity.offset + entity.length); i++) {
      styles[i].push(entity.type);
    }
  }
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || styles[i].join() !== styles[start].join()) {
      box.append(el("span", {class: styles[start].join(" ") || null, text: text.slice(start, i)}));
      start = i;
    }
  }
  return box;
}

function telegramMedia(message) {
  const parts = [];
  const file = (id) => `${TG}/files/${encodeURIComponent(id)}`;
  if (message.photo && message.photo.length) {
    const biggest = message.photo[message.photo.length - 1];
    parts.push(el("img", {class: "media", src: file(biggest.file_id), alt: "photo"}));
  }
  for (const kind of ["document", "video", "audio", "voice", "animation"]) {
    const media = message[kind];
    if (!media) continue;
    parts.push(el("a", {
      class: "file", href: file(media.file_id), download: media.file_name || kind,
      text: `📎 ${media.file_name || kind}`,
    }));
  }
  if (message.contact) parts.push(el("div", {text: `📱 ${message.contact.phone_number}`}));
  return parts;
}

function telegramButtons(view) {
  const markup = view.message.reply_markup;
  if (!markup || !markup.inline_keyboard) return null;
  const box = el("div", {class: "tg-buttons"});
  for (const row of markup.inline_keyboard) {
    const line = el("div", {class: "row"});
    for (const button of row) {
      if (button.url) {
        // Only web links open; anything else (javascript:, data:) stays text.
        const safe = /^https?:\/\//i.test(button.url);
        line.append(el(safe ? "a" : "span", {class: "file", href: safe ? button.url : null,
          target: "_blank", rel: "noopener noreferrer", text: button.text}));
        continue;
      }
      line.append(el("button", {
        type: "button", text: button.text,
        onclick: () => telegramAct("press", {
          button_text: button.text, message_id: view.message.message_id,
        }),
      }));
    }
    box.append(line);
  }
  return box;
}

function telegramMessage(view) {
  const message = view.message;
  const classes = ["tg-msg", view.from_bot ? "bot" : "mine", view.deleted ? "deleted" : ""];
  const time = new Date(message.date * 1000).toLocaleTimeString([], {
    hour: "2-digit", minute: "2-digit",
  });
  const body = message.text !== undefined
    ? telegramText(message.text, message.entities)
    : telegramText(message.caption || "", message.caption_entities);
  return el("div", {class: classes.join(" ").trim(), dataset: {id: message.message_id}},
    ...telegramMedia(message), body,
    message.edit_date ? el("span", {class: "time", text: "edited"}) : null,
    el("span", {class: "time", text: time}),
    view.deleted ? null : telegramButtons(view));
}

function telegramKeyboard(keyboard) {
  const rows = keyboard && keyboard.keyboard ? keyboard.keyboard : [];
  return rows.map((row) => el("div", {class: "row"}, ...row.map((button) => el("button", {
    type: "button", text: button.text, onclick: () => telegramAct("tap", {text: button.text}),
  }))));
}

async function telegramAct(action, body) {
  if (!tg.user) return;
  try {
    showError("tg-error", null);
    await call(`${TG}/users/${tg.user}/${action}`, body);
  } catch (error) {
    showError("tg-error", error);
  }
}

const refreshTelegram = refresher(async () => {
  const state = await call(`${TG}/state`);
  tg.users = state.users;
  $("bot-name").textContent = `@${state.bot.username}`;
  const picker = $("customer");
  if (picker.options.length !== state.users.length) {
    const chosen = picker.value;
    picker.replaceChildren(...state.users.map((user) => el("option", {
      value: user.id, text: [user.first_name, user.last_name].filter(Boolean).join(" "),
    })));
    if (chosen) picker.value = chosen;
  }
  tg.user = picker.value || null;
  const me = state.users.find((user) => String(user.id) === tg.user);
  const started = Boolean(me && me.started);
  $("tg-start-bar").hidden = started;
  $("tg-compose").hidden = !started;
  if (!tg.user) return;
  const [views, keyboard] = await Promise.all([
    call(`${TG}/users/${tg.user}/messages`), call(`${TG}/users/${tg.user}/keyboard`),
  ]);
  replaceChildrenKeepingScroll($("tg-chat"), views.map(telegramMessage));
  $("tg-keyboard").replaceChildren(...(started ? telegramKeyboard(keyboard.keyboard) : []));
});

function setUpTelegram() {
  $("customer").addEventListener("change", () => { $("tg-chat").replaceChildren(); refreshTelegram(); });
  $("tg-start").addEventListener("click", () => telegramAct("start", {}));
  $("tg-compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("tg-text").value;
    if (!text.trim()) return;
    $("tg-text").value = "";
    await telegramAct("text", {text});
  });
  $("tg-file").addEventListener("change", async () => {
    const file = $("tg-file").files[0];
    if (!file) return;
    const caption = $("tg-text").value.trim();
    $("tg-text").value = "";
    $("tg-file").value = "";
    await telegramAct("document", {
      data_base64: await fileAsBase64(file), file_name: file.name,
      mime_type: file.type || null, caption: caption || null,
    });
  });
}

// ---------------------------------------------------------------- Slack (the agents)

const SL = "/slack/_emulator";
const sl = {agent: null, channel: null, thread: null, modal: null, bot: null};

function plain(textObject) {
  return textObject && typeof textObject.text === "string" ? textObject.text : "";
}

// Slack's *bold*, _italic_, ~strike~ and `code`, as elements holding text (never parsed HTML).
const MRKDWN = /(^|[^\w])(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`)(?=[^\w]|$)/g;
const MRKDWN_TAGS = {"*": "b", "_": "i", "~": "s", "`": "code"};

function mrkdwn(className, text) {
  const box = el("div", {class: className});
  let last = 0;
  for (const match of text.matchAll(MRKDWN)) {
    const start = match.index + match[1].length;
    box.append(text.slice(last, start));
    const styled = match[2];
    box.append(el(MRKDWN_TAGS[styled[0]], {text: styled.slice(1, -1)}));
    last = start + styled.length;
  }
  box.append(text.slice(last));
  return box;
}

function blockText(className, textObject) {
  return textObject && textObject.type === "mrkdwn"
    ? mrkdwn(className, plain(textObject)) : el("div", {class: className, text: plain(textObject)});
}

function slackElement(element, target) {
  if (element.type === "button") {
    const classes = element.style || null;
    return el("button", {
      type: "button", class: classes, text: plain(element.text),
      dataset: {action: element.action_id},
      onclick: () => slackClick(target, element.action_id, null),
    });
  }
  if (element.type === "static_select") {
    const select = el("select", {
      "aria-label": plain(element.placeholder), dataset: {action: element.action_id},
      onchange: (event) => slackClick(target, element.action_id, event.target.value),
    });
    if (!element.initial_option) {
      select.append(el("option", {value: "", text: plain(element.placeholder), disabled: true}));
      select.value = "";
    }
    for (const option of element.options || []) {
      select.append(el("option", {value: option.value, text: plain(option.text)}));
    }
    if (element.initial_option) select.value = element.initial_option.value;
    return select;
  }
  if (element.type === "datepicker") {
    return el("input", {
      type: "date", value: element.initial_date || null, title: plain(element.placeholder),
      "aria-label": plain(element.placeholder), dataset: {action: element.action_id},
      onchange: (event) => event.target.value
        && slackClick(target, element.action_id, event.target.value),
    });
  }
  return el("span", {class: "muted", text: `[${element.type}]`});
}

function slackBlocks(blocks, target) {
  const parts = [];
  for (const block of blocks || []) {
    if (block.type === "section") {
      if (block.text) parts.push(blockText("blk-text", block.text));
      if (block.fields) {
        parts.push(el("div", {class: "blk-fields"},
          ...block.fields.map((field) => blockText("blk-text", field))));
      }
      if (block.accessory && block.accessory.action_id) {
        parts.push(el("div", {class: "blk-actions"}, slackElement(block.accessory, target)));
      }
    } else if (block.type === "header") {
      parts.push(el("div", {class: "blk-text sl-author", text: plain(block.text)}));
    } else if (block.type === "context") {
      parts.push(mrkdwn("blk-context", (block.elements || []).map(plain).filter(Boolean).join("  ")));
    } else if (block.type === "actions") {
      parts.push(el("div", {class: "blk-actions"},
        ...(block.elements || []).map((element) => slackElement(element, target))));
    } else if (block.type === "divider") {
      parts.push(el("hr"));
    }
  }
  return parts;
}

function slackFiles(files) {
  return files.map((file) => {
    const href = `${SL}/files/${encodeURIComponent(file.id)}`;
    if (file.mimetype.startsWith("image/")) {
      return el("a", {href, target: "_blank", rel: "noopener"},
        el("img", {class: "media", src: href, alt: file.name}));
    }
    return el("a", {class: "file", href, download: file.name, text: `📎 ${file.name}`});
  });
}

function slackMessage(message, inThread) {
  const target = {channel: message.channel, ts: message.ts};
  const time = new Date(parseFloat(message.ts) * 1000).toLocaleTimeString([], {
    hour: "2-digit", minute: "2-digit",
  });
  const isNote = !message.bot && /^\s*note:/i.test(message.text);
  const body = message.blocks.length
    ? slackBlocks(message.blocks, target)
    : [mrkdwn("sl-text", message.text)];
  const classes = ["sl-msg", isNote ? "note" : "",
    !inThread && sl.thread && sl.thread.ts === message.ts ? "open" : ""];
  return el("div", {class: classes.join(" ").trim(), dataset: {ts: message.ts}},
    el("div", {},
      el("span", {class: "sl-author", text: message.author || "?"},
        message.bot ? el("span", {class: "app", text: "APP"}) : null),
      el("span", {class: "time", text: time}),
      message.edited ? el("span", {class: "time", text: "(edited)"}) : null),
    ...body,
    ...slackFiles(message.files),
    !inThread ? el("button", {
      type: "button", class: "replies",
      text: message.reply_count ? `${message.reply_count} replies` : "Reply in thread",
      onclick: () => openThread(message),
    }) : null);
}

function slackEphemeral(ephemeral) {
  const target = {channel: ephemeral.channel, ts: ephemeral.ts};
  const body = ephemeral.blocks.length
    ? slackBlocks(ephemeral.blocks, target) : [mrkdwn("sl-text", ephemeral.text)];
  return el("div", {class: "sl-msg ephemeral"},
    el("div", {class: "only", text: "Only visible to you"}), ...body);
}

async function slackClick(target, actionId, value) {
  try {
    showError("sl-error", null);
    const body = {action_id: actionId, value};
    if (target.view_id) body.view_id = target.view_id;
    else Object.assign(body, {channel: target.channel, ts: target.ts});
    await call(`${SL}/people/${sl.agent}/click`, body);
  } catch (error) {
    showError("sl-error", error);
  }
}

function openThread(message) {
  sl.thread = {channel: message.channel, ts: message.ts};
  $("sl-thread-pane").hidden = false;
  $("sl-thread").replaceChildren();
  refreshSlack();
  $("sl-text").focus();
}

function renderModal(view) {
  const box = $("sl-modal");
  if (!view) {
    box.hidden = true;
    sl.modal = null;
    return;
  }
  const errors = view.errors || {};
  if (sl.modal === view.id) {
    // Same modal: keep what the agent typed, only show the app's verdict.
    for (const node of box.querySelectorAll("[data-error-for]")) {
      node.textContent = errors[node.dataset.errorFor] || "";
    }
    return;
  }
  sl.modal = view.id;
  $("sl-modal-title").textContent = plain(view.title);
  $("sl-modal-submit").textContent = plain(view.submit) || "Submit";
  $("sl-modal-close").textContent = plain(view.close) || "Cancel";
  $("sl-modal-submit").hidden = !view.submit;
  const parts = [];
  for (const block of view.blocks) {
    if (block.type === "input" && block.element) {
      const element = block.element;
      const id = `modal-${block.block_id}-${element.action_id}`;
      const attributes = {
        id, dataset: {block: block.block_id, action: element.action_id},
        placeholder: plain(element.placeholder) || null,
        maxlength: element.max_length || null,
      };
      parts.push(el("label", {for: id, text: plain(block.label)}));
      parts.push(element.multiline
        ? el("textarea", attributes) : el("input", {...attributes, type: "text"}));
      if (block.hint) parts.push(el("div", {class: "blk-hint", text: plain(block.hint)}));
      parts.push(el("div", {class: "error", dataset: {errorFor: block.block_id},
        text: errors[block.block_id] || ""}));
    } else {
      parts.push(...slackBlocks([block], {view_id: view.id}));
    }
  }
  $("sl-modal-body").replaceChildren(...parts);
  box.hidden = false;
  const first = box.querySelector("textarea, input");
  if (first) first.focus();
}

const refreshSlack = refresher(async () => {
  const state = await call(`${SL}/state`);
  const support = state.channels.find((channel) => channel.name === "support");
  sl.channel = support ? support.id : null;
  $("channel-name").textContent = "#support";
  const picker = $("agent");
  const agents = state.people.filter((person) => support && support.members.includes(person.id));
  if (picker.options.length !== agents.length) {
    const chosen = picker.value;
    picker.replaceChildren(...agents.map((person) => el("option", {
      value: person.id, text: person.real_name || person.name,
    })));
    if (chosen) picker.value = chosen;
  }
  sl.agent = picker.value || null;
  if (!sl.agent || !sl.channel) return;
  const requests = [
    call(`${SL}/people/${sl.agent}/channels/${sl.channel}`),
    call(`${SL}/people/${sl.agent}/views`),
  ];
  if (sl.thread) {
    requests.push(call(`${SL}/people/${sl.agent}/threads/${sl.thread.channel}/${sl.thread.ts}`));
  }
  const [channel, views, thread] = await Promise.all(requests);
  const shown = channel.messages.map((message) => slackMessage(message, false));
  for (const ephemeral of views.ephemerals.filter((e) => !e.thread_ts)) {
    shown.push(slackEphemeral(ephemeral));
  }
  if (!shown.length) {
    shown.push(el("div", {class: "muted",
      text: "No tickets yet: be a customer on the left and report a problem."}));
  }
  replaceChildrenKeepingScroll($("sl-channel"), shown);
  if (thread) {
    const lines = thread.messages.map((message) => slackMessage(message, true));
    for (const ephemeral of views.ephemerals.filter((e) => e.thread_ts === sl.thread.ts)) {
      lines.push(slackEphemeral(ephemeral));
    }
    replaceChildrenKeepingScroll($("sl-thread"), lines);
  }
  renderModal(views.views.length ? views.views[views.views.length - 1] : null);
});

async function slackAct(action, body) {
  try {
    showError("sl-error", null);
    await call(`${SL}/people/${sl.agent}/${action}`, body);
  } catch (error) {
    showError("sl-error", error);
  }
}

function setUpSlack() {
  $("agent").addEventListener("change", () => { sl.modal = null; refreshSlack(); });
  $("sl-thread-close").addEventListener("click", () => {
    sl.thread = null;
    $("sl-thread-pane").hidden = true;
    refreshSlack();
  });
  $("sl-compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("sl-text").value;
    if (!text.trim() || !sl.thread) return;
    $("sl-text").value = "";
    await slackAct("post", {channel: sl.thread.channel, text, thread_ts: sl.thread.ts});
  });
  $("sl-file").addEventListener("change", async () => {
    const file = $("sl-file").files[0];
    if (!file || !sl.thread) return;
    const comment = $("sl-text").value;
    $("sl-text").value = "";
    $("sl-file").value = "";
    await slackAct("upload", {
      channel: sl.thread.channel, thread_ts: sl.thread.ts, file_name: file.name,
      data_base64: await fileAsBase64(file), comment,
    });
  });
  $("sl-channel-compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("sl-channel-text").value.trim();
    if (!text || !sl.channel) return;
    $("sl-channel-text").value = "";
    if (text.startsWith("/")) {
      const [command, ...rest] = text.split(/\s+/);
      await slackAct("command", {command, text: rest.join(" "), channel: sl.channel});
    } else {
      await slackAct("post", {channel: sl.channel, text});
    }
  });
  $("sl-modal-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const field of $("sl-modal-body").querySelectorAll("[data-block]")) {
      values[field.dataset.block] = {[field.dataset.action]: field.value};
    }
    await slackAct("submit", {values});
  });
  $("sl-modal-close").addEventListener("click", () => slackAct("close", {}));
}

// ---------------------------------------------------------------- live updates

function listen() {
  const live = $("live");
  const events = new EventSource("/events");
  events.addEventListener("telegram", refreshTelegram);
  events.addEventListener("slack", refreshSlack);
  events.onopen = () => { live.textContent = "live"; live.className = "live on"; };
  events.onerror = () => { live.textContent = "reconnecting…"; live.className = "live"; };
}

setUpTelegram();
setUpSlack();
refreshTelegram();
refreshSlack();
listen();
