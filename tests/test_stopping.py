"""Stop signals, delivered for real to a Python process of their own: where they are raised, and what is restored.

Each case runs a short script in a fresh interpreter, so the signal it
sends itself can never reach pytest.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from conftest import ROOT


def run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_signal_inside_checkpoints_waits_for_a_check_and_runs_the_stops_meanwhile():
    """Sent while the main thread holds a lock, the signal is not raised there; the stops run in another thread."""
    done = run("""
        import os, signal, threading
        from generator import stopping
        from generator.errors import Interrupted

        lock = threading.Lock()
        stopped_in = []
        with stopping.install():
            try:
                with stopping.checkpoints() as stops:
                    stops.on_stop(lambda: stopped_in.append(threading.current_thread().name))
                    with lock:
                        os.kill(os.getpid(), signal.SIGTERM)
                        for _ in range(100_000):  # the handler runs between these steps, and must not raise
                            pass
                        held = lock.locked()
                    print("held through the signal", held)
                    stopping.check()
                    print("not stopped at the check")
            except Interrupted as stop:
                print("interrupted by", signal.Signals(stop.signum).name, "lock taken:", lock.locked())
        print("stops ran in", stopped_in)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["held through the signal True", "interrupted by SIGTERM lock taken: False",
                                        "stops ran in ['policygen-stop']"], done.stdout


def test_a_signal_after_the_last_check_still_stops_at_the_end_of_the_block():
    done = run("""
        import os, signal
        from generator import stopping
        from generator.errors import Interrupted

        with stopping.install():
            try:
                with stopping.checkpoints():
                    os.kill(os.getpid(), signal.SIGHUP)
                    print("the block went on")
            except Interrupted as stop:
                print("interrupted by", signal.Signals(stop.signum).name)
    """)
    assert done.stdout.splitlines() == ["the block went on", "interrupted by SIGHUP"], (done.stdout, done.stderr)


def test_main_puts_the_previous_signal_handlers_back():
    """After ``main()`` in process (as tests run it), SIGTERM ends the process and Ctrl-C is KeyboardInterrupt again."""
    done = run("""
        import os, signal, sys
        from generator.cli import main

        before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        sys.argv = ["policygen", "--help"]
        try:
            main()
        except SystemExit:
            pass
        print("restored", all(signal.getsignal(s) is h for s, h in before.items()))
        try:
            os.kill(os.getpid(), signal.SIGINT)
            print("no KeyboardInterrupt")
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGTERM)
        print("still running after SIGTERM")
    """)
    assert done.stdout.splitlines()[-2:] == ["restored True", "KeyboardInterrupt"], (done.stdout, done.stderr)
    assert done.returncode == -signal.SIGTERM, (done.returncode, done.stdout, done.stderr)


def test_main_puts_the_handlers_back_when_the_command_fails():
    done = run("""
        import signal, sys
        from generator.cli import main

        sys.argv = ["policygen", "build", "--no-such-option"]
        try:
            main()
        except SystemExit as exc:
            print("exit", exc.code)
        print("SIGTERM default", signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    """)
    assert done.stdout.splitlines()[-2:] == ["exit 2", "SIGTERM default True"], (done.stdout, done.stderr)
