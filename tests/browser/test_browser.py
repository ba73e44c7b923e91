"""The course the way people use it: each chapter in JupyterLab, every explorer driven, every slide
presented with RISE, all in a real Chromium driven by Playwright.

    pytest -n 0 tests/browser/test_browser.py           # just these tests (about a minute a chapter)

What runs, for every instructor notebook ``notebooks/solutions/NN_*.ipynb`` and every Korean one
``notebooks/ko/solutions/NN_*.ipynb`` (test ids ``ko-NN_name``; found at run time, so a new chapter
is tested with no change here):

1. ``test_chapter_runs_clean_in_jupyterlab`` -- a temporary copy of ``notebooks/`` is served by
   JupyterLab on 127.0.0.1; the chapter is opened, *Run > Run All Cells* clicked, and once the kernel
   is idle the saved notebook must show every code cell run and no error output (except in cells
   tagged ``raises-exception``), and the browser console no errors.
2. ``test_every_explorer_redraws`` -- every explorer (a widget output holding controls) is found in
   the page; each control is moved as a user would (keyboard on slider handles, another option in a
   dropdown, a click on a checkbox ...) and the output it drives (the figure's image bytes or the
   text of its Output widget) must change, with no error in the kernel, the explorer or the console.
3. ``test_slides_fit_and_have_titles`` -- the executed chapter is opened as a RISE slideshow at
   1280x720; every slide and subslide is visited and must fit (no content past the slide's 1280x720,
   no code line cut off) and have a heading or continue a slide that has one.
   ``test_explorers_redraw_in_the_rise_slideshow`` -- in the same slideshow every explorer is live:
   on its slide each control is moved as a presenter would (a slider's handle dragged with the
   mouse) and the figure must redraw, with no error and without leaving the slide.
4. ``test_check_output_is_readable_in_the_dark_theme`` -- chapter 00's student copy run in
   JupyterLab Dark: the exercise boxes' text and marks and the explorer's readout reach 4.5:1.
5. ``test_rendered_edition_works_offline`` -- chapter 00 built by ``python -m course_lib.authoring.build`` and
   opened from disk: formulas typeset, the deck runs, nothing is fetched from the network.

Screenshots of every explorer step and every slide go to a temporary folder that failure messages
name. Needs the ``playwright`` Python package and Debian's ``chromium`` (never a browser downloaded
by Playwright); without them the tests skip saying what to install, or fail when
``COURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``, so CI never skips them). ``COURSE_CHROMIUM`` may
name another Chromium or Chrome executable.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted((NOTEBOOKS / "solutions").glob("[0-9][0-9]_*.ipynb"))
CHAPTERS += sorted((NOTEBOOKS / "ko" / "solutions").glob("[0-9][0-9]_*.ipynb"))   # the Korean edition

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("COURSE_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
               # no host name resolves, so nothing but our server on 127.0.0.1 can be reached:
               # the course must work offline, and the tests must not wait on the network
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
LAB_VIEWPORT = {"width": 1280, "height": 900}
SLIDE_W, SLIDE_H = 1280, 720          # the chapters' rise metadata and the projector we plan for
RUN_ALL_TIMEOUT = 600                 # s for Run All; a chapter should take ~20 s
REDRAW_TIMEOUT = 30                   # s for an explorer to redraw after a control moved
QUIET = 0.8                           # s the kernel must stay idle before we call it settled

# Browser console errors we accept, each for a precise reason; everything else fails a test.
# Each pattern is matched against "<message> @ <url of the script or resource>".
HARMLESS_CONSOLE: list[re.Pattern] = []      # JupyterLab itself logs no error

# In the RISE page only: jupyterlab-rise asks the server for optional per-notebook CSS files
# (rise.css, <notebook>.css) that the course does not ship, and Reveal's layout recursion logs
# "Maximum call stack size exceeded"; its reveal.js theme asks fonts.googleapis.com for fonts
# (unreachable here: it falls back to local fonts). None of it changes the slide layout measured.
HARMLESS_RISE_CONSOLE = HARMLESS_CONSOLE + [
    re.compile(r"^Failed to load resource: net::ERR_NAME_NOT_RESOLVED @ https://fonts\.googleapis\.com/"),
    re.compile(r"^Refused to apply style from 'http://127\.0\.0\.1:\d+/files/\S+\.css' because its "
               r"MIME type \('text/html'\) is not a supported stylesheet MIME type"),
    re.compile(r"^RangeError: Maximum call stack size exceeded @ "),
    # RISE's renderer turns the file paths in a saved traceback (a cell tagged raises-exception)
    # into links, asking the contents API whether each file exists; files outside the notebook
    # folder (ipykernel's cell files, course_lib's modules) answer 404.
    re.compile(r"^Failed to load resource: the server responded with a status of 404 \(Not Found\) "
               r"@ http://127\.0\.0\.1:\d+/api/contents/\S+\.py\?content=0&hash=0&\d+$"),
]
# An iopub message of type "error" on a kernel websocket: an exception in a cell or in a widget
# callback run inside an Output widget (frames are JSON or the v1 binary protocol; both carry the
# header as JSON text).
ERROR_FRAME = re.compile(rb'"msg_type":\s*"error"')
COMM_FRAME = re.compile(rb'"msg_type":\s*"comm_msg"')
TRACEBACK = "Traceback (most recent call last)"


# ---------------------------------------------------------------- tools: playwright, Chromium

def _missing_tools() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the Python package 'playwright' is not installed: pip install -r requirements.txt "
                "(or pip install playwright); do NOT run 'playwright install', the tests use the "
                "system Chromium")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM}: install Debian's package with "
                "'sudo apt-get install chromium' (or set COURSE_CHROMIUM to a Chromium/Chrome "
                "executable)")
    return None


@pytest.fixture(scope="session")
def tools():
    missing = _missing_tools()
    if missing:
        message = f"browser tests need a browser: {missing}"
        if REQUIRED:
            pytest.fail(message + " (COURSE_REQUIRE_BROWSER=1: not skipping)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """The folder that keeps every screenshot the tests take (named in failure messages)."""
    return tmp_path_factory.mktemp("browser-screenshots")


# ---------------------------------------------------------------- JupyterLab

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of notebooks/."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)    # the server and the kernels it started
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def lab(tools, tmp_path_factory):
    """JupyterLab with a token, no browser, no news or update checks, and its own config, data and
    runtime folders so that the user's settings and extensions' state don't leak in."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config = base / "config"
    (config / "labconfig").mkdir(parents=True)
    # JupyterLab (and RISE's page) read default setting overrides from <config dir>/labconfig
    # (jupyterlab_server's settings_utils._get_overrides): never fetch news, never check for
    # updates. In RISE: no slide transition, so a slide can be measured as soon as it is shown,
    # and no automatic selection of a new slide's first code cell, which comes 450 ms later and
    # pulls the show back to that slide if we have moved on; neither changes a slide's layout.
    (config / "labconfig" / "default_setting_overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                        "checkForUpdates": False},
        "jupyterlab-rise:plugin": {"transition": "none", "auto_select": "none"}}))
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(config / "lab" / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(config / "lab" / "workspaces"),
           # kernels import this checkout's course_lib and fail on a failing exercise check
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
           "COURSE_STRICT_CHECKS": "1"}
    # one BLAS thread, as the chapters' time budget assumes: the other pytest worker runs
    # notebooks at the same time, and two multi-threaded kernels on two cores crawl
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    port, token = _free_port(), secrets.token_hex(24)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "jupyterlab.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, root, log, process)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n"
                                   f"{server.log_tail()}")
            try:
                server.api("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within 120 s:\n"
                                       f"{server.log_tail()}") from None
                time.sleep(0.2)
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- Chromium

