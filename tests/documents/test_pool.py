"""The rendering pool's processes end with the app process, also when it is killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

APP = """
import os, sys
from conference.documents import pool

if __name__ == "__main__":
    pdfs = list(pool.render_in_parallel(["<p>eins</p>", "<p>zwei</p>", "<p>drei</p>"], {}))
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    print("rendered", flush=True)
    sys.stdin.read()  # until the test kills it
"""


def descendants(pid: int) -> set[int]:
    children = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(child) for child in (task / "children").read_text().split()}
    return children | {grandchild for child in children for grandchild in descendants(child)}


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_the_forkserver_resource_tracker_and_workers_end_when_the_app_is_killed(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    with subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True
    ) as app:
        try:
            assert app.stdout.readline().strip() == "rendered"
            helpers = descendants(app.pid)
            assert len(helpers) >= 3  # the resource tracker, the forkserver and at least one worker

            os.kill(app.pid, signal.SIGKILL)
            app.wait()
            deadline = time.monotonic() + 10
            while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [pid for pid in helpers if alive(pid)] == []
        finally:
            try:
                os.killpg(app.pid, signal.SIGKILL)  # whatever is left of its process group, should the test fail
            except ProcessLookupError:
                pass
