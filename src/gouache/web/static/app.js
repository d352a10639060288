// gouache web UI: plain JavaScript over the native /api (the key rides in a same-site cookie).
// htmx refreshes the server-rendered fragments when the body gets "versions-changed".
"use strict";

(function () {
  const $ = (selector, root = document) => root.querySelector(selector);

  async function api(method, path, body) {
    const options = { method, headers: {}, credentials: "same-origin" };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_err) {
      data = null;
    }
    if (!response.ok) {
      const message = data && data.error ? data.error.message : `${response.status} ${response.statusText}`;
      throw new Error(message);
    }
    return data;
  }

  function readDataURL(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
      reader.readAsDataURL(file);
    });
  }

  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    for (const child of children) node.append(child);
    return node;
  }

  // Follow a job's Server-Sent Events; resolves with the finished job.
  function follow(jobId, onProgress) {
    return new Promise((resolve) => {
      const source = new EventSource(`/api/jobs/${jobId}/events`);
      source.addEventListener("progress", (event) => onProgress(JSON.parse(event.data)));
      for (const name of ["done", "failed", "cancelled"]) {
        source.addEventListener(name, (event) => {
          source.close();
          resolve(JSON.parse(event.data));
        });
      }
      source.onerror = async () => {
        // the stream dropped before the end: ask once where the job stands
        source.close();
        const job = await api("GET", `/api/jobs/${jobId}`);
        if (job.status === "done" || job.status === "failed" || job.status === "cancelled") resolve(job);
        else resolve(await new Promise((again) => setTimeout(() => follow(jobId, onProgress).then(again), 300)));
      };
    });
  }

  // ------------------------------------------------------------------------------------------
  // start page

  function initStart() {
    const form = $("#upload-form");
    const status = $(".status", form);
    async function upload(file) {
      if (!file) return;
      status.textContent = `Uploading ${file.name || "the pasted picture"}…`;
      const body = new FormData();
      body.append("image", file, file.name || "pasted.png");
      const name = $("#session-name").value.trim();
      if (name) body.append("name", name);
      try {
        const session = await api("POST", "/api/sessions", body);
        window.location.assign(`/ui/s/${session.id}`);
      } catch (err) {
        status.textContent = err.message;
      }
    }
    $("#image").addEventListener("change", (event) => upload(event.target.files[0]));
    form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("over"); });
    form.addEventListener("dragleave", () => form.classList.remove("over"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("over");
      upload(event.dataTransfer.files[0]);
    });
    document.addEventListener("paste", (event) => {
      const file = [...(event.clipboardData ? event.clipboardData.files : [])][0];
      if (file) upload(file);
    });

    const textForm = $("#text-form");
    textForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const say = $(".status", textForm);
      say.textContent = "Drawing…";
      try {
        const job = await api("POST", "/api/sessions/from-text", {
          prompt: $("#prompt").value, model: $("#text-backend").value,
        });
        const done = await follow(job.id, (p) => { say.textContent = `${p.percent}% ${p.message || ""}`; });
        if (done.status === "done") window.location.assign(`/ui/s/${done.result.session_id}`);
        else say.textContent = done.error ? done.error.message : done.status;
      } catch (err) {
        say.textContent = err.message;
      }
    });

    const fromForm = $("#from-version-form");
    if (fromForm) {
      fromForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          const session = await api("POST", "/api/sessions/from-version", {
            session_id: $("#from-session").value, ref: $("#from-ref").value || "head",
          });
          window.location.assign(`/ui/s/${session.id}`);
        } catch (err) {
          $(".status", fromForm).textContent = err.message;
        }
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // session page

  function initSession() {
    const sid = document.body.dataset.session;
    const base = `/api/sessions/${sid}`;
    const current = $("#current");
    const canvas = $("#mask");
    const ctx = canvas.getContext("2d");
    const log = $("#log");
    const references = [];
    let busy = false;
    let maskDrawn = false;
    let guideline = null;
    let runningJob = null;
    // the question the last turn asked, with its references: the next instruction answers it
    let asked = null;

    function changed() {
      document.body.dispatchEvent(new CustomEvent("versions-changed", { bubbles: true }));
    }

    function setCurrent(label, { refresh = true } = {}) {
      const url = new URL(`${base}/versions/${label}/image`, window.location.href).href;
      // the tree, the details and the suggestions (which may analyse the picture for a second)
      // wait until the picture is on screen, so they do not compete with it for the server
      const then = () => {
        if (refresh) changed();
        loadSuggestions();
      };
      if (current.src === url && current.complete) {
        then();
      } else {
        current.addEventListener("load", then, { once: true });
        current.addEventListener("error", then, { once: true });
        current.src = url;
      }
      current.dataset.version = label;
      for (const link of document.querySelectorAll("[data-export]")) {
        const kind = link.dataset.export;
        link.href = kind === "recipe"
          ? `${base}/versions/${label}/recipe`
          : kind === "signed"
            ? `${base}/versions/${label}/download?format=png&sign=true`
            : `${base}/versions/${label}/download?format=${kind}`;
        if (kind === "recipe") link.setAttribute("download", `${label}.json`);
      }
      $("#compare-link").href = `/ui/s/${sid}/compare?b=${label}`;
      $("#region").hidden = true;
    }

    current.addEventListener("load", () => {
      if (canvas.width !== current.naturalWidth || canvas.height !== current.naturalHeight) {
        canvas.width = current.naturalWidth;
        canvas.height = current.naturalHeight;
        clearMask();
      }
    });

    function scrollLog() { log.scrollTop = log.scrollHeight; }

    function say(kind, text, extra = []) {
      const item = el("li", { className: `msg ${kind}` }, [el(kind === "user" ? "p" : "pre", { textContent: text }), ...extra]);
      log.append(item);
      scrollLog();
      return item;
    }

    // -- suggestions as chips --
    // Each filling of the chips takes a number; a suggestions request that answers after a
    // question's options were shown (the analysis can take a second) leaves them in place.
    let chipsTurn = 0;
    async function loadSuggestions() {
      const chips = $("#chips");
      const mine = ++chipsTurn;
      try {
        const found = await api("GET", `${base}/versions/head/suggestions`);
        if (mine !== chipsTurn) return;
        chips.replaceChildren(...found.suggestions.map((idea) => {
          const chip = el("button", { type: "button", className: "chip", textContent: idea.instruction, title: idea.reason });
          chip.addEventListener("click", () => send(idea.instruction));
          return chip;
        }));
      } catch (_err) {
        if (mine === chipsTurn) chips.replaceChildren();
      }
    }

    // -- references --
    function renderReferences() {
      $("#reference-list").replaceChildren(...references.map((ref, index) => {
        const remove = el("button", { type: "button", textContent: "Remove", ariaLabel: `Remove ${ref.name}` });
        remove.addEventListener("click", () => { references.splice(index, 1); renderReferences(); });
        return el("li", {}, [el("img", { src: ref.data, alt: ref.name }), el("span", { textContent: ref.name }), remove]);
      }));
    }
    async function addReferences(files) {
      for (const file of files) {
        if (!file.type.startsWith("image/")) continue;
        references.push({ name: file.name, data: await readDataURL(file) });
      }
      renderReferences();
    }
    $("#references").addEventListener("change", (event) => { addReferences([...event.target.files]); event.target.value = ""; });
    const turnForm = $("#turn-form");
    turnForm.addEventListener("dragover", (event) => event.preventDefault());
    turnForm.addEventListener("drop", (event) => { event.preventDefault(); addReferences([...event.dataTransfer.files]); });

    // -- the mask: brush and box --
    let tool = null;
    let start = null;
    let saved = null;
    function setTool(name) {
      tool = tool === name ? null : name;
      $("#tool-brush").setAttribute("aria-pressed", String(tool === "brush"));
      $("#tool-box").setAttribute("aria-pressed", String(tool === "box"));
      canvas.classList.toggle("active", tool !== null);
    }
    function clearMask() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      maskDrawn = false;
      $("#mask-status").textContent = "No mask: the instruction applies to the picture as a whole.";
    }
    function marked() {
      maskDrawn = true;
      $("#mask-status").textContent = "Mask drawn: the next instruction changes only the marked region.";
    }
    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
        scale: canvas.width / box.width,
      };
    }
    function dab(p) {
      ctx.fillStyle = "rgb(255, 40, 40)";
      ctx.beginPath();
      ctx.arc(p.x, p.y, (Number($("#brush-size").value) / 2) * p.scale, 0, Math.PI * 2);
      ctx.fill();
    }
    canvas.addEventListener("pointerdown", (event) => {
      if (!tool) return;
      canvas.setPointerCapture(event.pointerId);
      start = point(event);
      if (tool === "brush") dab(start);
      else saved = ctx.getImageData(0, 0, canvas.width, canvas.height);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!start) return;
      const p = point(event);
      if (tool === "brush") {
        dab(p);
      } else {
        ctx.putImageData(saved, 0, 0);
        ctx.fillStyle = "rgb(255, 40, 40)";
        ctx.fillRect(Math.min(start.x, p.x), Math.min(start.y, p.y), Math.abs(p.x - start.x), Math.abs(p.y - start.y));
      }
    });
    canvas.addEventListener("pointerup", (event) => {
      if (!start) return;
      const p = point(event);
      if (tool === "box") {
        ctx.putImageData(saved, 0, 0);
        ctx.fillStyle = "rgb(255, 40, 40)";
        ctx.fillRect(Math.min(start.x, p.x), Math.min(start.y, p.y), Math.abs(p.x - start.x), Math.abs(p.y - start.y));
      }
      start = null;
      marked();
    });
    $("#tool-brush").addEventListener("click", () => setTool("brush"));
    $("#tool-box").addEventListener("click", () => setTool("box"));
    $("#mask-clear").addEventListener("click", clearMask);

    async function showRegion(parent, label) {
      const found = await api("GET", `${base}/changed-region?a=${parent}&b=${label}`);
      const region = $("#region");
      if (!found.box) { region.hidden = true; return; }
      const [x, y, w, h] = found.box;
      Object.assign(region.style, {
        left: `${(100 * x) / found.width}%`, top: `${(100 * y) / found.height}%`,
        width: `${(100 * w) / found.width}%`, height: `${(100 * h) / found.height}%`,
      });
      region.dataset.box = found.box.join(",");
      region.hidden = false;
    }

    // -- a turn --
    function progressShown(shown) {
      $("#progress").hidden = !shown;
      $("#send").disabled = shown;
    }
    async function send(instruction) {
      instruction = instruction.trim();
      if (!instruction || busy) return;
      busy = true;
      let refs = references.splice(0);
      renderReferences();
      const answering = asked;
      asked = null;
      if (answering && !refs.length) refs = answering.references;
      say("user", instruction, refs.map((r) => el("span", { className: "chip static", textContent: r.name })));
      const body = { instruction, model: $("#backend").value, references: refs, client: "web" };
      if (answering) body.answering = answering.instruction;
      const masked = maskDrawn;
      if (masked) body.mask = { name: "mask.png", data: canvas.toDataURL("image/png") };
      if ($("#loop").checked && guideline) {
        Object.assign(body, { guidelines: guideline, candidates: Number($("#candidates").value), budget: Number($("#budget").value) });
      }
      const parent = current.dataset.version;
      const started = performance.now();
      progressShown(true);
      $("#progress progress").value = 0;
      $("#progress-text").textContent = "queued";
      try {
        const job = await api("POST", `${base}/turns`, body);
        runningJob = job.id;
        const done = await follow(job.id, (p) => {
          $("#progress progress").value = p.percent;
          $("#progress-text").textContent = `${p.percent}%${p.message ? ` ${p.message}` : ""}`;
        });
        const ms = Math.round(performance.now() - started);
        if (done.status !== "done") {
          say("reply error", done.error ? done.error.message : `the turn was ${done.status}`);
        } else {
          finish(done.result, ms, masked, parent, refs);
        }
      } catch (err) {
        say("reply error", err.message);
      } finally {
        runningJob = null;
        busy = false;
        progressShown(false);
      }
    }

    function finish(result, ms, masked, parent, refs) {
      const extra = [];
      if (result.made) {
        const version = result.version;
        extra.push(el("img", { className: "inline-version", src: `${base}/versions/${version.label}/thumbnail?size=160`, alt: "", width: 80 }));
        const others = (result.versions || []).filter((v) => v.label !== version.label);
        if (others.length) {
          const attempts = el("ul", { className: "refs", ariaLabel: "Attempts" });
          for (const v of others) {
            attempts.append(el("li", {}, [el("img", { src: `${base}/versions/${v.label}/thumbnail?size=96`, alt: "" }), el("span", { textContent: `${v.label} (${v.kind})` })]));
          }
          extra.push(attempts);
        }
        const server = result.ms && result.ms.total ? `, ${Math.round(result.ms.total)} ms in the turn` : "";
        extra.push(el("span", { className: "muted", textContent: `made ${version.label} in ${ms} ms${server}` }));
        say("reply", result.reply, extra);
        setCurrent(version.label);
        if (masked) {
          clearMask();
          showRegion(parent, version.label);
        }
      } else {
        // a conversation word ("undo that", "compare with the original") moved or answered
        const word = result.word ? result.head : null;
        if (word) extra.push(...wordLinks(result));
        extra.push(el("span", { className: "muted", textContent: word ? `now at ${word.label} (${ms} ms)` : `no version made (${ms} ms)` }));
        say("reply", result.reply, extra);
        if (word && (word.label !== current.dataset.version || ["undo", "redo", "original", "retry"].includes(result.word))) {
          setCurrent(word.label);
        }
        if (result.compare) $("#compare-link").href = compareHref(result.compare);
        if (result.question) {
          // the options as chips: a click answers; typing an answer works too
          asked = { instruction: result.question.instruction, references: refs };
          chipsTurn += 1;
          $("#chips").replaceChildren(...result.question.options.map((option) => {
            const chip = el("button", { type: "button", className: "chip", textContent: option, title: result.question.message });
            chip.addEventListener("click", () => send(option));
            return chip;
          }));
        }
      }
    }

    function compareHref(pair) {
      return `/ui/s/${sid}/compare?a=${encodeURIComponent(pair.a)}&b=${encodeURIComponent(pair.b)}`;
    }
    // "compare with the original": a link to the Compare view of v1 and the head;
    // "save it as a jpg": a link that downloads the head in that format
    function wordLinks(result) {
      const links = [];
      if (result.compare) {
        links.push(el("a", { href: compareHref(result.compare), textContent: `Compare ${result.compare.a} and ${result.compare.b}` }));
      }
      if (result.download) {
        const link = el("a", { href: result.download, textContent: `Download ${result.head.label}` });
        link.setAttribute("download", "");
        links.push(link);
      }
      return links;
    }

    turnForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const box = $("#instruction");
      const text = box.value;
      box.value = "";
      send(text);
    });
    $("#instruction").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); turnForm.requestSubmit(); }
    });
    $("#cancel").addEventListener("click", () => { if (runningJob) api("POST", `/api/jobs/${runningJob}/cancel`); });

    // -- the tree: checkout, undo, redo, branches --
    async function move(method, path, body) {
      try {
        const session = await api(method, path, body);
        setCurrent(session.head.label);
        return session;
      } catch (err) {
        say("reply error", err.message);
        return null;
      }
    }
    $("#tree").addEventListener("click", (event) => {
      const button = event.target.closest("button.version");
      if (button) move("POST", `${base}/checkout`, { ref: button.dataset.ref });
    });
    $("#undo").addEventListener("click", () => move("POST", `${base}/undo`));
    $("#redo").addEventListener("click", () => move("POST", `${base}/redo`));
    document.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z") return;
      const typing = event.target.closest("input, textarea, select, [contenteditable]");
      if (typing) return; // the text box keeps its own undo
      event.preventDefault();
      if (event.shiftKey) move("POST", `${base}/redo`);
      else move("POST", `${base}/undo`);
    });
    $("#branch-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const made = await move("POST", `${base}/branches`, { name: $("#branch-name").value.trim(), at: current.dataset.version });
      if (made) { $("#branch-name").value = ""; renameOptions(made.branches); }
    });
    function renameOptions(branches) {
      $("#rename-from").replaceChildren(...Object.keys(branches).map((name) => el("option", { textContent: name })));
    }
    $("#rename-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const from = encodeURIComponent($("#rename-from").value).replaceAll("%2F", "/");
      const made = await move("PATCH", `${base}/branches/${from}`, { name: $("#rename-to").value.trim() });
      if (made) { $("#rename-to").value = ""; renameOptions(made.branches); }
    });

    // -- characters --
    $("#character-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("#character-photo").files[0];
      const name = $("#character-name").value.trim();
      try {
        const made = await api("POST", `${base}/characters`, { name, photos: [{ name: file.name, data: await readDataURL(file) }] });
        say("reply", `${made.name} added (threshold ${made.threshold.toFixed(2)}): every new version is scored for ${made.name}.`);
        event.target.reset();
        const list = $("#character-list");
        if (!list.querySelector(".chip")) list.replaceChildren();
        list.append(el("span", { className: "chip static", textContent: made.name }));
        changed();
      } catch (err) {
        say("reply error", err.message);
      }
    });

    // -- guidelines --
    async function readGuideline() {
      const file = $("#guideline-file").files[0];
      if (!file) throw new Error("choose a guideline file (YAML) first");
      const files = {};
      for (const asset of $("#guideline-assets").files) files[asset.name] = await readDataURL(asset);
      return { yaml: await file.text(), files };
    }
    function criterionTable(evaluation) {
      const head = el("tr", {}, ["criterion", "result", "value", "target", "margin", "detail"].map((t) => el("th", { scope: "col", textContent: t })));
      const rows = evaluation.scores.map((s) => el("tr", {}, [
        el("td", { textContent: s.criterion }),
        el("td", { className: s.passed ? "pass" : "fail", textContent: s.passed ? "pass" : "FAIL" }),
        el("td", { textContent: s.value === null ? "-" : `${+s.value.toFixed(3)}${s.unit ? ` ${s.unit}` : ""}` }),
        el("td", { textContent: `${s.comparison} ${s.target === null ? "-" : +s.target.toFixed(3)}` }),
        el("td", { textContent: s.margin === null ? "-" : s.margin.toFixed(2) }),
        el("td", { textContent: s.detail }),
      ]));
      for (const skip of evaluation.skipped) {
        rows.push(el("tr", {}, [el("td", { textContent: skip.criterion }), el("td", { textContent: "skip" }), el("td"), el("td"), el("td"), el("td", { textContent: skip.reason })]));
      }
      const caption = el("caption", { textContent: `${evaluation.guideline} on ${current.dataset.version}: ${evaluation.passed ? "PASS" : "FAIL"}` });
      return el("table", { className: "criteria" }, [caption, el("thead", {}, [head]), el("tbody", {}, rows)]);
    }
    $("#guideline-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = $("#guideline-result");
      try {
        guideline = await readGuideline();
        out.replaceChildren(el("p", { textContent: "Checking…" }));
        const found = await api("POST", `${base}/versions/${current.dataset.version}/check`, { guidelines: guideline });
        out.replaceChildren(criterionTable(found));
      } catch (err) {
        out.replaceChildren(el("p", { className: "msg error", textContent: err.message }));
      }
    });
    $("#loop").addEventListener("change", async (event) => {
      if (!event.target.checked) return;
      try {
        guideline = await readGuideline();
      } catch (err) {
        event.target.checked = false;
        say("reply error", err.message);
      }
    });

    // -- backends: say why the chosen one cannot run --
    loadSuggestions();
    scrollLog();
  }

  // ------------------------------------------------------------------------------------------
  // compare page

  function initCompare() {
    const views = ["side", "slider", "blink", "heat"];
    let blinking = null;
    function show(mode) {
      for (const name of views) $(`#view-${name}`).hidden = name !== mode;
      clearInterval(blinking);
      blinking = null;
      if (mode === "blink") startBlink();
    }
    function startBlink() {
      const top = $("#blink-top");
      blinking = setInterval(() => {
        top.hidden = !top.hidden;
        $("#blink-showing").textContent = top.hidden ? $("#a").value : $("#b").value;
      }, 600);
      $("#blink-toggle").setAttribute("aria-pressed", "true");
      $("#blink-toggle").textContent = "Pause";
    }
    for (const radio of document.querySelectorAll("input[name=mode]")) {
      radio.addEventListener("change", () => show(radio.value));
    }
    $("#slider-position").addEventListener("input", (event) => {
      const at = Number(event.target.value);
      $("#slider-top").style.clipPath = `inset(0 ${100 - at}% 0 0)`;
      $("#slider-line").style.left = `${at}%`;
    });
    $("#blink-toggle").addEventListener("click", () => {
      if (blinking) {
        clearInterval(blinking);
        blinking = null;
        $("#blink-toggle").setAttribute("aria-pressed", "false");
        $("#blink-toggle").textContent = "Blink";
      } else {
        startBlink();
      }
    });
  }

  // Every backend and profile, the unavailable ones disabled with the reason.
  async function loadBackends() {
    const selects = document.querySelectorAll("select[data-backends]");
    if (!selects.length) return;
    let rows;
    try {
      rows = (await api("GET", "/api/backends")).backends;
    } catch (err) {
      for (const list of document.querySelectorAll("[data-backend-reasons]")) list.replaceChildren(el("li", { textContent: err.message }));
      return;
    }
    for (const select of selects) {
      const chosen = select.value;
      select.replaceChildren(...rows.map((row) => {
        const name = row.model.replace(/^gouache-/, "");
        return el("option", {
          value: row.model, disabled: !row.available, selected: row.model === chosen,
          textContent: row.available ? name : `${name} (unavailable)`,
        });
      }));
    }
    for (const list of document.querySelectorAll("[data-backend-reasons]")) {
      list.replaceChildren(...rows.map((row) => el("li", {}, [
        el("strong", { textContent: row.model.replace(/^gouache-/, "") }),
        `: ${row.available ? "available" : `unavailable: ${row.why}`}`,
      ])));
    }
  }

  const page = document.body.dataset.page;
  loadBackends();
  if (page === "start") initStart();
  else if (page === "session") initSession();
  else if (page === "compare") initCompare();
  else if (page === "arena") {
    // keys 1 to 4 press the vote buttons, in their order
    document.addEventListener("keydown", (event) => {
      const buttons = document.querySelectorAll("#vote-form button[name=winner]");
      const number = Number(event.key);
      if (number >= 1 && number <= buttons.length && !event.target.closest("input, textarea")) buttons[number - 1].click();
    });
  }
})();
