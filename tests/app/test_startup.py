"""Start-up stays quick: what `hub --help`, the early /healthz and `import hub.app` load, and what the warm-up loads.

Checks of which modules are loaded (in a fresh interpreter), never of timings: docs/performance.md has those."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Loaded when first needed or by the warm-up after start (hub.ops.warm_up), never by a command's start.
HEAVY = ("jieba", "pypinyin", "twilio", "wechatpy", "alembic", "bs4")


def _loaded_after(code: str, tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter has loaded once `code` ran, and the top-level packages they belong to."""
    out = tmp_path / "modules.json"
    script = f"import json, sys\n{code}\nopen({str(out)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(out.read_text()))
    return modules | {name.split(".")[0] for name in modules}


def test_help_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    code = "from hub.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    loaded = _loaded_after(code, tmp_path)
    assert "argparse" in loaded  # it did run
    assert not loaded & set(HEAVY), f"`hub --help` loads {sorted(loaded & set(HEAVY))}"
    assert "hub.app" not in loaded and "aiohttp_jinja2" not in loaded


def test_the_port_answers_before_the_app_is_imported(tmp_path: Path) -> None:
    """`hub serve` binds its port and answers /healthz with this module; the app loads behind it, in a thread."""
    loaded = _loaded_after("from hub.ops import early_health", tmp_path)
    assert "aiohttp" in loaded  # it did run
    early = {"hub.app", "hub.db.models", "socketio", "jinja2", "aiohttp_jinja2", *HEAVY}
    assert not loaded & early, f"the early server loads {sorted(loaded & early)}"


def test_the_server_module_leaves_the_dictionaries_to_the_warm_up(tmp_path: Path) -> None:
    loaded = _loaded_after("import hub.app", tmp_path)
    assert not loaded & {"jieba", "pypinyin", "wechatpy"}, sorted(loaded & {"jieba", "pypinyin", "wechatpy"})


def test_the_warm_up_loads_the_dictionaries_in_a_thread(tmp_path: Path) -> None:
    code = (
        "import gc, threading\n"
        "from hub.ops import warm_up\n"
        "warm_up.start()\n"
        "warm_up.start()  # once per process\n"
        "threads = [t for t in threading.enumerate() if t.name == 'hub-warm-up']\n"
        "assert len(threads) == 1, threads\n"
        "threads[0].join(120)\n"
        "assert gc.get_freeze_count() > 0  # the dictionaries stay out of the collector's full passes\n"
        "from hub.knowledge.text import tokens\n"
        "assert '退款' in tokens('我要退款')"
    )
    loaded = _loaded_after(code, tmp_path)
    assert {"jieba", "pypinyin"} <= loaded