@pytest.fixture(scope="session")
def browser(tools):
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


class PageLog:
    """Console errors, page errors and kernel error messages seen by one page, in order."""

    def __init__(self, page, harmless):
        self.console: list[str] = []
        self.messages: list[str] = []        # every console message, for diagnosis
        self.kernel_errors: list[str] = []
        self.widget_traffic = [0, 0]         # comm messages sent to / received from the kernel
        self.harmless = harmless
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.on("websocket", self._on_websocket)

    def _on_console(self, message):
        text = f"{message.text} @ {(message.location or {}).get('url', '?')}"
        self.messages.append(f"{message.type}: {text}")
        if message.type == "error" and not any(p.search(text) for p in self.harmless):
            self.console.append(text)

    def _on_websocket(self, websocket):
        def as_bytes(payload) -> bytes:          # text frames come as str, binary ones as bytes
            return payload if isinstance(payload, (bytes, bytearray)) else payload.encode()

        def received(payload):
            data = as_bytes(payload)
            if ERROR_FRAME.search(data):
                self.kernel_errors.append(_error_summary(data))
            self.widget_traffic[1] += COMM_FRAME.search(data) is not None

        def sent(payload):
            self.widget_traffic[0] += COMM_FRAME.search(as_bytes(payload)) is not None
        websocket.on("framereceived", received)
        websocket.on("framesent", sent)

    def mark(self):
        return len(self.console), len(self.kernel_errors), *self.widget_traffic

    def since(self, mark):
        return self.console[mark[0]:], self.kernel_errors[mark[1]:]

    def traffic_since(self, mark) -> str:
        """How many widget (comm) messages went each way since `mark`, to tell a control that
        never told the kernel from a kernel that never answered."""
        sent, received = (now - then for now, then in zip(self.widget_traffic, mark[2:]))
        return f"the browser sent {sent} widget message(s) to the kernel and received {received}"


def _error_summary(data: bytes) -> str:
    """'ValueError: boom' from a kernel error message frame (best effort)."""
    text = data.decode("utf-8", errors="replace")
    ename = re.search(r'"ename":\s*"((?:[^"\\]|\\.)*)"', text)
    evalue = re.search(r'"evalue":\s*"((?:[^"\\]|\\.)*)"', text)
    if ename:
        return f"{ename.group(1)}: {evalue.group(1) if evalue else ''}"
    return text[:300]


# ---------------------------------------------------------------- one chapter in JupyterLab

