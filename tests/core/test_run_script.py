"""`make run` (scripts/run.sh): progress while it works, and the demo logins
as its last lines, after the development server's banner. Run against stand-ins
for Python and Celery, so the script's order is tested, not Django's start-up."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SEED_OUTPUT = """Loading directory …
Note (not an error): the seed documents hold 10 inconsistencies, kept as published
Loading accounts …
Demo accounts (password for each: demo-heslo-2024):
  admin       administrator   admin@demo.example.org
  urednik     city_officer    urednik@demo.example.org
Loading demo-reports …
Summary:
  core.AuditEntry: written 0
Demo data loaded.
"""

# The stand-in for .venv/bin/python: seed_demo prints SEED_OUTPUT, runserver
# listens on the port, prints Django's banner and stops once the script's
# readiness probe has connected.
FAKE_PYTHON = """#!/bin/bash
case "$*" in
  *seed_demo*) cat "$(dirname "$0")/seed_output.txt" ;;
  *runserver*)
    echo "Starting development server at http://$3/"
    echo "Quit the server with CONTROL-C."
    exec python3 -c "
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
host, port = sys.argv[1].rsplit(':', 1); s.bind((host, int(port))); s.listen(5)
s.settimeout(30); s.accept()" "$3" ;;
  *) ;;
esac
"""
FAKE_CELERY = "#!/bin/bash\nsleep 5\n"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _checkout(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("celery", FAKE_CELERY)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "seed_output.txt").write_text(SEED_OUTPUT)
    return tmp_path


def test_make_run_says_what_it_does_and_ends_with_the_demo_logins(tmp_path):
    checkout = _checkout(tmp_path)
    env = {**os.environ, "PORT": str(_free_port())}
    result = subprocess.run(["bash", str(checkout / "scripts" / "run.sh")],  # noqa: S603, S607
                            cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    banner = next(i for i, line in enumerate(lines) if "Starting development server" in line)
    logins = max(i for i, line in enumerate(lines) if line.startswith("Demo accounts"))
    assert banner < logins, lines  # the logins do not scroll away under the banner
    assert lines[-1] == f"Portal: http://127.0.0.1:{env['PORT']}/"
    assert lines[-3:-1] == ["  admin       administrator   admin@demo.example.org",
                            "  urednik     city_officer    urednik@demo.example.org"]
    assert any(line.startswith("==> Loading the demo data") and "minute" in line
               for line in lines), lines  # progress, with how long it takes
    assert any(line.startswith("Ready in ") for line in lines)
    assert (checkout / "var" / "seed_demo.log").read_text() == SEED_OUTPUT


def test_the_set_up_shows_its_progress_and_how_long_it_takes():
    script = (ROOT / "scripts" / "setup.sh").read_text()
    install = next(line for line in script.splitlines()
                   if "pip install" in line and "requirements/" in line)
    assert "--quiet" not in install  # 2¼ silent minutes before
    assert "minutes" in script and "$((SECONDS - started))" in script
