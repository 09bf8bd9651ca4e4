"""Benchmark ``policygen serve`` over real HTTP.

    make bench-web                                   # 500 schools, 20 clients for 30 s
    make bench-web BENCH_ARGS="--schools 100 --seconds 10"

It writes N synthetic schools (copies of the five examples under new names)
and an adviser account into a scratch folder, starts ``policygen serve`` on a
free loopback port with one warm LibreOffice worker, signs in, and measures:

1. the preview of one school (``/schools/<id>/policies/social-media/preview``);
2. the dashboard listing every school (N rows);
3. one school's DOCX and PDF with the warm worker (``.../download/<id>-social-media.pdf``
   builds both, as ``policygen build`` does);
4. ``--clients`` concurrent clients for ``--seconds`` seconds, each looping over
   the dashboard, a school page, a preview and the library browser; every
   answer must be 200.

Each of 1-3 is requested ``--repeat`` times after one warm-up request;
medians and 95th percentiles are reported (wall time at the client).
Results are printed and saved to bench/out/web.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import httpx
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["model-school", "roselands-stafford", "bradley-primary", "holtsmere-end", "flourish-federation"]
PASSWORD = "benchmark password"


def make_schools(folder: Path, count: int) -> list[str]:
    """Write ``count`` school files (copies of the examples, renamed) and return their ids."""
    schools = folder / "schools"
    shutil.copytree(ROOT / "schools" / "logos", schools / "logos")
    yaml = YAML()
    ids = []
    for i in range(count):
        base = EXAMPLES[i % len(EXAMPLES)]
        data = yaml.load((ROOT / "schools" / f"{base}.yaml").read_text())
        data["name"] = f"{data['name']} {i + 1}"
        school_id = f"{base}-{i + 1:04d}"
        with open(schools / f"{school_id}.yaml", "w") as out:
            yaml.dump(data, out)
        ids.append(school_id)
    return ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "median_ms": round(1000 * statistics.median(values), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1), "max_ms": round(1000 * max(values), 1)}


def sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    answer = client.post("/signin", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 200 and "Dashboard" in answer.text, answer.status_code
    return client


def timed(client: httpx.Client, path: str, repeat: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm-up (caches, the worker's first document)
    times = []
    for _ in range(repeat):
        begun = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - begun)
        assert answer.status_code == 200, (path, answer.status_code)
    return times


def load(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """Run ``clients`` signed-in clients for ``seconds``; return latencies and error count."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(n: int) -> None:
        client = sign_in(base)
        i = n
        try:
            while time.monotonic() < stop:
                path = paths[i % len(paths)]
                i += 1
                begun = time.perf_counter()
                try:
                    code = client.get(path).status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                elapsed = time.perf_counter() - begun
                with lock:
                    times.append(elapsed)
                    if code != 200:
                        errors.append(f"{path}: {code}")
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - begun
    return summary(times) | {"requests": len(times), "errors": len(errors), "first_errors": errors[:5],
                             "requests_per_s": round(len(times) / wall, 1), "clients": clients, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pdf-repeat", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    work = ROOT / "bench" / "out" / "web"
    shutil.rmtree(work, ignore_errors=True)
    (work / "tmp").mkdir(parents=True)
    ids = make_schools(work, args.schools)
    policygen = Path(sys.executable).with_name("policygen")
    subprocess.run([str(policygen), "users", "add", "bench", "--role", "adviser", "--password-stdin",
                    "--users-file", str(work / "users.yaml"), "--schools-dir", str(work / "schools")],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(policygen), "serve", "--port", str(port), "--library-dir", str(ROOT / "clauses"),
         "--schools-dir", str(work / "schools"), "--out", str(work / "out"), "--users-file", str(work / "users.yaml")],
        stdout=open(work / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
        env=os.environ | {"TMPDIR": str(work / "tmp")})
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/signin", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        school = ids[1]
        client = sign_in(base)
        try:
            results = {
                "schools": args.schools,
                "cpus": os.cpu_count(),
                "load_average_at_start": os.getloadavg(),
                "preview": summary(timed(client, f"/schools/{school}/policies/social-media/preview", args.repeat)),
                "dashboard": summary(timed(client, "/", args.repeat)),
                "docx_and_pdf_warm": summary(timed(
                    client, f"/schools/{school}/policies/social-media/download/{school}-social-media.pdf",
                    args.pdf_repeat)),
            }
        finally:
            client.close()
        paths = ["/", f"/schools/{ids[2]}", f"/schools/{ids[3]}/policies/social-media/preview", "/library/social-media"]
        results["concurrent"] = load(base, paths, args.clients, args.seconds)
        results["load_average_at_end"] = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
    print(json.dumps(results, indent=2))
    (ROOT / "bench" / "out" / "web.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