_SETTLED_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return !prompts.some(p => p.textContent.includes('*'))
        && indicator !== null && indicator.dataset.status === 'idle';
}"""


def _wait_settled(page, timeout: float, quiet: float = QUIET):
    """Wait until no cell is queued or running and the kernel has been idle for `quiet` s."""
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if page.evaluate(_SETTLED_JS):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"the kernel was still busy after {timeout:.0f} s")


def _menu(page, top: str, item: str):
    page.click(f".lm-MenuBar-itemLabel:text-is('{top}')")
    page.click(f".lm-Menu-item:not(.lm-mod-disabled):has(.lm-Menu-itemLabel:text-is('{item}'))")


@dataclass
class ChapterRun:
    """A chapter opened and run in JupyterLab, shared by the tests of that chapter."""

    path: Path                  # the copy the server serves
    relpath: str                # its path relative to the server root
    page: object
    context: object
    log: PageLog
    saved: nbformat.NotebookNode | None = None
    run_error: str | None = None
    run_console: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def _chapter_id(path: Path) -> str:
    return f"ko-{path.stem}" if "ko" in path.parts else path.stem


@pytest.fixture(scope="module", params=CHAPTERS, ids=[_chapter_id(p) for p in CHAPTERS])
def chapter(request, lab, browser):
    """Open the chapter's instructor copy in JupyterLab, Run All, wait, save; yield a ChapterRun."""
    source: Path = request.param
    relpath = source.relative_to(NOTEBOOKS).as_posix()
    context = browser.new_context(viewport=LAB_VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    run = ChapterRun(lab.root / relpath, relpath, page, context, PageLog(page, HARMLESS_CONSOLE))
    try:
        start = time.monotonic()
        # /doc: JupyterLab's single-document mode (no side panels, so explorers get the width
        # they get on a slide); a workspace of its own and ?reset so no earlier tab is restored.
        page.goto(f"{lab.url}/doc/workspaces/{_chapter_id(source)}/tree/{relpath}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$")).wait_for()
        for attempt in range(2):
            # the menu command is ignored while the kernel connection is still being set up
            _menu(page, "Run", "Run All Cells")
            try:
                page.wait_for_function("""() => [...document.querySelectorAll(
                    '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].some(
                    p => /\\[[*0-9]+\\]/.test(p.textContent))""", timeout=15_000)
                break
            except Exception:
                if attempt:
                    raise
        _wait_settled(page, RUN_ALL_TIMEOUT)
        run.seconds["run all"] = time.monotonic() - start
        run.run_console = list(run.log.console)
        before = run.path.stat().st_mtime_ns
        _menu(page, "File", "Save Notebook")
        deadline = time.monotonic() + 60
        while run.path.stat().st_mtime_ns == before and time.monotonic() < deadline:
            page.wait_for_timeout(100)     # (not time.sleep: Playwright's events must flow)
        page.wait_for_timeout(300)
        run.saved = nbformat.read(run.path, as_version=4)
    except Exception as error:   # recorded; the chapter's tests report it
        run.run_error = f"{type(error).__name__}: {error}"
    try:
        yield run
    finally:
        context.close()
        for session in lab.api("GET", "/api/sessions") or []:   # free the kernel's memory
            lab.api("DELETE", f"/api/sessions/{session['id']}")


def _require_run(chapter: ChapterRun):
    if chapter.run_error or chapter.saved is None:
        pytest.fail(f"{chapter.relpath}: could not run it in JupyterLab: {chapter.run_error}",
                    pytrace=False)


def _first_line(cell) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0][:80] if lines else ""


# ---------------------------------------------------------------- 1. Run All

