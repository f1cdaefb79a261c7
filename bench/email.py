"""bench/email.py: mail over SMTP into a running hub. The code is in mail_load.py (see its docstring).

This file's name is the standard library's `email`. Running any script in bench/ puts this directory
first on the import path, so `import email` elsewhere would find this file: when imported rather than
run, it steps aside and hands the name to the standard library package. (A worker process that
re-runs the main script under the name __mp_main__ finds nothing to do here.)
"""

import importlib
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))  # the project root: `bench` is a package
    runpy.run_path(str(HERE / "mail_load.py"), run_name="__main__")
elif __name__ == "email":
    del sys.modules[__name__]
    sys.modules[__name__] = importlib.import_module(__name__)