def test_chapter_runs_clean_in_jupyterlab(chapter: ChapterRun):
    _require_run(chapter)
    problems = []
    for index, cell in enumerate(chapter.saved.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        where = f"cell {index} ({_first_line(cell)!r})"
        if cell.execution_count is None:
            problems.append(f"{where} did not run (Run All stopped before it?)")
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        for output in cell.outputs:
            if output.output_type == "error" and not tagged:
                problems.append(f"{where} raised {output.ename}: {output.evalue}")
    problems += [f"browser console: {text}" for text in chapter.run_console]
    assert not problems, (f"{chapter.relpath} in JupyterLab (Run All took "
                          f"{chapter.seconds.get('run all', 0):.0f} s):\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------- 2. explorers

# A control is an ipywidgets view a user can change; explorers are the widget outputs holding one.
CONTROL_CLASSES = ["widget-slider", "widget-dropdown", "widget-select", "widget-checkbox",
                   "widget-toggle-buttons", "widget-radio", "widget-toggle-button",
                   "widget-button", "widget-text", "widget-textarea", "widget-play",
                   "widget-colorpicker", "widget-datepicker", "widget-datetimepicker",
                   "widget-timepicker", "widget-upload", "widget-controller"]

_MARK_EXPLORERS_JS = """(classes) => {
    const sel = classes.map(c => '.' + c).join(',');
    const explorers = [];
    document.querySelectorAll('.jp-Notebook .jp-Cell').forEach(cell => {
        cell.querySelectorAll(':scope .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')
            .forEach(out => {
                // controls: outermost matches, not inside an Output widget (those are outputs)
                const controls = [...out.querySelectorAll(sel)].filter(el =>
                    !el.parentElement.closest(sel) && !el.closest('.widget-output'));
                if (!out.querySelector('.jupyter-widgets') || controls.length === 0) return;
                const e = explorers.length;
                out.dataset.courseExplorer = e;
                explorers.push({explorer: e, cell: Number(cell.dataset.windowedListIndex),
                    controls: controls.map((el, k) => {
                        el.dataset.courseControl = k;
                        const label = el.querySelector('.widget-label');
                        return {index: k,
                                kind: classes.find(c => el.classList.contains(c)),
                                label: ((label && label.textContent) || el.textContent || '').trim().slice(0, 40)};
                    })});
            });
    });
    return explorers;
}"""

# What an explorer shows apart from its controls: its Output widgets (the figure's <img> with its
# base64 bytes, or text), else everything but the controls. Hashed, so polling stays cheap.
_FINGERPRINT_JS = """(root) => {
    let text;
    const outputs = [...root.querySelectorAll('.widget-output')].filter(o => !o.closest('[data-course-control]'));
    if (outputs.length) {
        text = outputs.map(o => o.innerHTML).join('\\n');
    } else {
        const copy = root.cloneNode(true);
        copy.querySelectorAll('[data-course-control]').forEach(c => c.remove());
        text = copy.innerHTML;
    }
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0).toString(16) + ':' + text.length;
}"""

_TRACEBACKS_JS = """(root) => [...root.querySelectorAll('.jp-OutputArea-output')]
    .map(o => o.textContent).filter(t => t.includes('%s')).map(t => t.slice(0, 600))""" % TRACEBACK


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:30] or "control"


class MoveFailed(Exception):
    """A control was moved but the move did something else as well (its message says what)."""


def _move(page, control, kind: str, attempt: int) -> str:
    """Change one control as a user would; attempt 1 makes a bigger move. Returns what was done."""
    if kind == "widget-slider":
        handle = control.locator(".noUi-handle").first
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        key = ["ArrowRight", "End"][attempt] if not at_max else ["ArrowLeft", "Home"][attempt]
        # The key moves the slider only if the handle still has the focus when the key goes
        # down. A press that left the handle where it was never reached the widget (the
        # harness lost the focus), so it is pressed again; the widget is judged on what it
        # does once it has moved. aria-valuetext holds the full value (aria-valuenow is
        # rounded to one decimal, so 0.9 -> 0.91 would look like no move).
        start = handle.get_attribute("aria-valuetext")
        for presses in range(1, 4):
            handle.press(key)                           # focuses the handle, then the key
            now = handle.get_attribute("aria-valuetext")
            if now != start:
                times = f" {presses} times" if presses > 1 else ""
                return f"pressed {key} on the slider handle{times} ({start} → {now})"
            page.wait_for_timeout(200)
        focus = page.evaluate("() => document.activeElement ? document.activeElement.outerHTML"
                              ".slice(0, 100) : 'nothing'")
        return (f"pressed {key} on the slider handle {presses} times but it stayed at {start} "
                f"(the focus was on {focus})")
    if kind in ("widget-dropdown", "widget-select"):
        select = control.locator("select").first
        options = select.locator("option").evaluate_all("os => os.map(o => [o.value, o.selected])")
        values = [v for v, _ in options]
        chosen = [v for v, s in options if s]
        if select.evaluate("s => s.multiple"):
            others = [v for v in values if v not in chosen]
            new = chosen + others[:1] if others else chosen[1:]
        else:
            current = values.index(chosen[0]) if chosen else -1
            new = [values[(current + 1 + attempt) % len(values)]]
        select.select_option(new)
        return f"selected {new}"
    if kind == "widget-checkbox":
        control.locator("input[type=checkbox]").first.click()
        return "clicked the checkbox"
    if kind == "widget-toggle-buttons":
        button = control.locator("button:not(.mod-active)").nth(attempt)
        button.click()
        return f"clicked {button.text_content()!r}"
    if kind == "widget-radio":
        radio = control.locator("input[type=radio]:not(:checked)").nth(attempt)
        radio.check()
        return "checked another radio button"
    if kind in ("widget-toggle-button", "widget-button"):
        control.locator("button").first.click() if control.locator("button").count() \
            else control.click()
        return "clicked the button"
    if kind == "widget-text" and control.locator("input[type=number]").count():
        box = control.locator("input[type=number]").first
        box.focus()
        page.keyboard.press("ArrowUp" if attempt == 0 else "PageUp")
        page.keyboard.press("Enter")
        return "stepped the number up"
    raise NotImplementedError(f"no driver for a {kind} control: add one to _move() in "
                              "tests/browser/test_browser.py")


def test_every_explorer_redraws(chapter: ChapterRun, shots):
    _require_run(chapter)
    page, name = chapter.page, _chapter_id(chapter.path)
    explorers = page.evaluate(_MARK_EXPLORERS_JS, CONTROL_CLASSES)
    assert explorers, f"{chapter.relpath}: no explorer (a widget with controls) found in the page"
    problems, start = [], time.monotonic()
    for explorer in explorers:
        root = page.locator(f"[data-course-explorer='{explorer['explorer']}']")
        root.scroll_into_view_if_needed()
        problems += _drive_explorer(page, root, explorer, chapter.log, shots / name, _move,
                                    lambda: _wait_settled(page, REDRAW_TIMEOUT))
    chapter.seconds["explorers"] = time.monotonic() - start
    assert not problems, (f"{chapter.relpath}: {len(problems)} explorer problem(s); screenshots "
                          f"in {shots}:\n  " + "\n  ".join(problems))


def _drive_explorer(page, root, explorer: dict, log: PageLog, shot_prefix: Path, move,
                    settle) -> list[str]:
    """Move every control of one explorer (marked by _MARK_EXPLORERS_JS, on screen) with
    `move(page, control, kind, attempt)`; after each move its output must change, then
    `settle()` waits for the kernel. Returns the problems seen; screenshots are saved as
    <shot_prefix>-explorer<N>-<step>-<control>.png."""
    problems = []
    where = f"explorer in cell {explorer['cell']}"
    shot_stem = f"{shot_prefix}-explorer{explorer['explorer']}"
    root.screenshot(path=f"{shot_stem}-0-start.png")
    seen = set(root.evaluate(_TRACEBACKS_JS))     # each traceback is reported once
    problems += [f"{where}: error output before any control moved:\n{text}" for text in seen]
    for control in explorer["controls"]:
        what = f"{where}, {control['kind'][7:]} {control['label']!r}"
        locator = root.locator(f"[data-course-control='{control['index']}']")
        mark = log.mark()
        changed, actions = False, []
        for attempt in range(2):
            before = root.evaluate(_FINGERPRINT_JS)
            try:
                actions.append(move(page, locator, control["kind"], attempt))
            except (NotImplementedError, MoveFailed) as error:
                problems.append(f"{what}: {error}")
                break
            try:
                page.wait_for_function(
                    f"([root, before]) => ({_FINGERPRINT_JS})(root) !== before",
                    arg=[root.element_handle(), before], timeout=REDRAW_TIMEOUT * 1000 / 2)
                changed = True
            except Exception:
                continue
            settle()
            # the redraw may come in steps (clear_output(wait=True), then the figure)
            while True:
                settled = root.evaluate(_FINGERPRINT_JS)
                page.wait_for_timeout(300)
                if root.evaluate(_FINGERPRINT_JS) == settled:
                    break
            break
        shot = Path(f"{shot_stem}-{control['index'] + 1}-{_slug(control['label'])}.png")
        root.screenshot(path=shot)
        if not changed and not any(p.startswith(what) for p in problems):
            problems.append(f"{what}: the output did not change after "
                            f"{' then '.join(actions)}; {log.traffic_since(mark)} "
                            f"(see {shot.name})")
        console, kernel = log.since(mark)
        problems += [f"{what}: kernel error {text}" for text in kernel]
        problems += [f"{what}: browser console: {text}" for text in console]
        problems += [f"{what}: error output in the explorer:\n{text}"
                     for text in root.evaluate(_TRACEBACKS_JS) if text not in seen]
        seen.update(root.evaluate(_TRACEBACKS_JS))
    return problems


# ---------------------------------------------------------------- 3. slides

# The leaves of the deck: [h, v] of every slide (v = 0) and subslide (v > 0).
_LEAVES_JS = """() => [...document.querySelectorAll('.reveal .slides > section')].flatMap((stack, h) => {
    const inner = stack.querySelectorAll(':scope > section');
    return inner.length ? [...inner].map((s, v) => [h, v]) : [[h, 0]];
})"""

# Measure the present slide against the slide area (Reveal's configured size, 1280x720).
_MEASURE_JS = """([h, v]) => {
    const area = document.querySelector('.reveal .slides');
    const stack = document.querySelectorAll('.reveal .slides > section')[h];
    const inner = stack.querySelectorAll(':scope > section');
    const slide = inner.length ? inner[v] : stack;
    const box = slide.getBoundingClientRect(), frame = area.getBoundingClientRect();
    const heading = s => { const e = s && s.querySelector(
        '.jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3, ' +
        '.jp-RenderedMarkdown h4, .jp-RenderedMarkdown h5, .jp-RenderedMarkdown h6');
        return e ? e.textContent.replace(/\\u00b6/g, '').trim() : null; };
    // content cut off inside the slide: a code line or an output wider than its scroll box
    const cut = [...slide.querySelectorAll('*')].filter(e => {
        if (!e.offsetParent) return false;
        const ox = getComputedStyle(e).overflowX;
        return (ox === 'auto' || ox === 'scroll' || ox === 'hidden') && e.scrollWidth > e.clientWidth + 2
            && e.clientWidth > 0;
    }).map(e => (e.closest('.jp-Cell') ? 'cell ' + e.closest('.jp-Cell').dataset.windowedListIndex + ': ' : '')
        + e.className.toString().split(' ')[0] + ' ' + e.scrollWidth + ' px wide in ' + e.clientWidth);
    return {present: slide.classList.contains('present'),
            width: area.offsetWidth, height: area.offsetHeight,
            scrollWidth: slide.scrollWidth, scrollHeight: slide.scrollHeight,
            top: box.top - frame.top, bottom: box.bottom - frame.top,
            left: box.left - frame.left, right: box.right - frame.left,
            scale: frame.height / area.offsetHeight,
            heading: heading(slide), stackHeading: heading(inner.length ? inner[0] : stack),
            cut: [...new Set(cut)]};
}"""

def _open_slideshow(chapter: ChapterRun, lab: Lab):
    page = chapter.context.new_page()
    page.set_viewport_size({"width": SLIDE_W, "height": SLIDE_H})
    page.set_default_timeout(60_000)
    log = PageLog(page, HARMLESS_RISE_CONSOLE)
    # jupyterlab-rise serves its standalone presenter at /rise/<path> (jupyterlab_rise/app.py);
    # JupyterLab's "Render as slides" (Alt+R) opens the same page in a panel.
    page.goto(f"{lab.url}/rise/{chapter.relpath}?token={lab.token}")
    page.wait_for_selector(".reveal.ready .slides section.present")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    return page, log


def _wait_stable_slide(page, leaf, timeout: float = 10.0):
    """Wait until the slide is present, in place (Reveal's transition is over) and its size has
    stopped changing (MathJax, images)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        m = page.evaluate(_MEASURE_JS, leaf)
        key = (m["present"], m["scrollHeight"], m["scrollWidth"], m["top"], m["left"])
        if m["present"] and key == last and page.evaluate(
                "() => [...document.querySelectorAll('.reveal section.present img')].every(i => i.complete)"):
            return m
        last = key
        page.wait_for_timeout(250)
    return page.evaluate(_MEASURE_JS, leaf)


def test_slides_fit_and_have_titles(chapter: ChapterRun, lab, shots):
    """Every slide and subslide fits 1280x720 and has a heading or continues a slide that has one.

    The slideshow shows the outputs of the Run All above, saved to the notebook: that is what an
    instructor presents (run the chapter, then Alt+R), and it puts every figure on its slide.
    """
    _require_run(chapter)
    start = time.monotonic()
    page, log = _open_slideshow(chapter, lab)
    try:
        name = _chapter_id(chapter.path)
        _wait_rise_widgets(chapter, page, log)      # measured with the explorers drawn
        leaves = page.evaluate(_LEAVES_JS)
        assert len(leaves) >= 2, f"{chapter.relpath}: the slideshow has {len(leaves)} slide(s)"
        problems, visited = [], []
        for h, v in leaves:
            for _ in range(3):    # Reveal follows the URL (history: true)
                page.evaluate(f"() => {{ location.hash = '#/{h}/{v}'; }}")
                m = _wait_stable_slide(page, [h, v], timeout=5)
                if m["present"]:
                    break
            shot = shots / f"{name}-slide-{h:02d}-{v:02d}.png"
            page.screenshot(path=shot)
            title = m["heading"] or (m["stackHeading"] and f"(under {m['stackHeading']!r})") or "?"
            where = f"slide {h}/{v} {title} ({shot.name})"
            if not m["present"]:
                shown = page.evaluate("() => [location.hash, [...document.querySelectorAll("
                                      "'.reveal .slides section.present')].map(s => s.id)]")
                problems.append(f"{where}: could not navigate to it (the show is at {shown})")
                continue
            visited.append((h, v))
            if m["scrollHeight"] > m["height"] + 1 or m["bottom"] > m["height"] * m["scale"] + 1 \
                    or m["top"] < -1:
                problems.append(f"{where}: {m['scrollHeight']} px tall, the slide has "
                                f"{m['height']} px")
            if m["scrollWidth"] > m["width"] + 1 or m["right"] > m["width"] * m["scale"] + 1:
                problems.append(f"{where}: {m['scrollWidth']} px wide, the slide has "
                                f"{m['width']} px")
            problems += [f"{where}: cut off: {c}" for c in m["cut"]]
            if not m["heading"] and not (v > 0 and m["stackHeading"]):
                problems.append(f"{where}: no heading, and it does not continue a titled slide")
        console = log.console
        problems += [f"browser console: {text}" for text in console]
        chapter.seconds["slides"] = time.monotonic() - start
        assert not problems, (f"{chapter.relpath}: {len(problems)} slide problem(s) at "
                              f"{SLIDE_W}x{SLIDE_H}; screenshots in {shots}:\n  "
                              + "\n  ".join(problems))
    finally:
        page.close()


# Widget outputs under `scope` that the widget manager has drawn (not a text repr, not "Error
# displaying widget: model not found", which is the output element's own text).
_DRAWN_WIDGETS_JS = """(scope) => document.querySelectorAll(scope + ' .jp-Cell-outputArea > '
    + '.jp-OutputArea-child > .jp-OutputArea-output:has(.jupyter-widgets)').length"""


def _manager_failed(log: PageLog) -> list[str]:
    """What the page logged if the ipywidgets manager could not be loaded."""
    return [m for m in log.messages
            if "Failed to create module: package: @jupyter-widgets/jupyterlab-manager" in m
            or m.startswith("error:") and "shared scope" in m]


def _wait_rise_widgets(chapter: ChapterRun, page, log: PageLog, timeout: float = 60):
    """Wait until the slideshow has drawn every widget that JupyterLab shows (the kernel's live
    widgets; the saved outputs of widgets it has closed, such as finished progress bars, have
    no model left to draw); fail, with the widget manager's error if it logged one, when not."""
    expected = chapter.page.evaluate(_DRAWN_WIDGETS_JS, ".jp-Notebook")
    start = time.monotonic()
    while True:
        drawn = page.evaluate(_DRAWN_WIDGETS_JS, ".reveal")
        if drawn >= expected or _manager_failed(log) or time.monotonic() - start > timeout:
            break
        page.wait_for_timeout(250)
    if drawn < expected:
        page.wait_for_timeout(500)     # the error that follows the manager's warning
        pytest.fail(f"{chapter.relpath}: the slideshow drew {drawn} of the {expected} widgets "
                    f"that JupyterLab shows, in {time.monotonic() - start:.0f} s"
                    + "".join(f"\n  {m}" for m in _manager_failed(log))
                    + "\n(the RISE app needs the labextension course-rise-widgets: "
                    "pip install -r requirements.txt)", pytrace=False)


# The deck's [h, v] whose slide holds the element marked data-course-explorer=N.
_LEAF_OF_JS = """(n) => {
    const root = document.querySelector(`[data-course-explorer='${n}']`);
    const stacks = [...document.querySelectorAll('.reveal .slides > section')];
    for (let h = 0; h < stacks.length; h++) {
        const inner = [...stacks[h].querySelectorAll(':scope > section')];
        if (!inner.length && stacks[h].contains(root)) return [h, 0];
        for (let v = 0; v < inner.length; v++) if (inner[v].contains(root)) return [h, v];
    }
    return null;
}"""


# Is the element on the slide (or subslide) shown now?
_ON_SHOWN_SLIDE_JS = """(e) => { const s = e.closest('section');
    return s !== null && s.classList.contains('present'); }"""


def _move_on_slide(page, control, kind: str, attempt: int) -> str:
    """Change one control as a presenter would: a slider's handle is dragged with the mouse
    (a quarter of its track, then to its far end); every other control as in JupyterLab. (On a
    slide the arrow keys, Home and End belong to the slideshow: they change the slide.) A move
    that changes the slide raises MoveFailed, after going back to the slide."""
    slide = page.evaluate("() => location.hash")
    done = _drag_slider(page, control, attempt) if kind == "widget-slider" else \
        _move(page, control, kind, attempt)
    if not control.evaluate(_ON_SHOWN_SLIDE_JS):
        now = page.evaluate("() => location.hash")
        page.evaluate(f"() => {{ location.hash = {json.dumps(slide)}; }}")
        page.wait_for_function(f"(e) => ({_ON_SHOWN_SLIDE_JS})(e)",
                               arg=control.element_handle(), timeout=10_000)
        raise MoveFailed(f"{done}, and that changed the slide from {slide} to {now}")
    return done


def _drag_slider(page, control, attempt: int) -> str:
    """Drag a slider's handle with the mouse: a quarter of its track, then to its far end."""
    handle = control.locator(".noUi-handle").first
    track = control.locator(".noUi-target").first
    start = handle.get_attribute("aria-valuetext")
    towards = -1 if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax") else 1
    h, t = handle.bounding_box(), track.bounding_box()
    x, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
    vertical = t["height"] > t["width"]
    length = t["height"] if vertical else t["width"]
    step = towards * (length / 4 if attempt == 0 else length)
    if vertical:      # a vertical slider grows upwards
        to = (x, min(max(y - step, t["y"] + 1), t["y"] + t["height"] - 1))
    else:
        to = (min(max(x + step, t["x"] + 1), t["x"] + t["width"] - 1), y)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(*to, steps=8)
    page.mouse.up()
    return (f"dragged the slider handle {to[0] - x:+.0f}, {to[1] - y:+.0f} px "
            f"({start} → {handle.get_attribute('aria-valuetext')})")


def _wait_kernels_idle(lab: Lab, page, timeout: float, quiet: float = QUIET):
    """Wait until the server has seen every kernel idle for `quiet` s (the slideshow shows no
    execution indicator to read)."""
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if all(k["execution_state"] == "idle" for k in lab.api("GET", "/api/kernels") or []):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"the kernel was still busy after {timeout:.0f} s")


def test_explorers_redraw_in_the_rise_slideshow(chapter: ChapterRun, lab, shots):
    """The explorers are live in the slideshow: each explorer's slide is shown, each control is
    moved there as a presenter would, and the figure must redraw (its image bytes change) with
    no error in the kernel, the explorer or the console, and the show must stay on that slide.

    As an instructor presents: the chapter was run in JupyterLab (the kernel holds the widgets),
    then the slideshow opened on the same kernel."""
    _require_run(chapter)
    page, log = _open_slideshow(chapter, lab)
    try:
        name = _chapter_id(chapter.path)
        _wait_rise_widgets(chapter, page, log)
        explorers = page.evaluate(_MARK_EXPLORERS_JS, CONTROL_CLASSES)
        assert explorers, f"{chapter.relpath}: no explorer (a widget with controls) on the slides"
        problems, start = [], time.monotonic()
        for explorer in explorers:
            h, v = page.evaluate(_LEAF_OF_JS, explorer["explorer"])
            page.evaluate(f"() => {{ location.hash = '#/{h}/{v}'; }}")
            if not _wait_stable_slide(page, [h, v])["present"]:
                problems.append(f"explorer in cell {explorer['cell']}: could not show its slide "
                                f"{h}/{v}")
                continue
            root = page.locator(f"[data-course-explorer='{explorer['explorer']}']")
            problems += _drive_explorer(page, root, explorer, log, shots / f"{name}-rise", _move_on_slide,
                                        lambda: _wait_kernels_idle(lab, page, REDRAW_TIMEOUT))
            if not page.evaluate(_MEASURE_JS, [h, v])["present"]:
                problems.append(f"explorer in cell {explorer['cell']}: moving its controls left its "
                                f"slide {h}/{v} (the show is at {page.evaluate('() => location.hash')})")
        chapter.seconds["rise explorers"] = time.monotonic() - start
        assert not problems, (f"{chapter.relpath} in the slideshow: {len(problems)} explorer "
                              f"problem(s); screenshots in {shots}:\n  " + "\n  ".join(problems))
    finally:
        page.close()


# ---------------------------------------------------------------- 4. the rendered edition, offline

# MathJax 2 checks whether web fonts load by asking for a font at about:blank; a file:// page may
# not, and says so. It is how MathJax works online too, and nothing is missing for it.
MATHJAX_FONT_PROBE = "about:blank"
_MATHJAX_DONE_JS = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue
    && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
    && document.querySelectorAll('script[type^="math/tex"]').length > 0"""
_FORMULAS_JS = """() => {
    const tex = [...document.querySelectorAll('script[type^="math/tex"]')];
    return {formulas: tex.length,
            typeset: tex.filter(s => s.previousElementSibling &&
                /MathJax(_Display)?$/.test(s.previousElementSibling.className)).length,
            errors: document.querySelectorAll('.MathJax_Error, merror').length};
}"""


# ---------------------------------------------------------------- 5. the dark theme

# For each exercise box (and each explorer readout line): its text colour, the colour of its mark,
# and the background actually behind them (the first ancestor with an opaque background).
_CONTRAST_JS = """() => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
        .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
                              return (x + 0.05) / (y + 0.05); };
    const behind = el => { for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); }
        return [255, 255, 255]; };
    const measure = (el, what) => ({what, text: el.textContent.trim().slice(0, 60),
        ratio: ratio(rgb(getComputedStyle(el).color).slice(0, 3), behind(el))});
    const found = [];
    document.querySelectorAll('.jp-Notebook .jp-OutputArea-output').forEach(out => {
        const box = out.querySelector('div[style*="border-left"]');
        if (box && /Not done yet|✔|✘/.test(box.textContent)) {
            found.push(measure(box, 'check text'));
            const mark = box.querySelector('b');
            if (mark) found.push(measure(mark, 'check mark'));
        }
        out.querySelectorAll('.widget-output pre').forEach(pre => {
            if (pre.textContent.startsWith('Figure')) found.push(measure(pre, 'explorer readout'));
        });
    });
    return {dark: document.body.dataset.jpThemeLight === 'false', found};
}"""


def _set_theme(page, name):
    page.click(".lm-MenuBar-itemLabel:text-is('Settings')")
    page.hover(".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Theme'))")
    page.click(f".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{name}'))")
    light = "true" if "Light" in name else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached", timeout=30_000)


def test_check_output_is_readable_in_the_dark_theme(lab, browser, shots):
    """Chapter 00's student copy in JupyterLab Dark: its untouched exercises show "not done yet";
    the text and the mark of each check box, and the explorer's text readout, must have a contrast
    of at least 4.5:1 against what is actually behind them."""
    relpath = CHAPTERS[0].name                     # the student version, at the server's root
    context = browser.new_context(viewport=LAB_VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{lab.url}/doc/workspaces/dark/tree/{relpath}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$")).wait_for()
        _set_theme(page, "JupyterLab Dark")
        try:
            for attempt in range(2):
                _menu(page, "Run", "Run All Cells")
                try:
                    page.wait_for_function("""() => [...document.querySelectorAll(
                        '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].some(
                        p => /\\[[*0-9]+\\]/.test(p.textContent))""", timeout=15_000)
                    break
                except Exception:
                    if attempt:
                        raise
            _wait_settled(page, RUN_ALL_TIMEOUT)
            page.wait_for_timeout(500)
            result = page.evaluate(_CONTRAST_JS)
            page.screenshot(path=str(shots / "dark_theme_00.png"), full_page=False)
        finally:
            _set_theme(page, "JupyterLab Light")      # the server's settings are shared
    finally:
        context.close()
        for session in lab.api("GET", "/api/sessions") or []:
            lab.api("DELETE", f"/api/sessions/{session['id']}")
    assert result["dark"], "the page is not in a dark theme"
    kinds = {m["what"] for m in result["found"]}
    assert {"check text", "check mark", "explorer readout"} <= kinds, result["found"]
    low = [m for m in result["found"] if m["ratio"] < 4.5]
    assert not low, f"contrast below 4.5:1 in JupyterLab Dark (screenshots in {shots}): {low}"


def test_rendered_edition_works_offline(browser, tmp_path_factory, shots):
    """Chapter 00 built by `python -m course_lib.authoring.build`, opened from disk with no network at all
    (the browser resolves no host): MathJax typesets every formula, reveal.js runs the deck, the
    explorer shows its picture, and nothing but files of the edition is asked for."""
    from course_lib.authoring import build
    out = tmp_path_factory.mktemp("edition")
    build.build(["00"], out=out, log=lambda *_: None)
    problems = []
    for name in ("solutions/00_start_here.html", "slides/00_start_here.slides.html"):
        page = browser.new_page(viewport={"width": SLIDE_W, "height": SLIDE_H})
        requests, failed, console = [], [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: console.append(f"page error: {error}"))
        try:
            page.goto((out / name).as_uri())
            try:
                page.wait_for_function(_MATHJAX_DONE_JS, timeout=30_000)
            except Exception:
                problems.append(f"{name}: MathJax did not typeset within 30 s")
            formulas = page.evaluate(_FORMULAS_JS)
            if formulas["typeset"] != formulas["formulas"] or formulas["errors"]:
                problems.append(f"{name}: MathJax typeset {formulas['typeset']} of "
                                f"{formulas['formulas']} formulas, {formulas['errors']} errors")
            pictures = page.evaluate("() => [...document.querySelectorAll('img')].filter("
                                     "i => i.src.startsWith('data:image/png') && i.naturalWidth > 300).length")
            if pictures != 1:
                problems.append(f"{name}: {pictures} explorer pictures shown, expected 1")
            if name.startswith("slides/"):
                try:
                    page.wait_for_selector(".reveal.ready", timeout=15_000)
                    first = page.evaluate("() => location.hash")
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(f"() => location.hash !== {json.dumps(first)}",
                                           timeout=5_000)
                except Exception:
                    problems.append(f"{name}: reveal.js did not start, or did not go to the "
                                    "next slide on the right arrow key")
            page.screenshot(path=shots / f"edition-{Path(name).stem}.png")
            problems += [f"{name} asked for {url}" for url in requests
                         if not url.startswith(("file://", "data:")) and url != MATHJAX_FONT_PROBE]
            problems += [f"{name}: {url} failed to load" for url in failed if url != MATHJAX_FONT_PROBE]
            problems += [f"{name}: browser console: {text}" for text in console
                         if MATHJAX_FONT_PROBE not in text
                         and not text.startswith("Failed to load resource")]   # listed as failed
        finally:
            page.close()
    assert not problems, "the rendered edition offline:\n  " + "\n  ".join(problems)
