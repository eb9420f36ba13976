"""POST /api/v1/checks over HTTP under gunicorn, against a bare Flask JSON endpoint served the same way.

    python -m bench.http                      # what ``make bench-http`` runs
    python -m bench.http --sizes 10 --duration 5 --rounds 6

For each N (10 and 1,000 agreements): generate the registry (``bench.generator``), load it into a
fresh SQLite file with the registry's own import (the same validation as the CLI), create a
user with an API token, then on 127.0.0.1 serve, each with the same gunicorn settings and all at once:

* the registry (``wsgi:app``), ``POST /api/v1/checks`` with the token;
* ``bench.ceiling_app``: the same question schema, checker and answer writer with nothing around them
  (no sign-in, no database per request): the best ratio this schema and checker allow; and on the same
  server, ``/question``, the schema alone ("schema" column: its ratio);
* ``bench.bare_app`` (parse a JSON body, answer a small JSON document): the baseline.

Each is loaded with the same tool (``wrk`` from Debian when installed, else a small keep-alive Python
client), the three taking turns for several rounds (who goes first rotates), so a swing in the machine's
speed falls on all alike: throughput passes (several connections, saturating the workers; the ratio is
taken within each round, then the median over rounds) and latency passes (one connection: p50/p99 of a
request when the server is not queueing). Questions are generated share questions, sent as JSON written
by ``ShareQuestionSchema``, rotated so each request asks something different. Every response is checked
to be a 200 before timing. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import orjson

from bench.generator import generate_questions, generate_registry

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SIZES = (10, 1000)
WORKERS = 2
THREADS = 4
CONNECTIONS = 8
DURATION_S = 3
ROUNDS = 4
QUESTIONS = 200
RATIO_TARGET = 0.6
P50_TARGET_MS = 2.0


@dataclass(frozen=True)
class Result:
    """What one load pass measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _prepare_registry(folder: Path, n_agreements: int) -> tuple[str, str, list[str]]:
    """A SQLite registry holding the generated agreements; returns (database URL, token, question bodies)."""
    url = f"sqlite:///{folder / 'registry.sqlite'}"
    os.environ["DATABASE_URL"] = url
    from registry import create_app, migrate
    from registry.extensions import db
    from registry.services.accounts import create_token, create_user
    from registry.services.importing import import_documents
    from schemas.files import AgreementHistory, RegistryDocument
    from schemas.question import ShareQuestionSchema

    synthetic = generate_registry(n_agreements)
    histories: dict[str, list[Any]] = {}
    for revision in synthetic.revisions:
        if revision.recorded_at.tzinfo is None:  # the generator's times are naive; the registry stores UTC
            revision = dataclasses.replace(revision, recorded_at=revision.recorded_at.replace(tzinfo=UTC))
        histories.setdefault(revision.agreement.id, []).append(revision)
    document = RegistryDocument(
        source=f"bench N={n_agreements}",
        organisations=synthetic.organisations,
        history=tuple(
            AgreementHistory(agreement_id, tuple(sorted(revisions, key=lambda r: r.revision)))
            for agreement_id, revisions in histories.items()
        ),
    )
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(db.engine)
        with db.session_scope() as session:
            import_documents(session=session, documents=[document], actor="bench")
        with db.session_scope() as session:
            user = create_user(
                session=session,
                email="bench@example.org",
                name="Bench",
                role="auditor",
                password="bench-password-long",
                actor="bench",
            )
            _, token = create_token(session=session, user_id=user.id, name="bench", actor="bench")
        db.engine.dispose()
    schema = ShareQuestionSchema()
    bodies = [json.dumps(schema.dump(q)) for q in generate_questions(synthetic, QUESTIONS)]
    return url, token, bodies


def _serve(target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        target,
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start for {target}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _post(port: int, path: str, body: str, headers: dict[str, str], timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(
    port: int, path: str, bodies: Sequence[str], headers: dict[str, str], connections: int, duration: int, folder: Path
) -> Result:
    lines = ["wrk.method = 'POST'"]
    for name, value in headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    lines.append("local bodies = {" + ",".join(json.dumps(b) for b in bodies) + "}")
    lines.append("local i = 0")
    lines.append("request = function() i = i % #bodies + 1; return wrk.format(nil, nil, nil, bodies[i]) end")
    script = folder / "post.lua"
    script.write_text("\n".join(lines), encoding="utf-8")
    threads = min(2, connections)
    output = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "-s",
            str(script),
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert found, output
        return float(found.group(1)) * _UNIT_MS[found.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    # "Socket errors: connect 0, read 0, write 0, timeout 3": every one of them is a failed request too.
    socket_errors = re.search(r"Socket errors:(.*)", output)
    failed = int(errors.group(1)) if errors else 0
    if socket_errors:
        failed += sum(int(number) for number in re.findall(r"\d+", socket_errors.group(1)))
    assert rps, output
    return Result(
        float(rps.group(1)),
        latency("50"),
        latency("99"),
        failed,
    )


def _python_client(
    port: int, path: str, bodies: Sequence[str], headers: dict[str, str], connections: int, duration: int
) -> Result:
    """Keep-alive connections in threads: the fallback when wrk is not installed (it loads the CPU more)."""
    samples: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.perf_counter() + duration

    def run(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        n = index
        while time.perf_counter() < stop_at:
            body = bodies[n % len(bodies)]
            n += connections
            start = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            samples[index].append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times = sorted(t for per in samples for t in per)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return Result(len(times) / elapsed, statistics.median(times), p99, sum(errors))


def _load(
    tool: str,
    port: int,
    path: str,
    bodies: Sequence[str],
    headers: dict[str, str],
    connections: int,
    duration: int,
    folder: Path,
) -> Result:
    if tool == "wrk":
        return _wrk(port, path, bodies, headers, connections, duration, folder)
    return _python_client(port, path, bodies, headers, connections, duration)


@dataclass(frozen=True)
class Served:
    """One app under gunicorn, ready for load."""

    label: str
    process: subprocess.Popen[bytes]
    port: int
    path: str
    headers: dict[str, str]


def _cpu_ticks(pid: int) -> int:
    """CPU time (clock ticks) used so far by a gunicorn master and its workers (Linux ``/proc``)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _wait_until_idle(process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Wait until every worker has finished starting (compiling the registry uses a core for seconds)."""
    if not Path("/proc").is_dir():
        time.sleep(5)
        return
    deadline = time.monotonic() + timeout
    before = _cpu_ticks(process.pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        after = _cpu_ticks(process.pid)
        if after - before <= 2:  # under 4 % of one core over half a second
            return
        before = after


def _start(
    label: str, target: str, path: str, bodies: Sequence[str], headers: dict[str, str], env: dict[str, str]
) -> Served:
    port = _free_port()
    server = _serve(target, port, env)
    try:
        # Each worker compiles the registry before its first request (gunicorn.conf.py): wait for all of them.
        started = time.perf_counter()
        _post(port, path, bodies[0], headers, timeout=600)
        _wait_until_idle(server)
        ready = time.perf_counter() - started
        for body in bodies[:40]:  # warm up, and make sure every answer is a 200
            status, payload = _post(port, path, body, headers)
            if status != 200:
                raise RuntimeError(f"{target} answered {status}: {payload[:300]!r}")
    except BaseException:
        _stop(server)
        raise
    if ready > 1:
        print(f"  ({label}: ready {ready:.1f} s after start-up)")
    return Served(label, server, port, path, headers)


def _rounds(
    servers: Sequence[Served],
    bodies: Sequence[str],
    tool: str,
    connections: int,
    rounds: int,
    duration: int,
    folder: Path,
) -> dict[str, list[Result]]:
    """Load each server in turn, ``rounds`` times, rotating who goes first, so a swing in the machine's speed
    falls on all of them alike."""
    results: dict[str, list[Result]] = {served.label: [] for served in servers}
    for index in range(rounds):
        shift = index % len(servers)
        for served in [*servers[shift:], *servers[:shift]]:
            results[served.label].append(
                _load(tool, served.port, served.path, bodies, served.headers, connections, duration, folder)
            )
    return results


def _ratio(throughput: dict[str, list[Result]], label: str) -> float:
    """``label``'s throughput over the bare endpoint's in each round (loaded one after the other), then the
    median over rounds."""
    return statistics.median(
        mine.requests_per_second / bare.requests_per_second
        for mine, bare in zip(throughput[label], throughput["bare"], strict=True)
    )


def _median_result(results: Sequence[Result]) -> Result:
    return Result(
        statistics.median(r.requests_per_second for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.errors for r in results),
    )


def _breakdown(url: str, token: str, bodies: Sequence[str], calls: int = 400) -> dict[str, float]:
    """Where a check's time goes inside one process, in microseconds per call (median of the calls)."""
    from agreements.checker import check_share
    from registry import create_app
    from registry.extensions import db
    from registry.services.accounts import sign_in_by_token
    from schemas.question import ShareQuestionSchema, answer_document

    app = create_app({"DATABASE_URL": url})
    question_schema = ShareQuestionSchema()
    raw = [json.loads(body) for body in bodies]
    timings: dict[str, float] = {}

    def time_it(name: str, call: Any) -> None:
        samples = []
        for index in range(calls):
            start = time.perf_counter_ns()
            call(index % len(raw))
            samples.append(time.perf_counter_ns() - start)
        timings[name] = statistics.median(samples[calls // 4 :]) / 1000

    with app.app_context():
        snapshot = db.snapshots.get(db.session)
        questions = [question_schema.load(item) for item in raw]
        answers = [check_share(q, snapshot) for q in questions]

        def sign_in(_: int) -> None:
            with db.engine.connect() as connection:
                sign_in_by_token(connection=connection, token=token)

        time_it("token + registry version", sign_in)
        time_it("question load (schema)", lambda i: question_schema.load(raw[i]))
        time_it("checker (decision)", lambda i: check_share(questions[i], snapshot))
        # A fresh answer each time: the checker works out an answer's explanation lazily, when it is written.
        time_it("checker + explanation", lambda i: check_share(questions[i], snapshot).evaluations)
        timings["explanation"] = timings.pop("checker + explanation") - timings["checker (decision)"]
        time_it("answer document", lambda i: answer_document(answers[i]))
        time_it("document + JSON text", lambda i: orjson.dumps(answer_document(answers[i])))
        timings["answer to JSON text"] = timings.pop("document + JSON text") - timings["answer document"]
        timings["answer size (bytes)"] = statistics.mean(len(orjson.dumps(answer_document(a))) for a in answers)
        # After a write every worker rebuilds its snapshot on its next check: in full, and as the cache does it.
        from registry.services.agreements import save_agreement
        from registry.services.checking import SnapshotCache

        started = time.perf_counter()
        SnapshotCache().get(db.session)
        timings["full snapshot build (ms)"] = (time.perf_counter() - started) * 1000
        latest = snapshot.latest_revision(sorted(snapshot.histories)[0])
        assert latest is not None
        save_agreement(
            session=db.session,
            agreement=dataclasses.replace(latest.agreement, title=latest.agreement.title + " (amended)"),
            actor="bench",
            change_note="bench: one amendment",
        )
        started = time.perf_counter()
        db.snapshots.get(db.session)
        timings["rebuild after one amendment (ms)"] = (time.perf_counter() - started) * 1000
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    time_it("whole request in process", lambda i: client.post("/api/v1/checks", data=bodies[i], headers=headers))
    from bench.bare_app import app as bare

    bare_client = bare.test_client()
    time_it("bare request in process", lambda i: bare_client.post("/echo", data=bodies[i], headers=headers))
    db_engine = app.extensions["registry.db"]
    db_engine.dispose()
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--duration", type=int, default=DURATION_S, help="seconds per load pass")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="throughput passes per server")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args(argv)
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    print(
        f"gunicorn gthread: {WORKERS} workers x {THREADS} threads on {HOST}; load tool: {tool}; "
        f"{args.rounds} throughput passes of {CONNECTIONS} connections and {max(1, args.rounds // 2)} latency "
        f"passes of 1 connection per server, {args.duration} s each, the servers taking turns; "
        f"{os.cpu_count()} CPUs (load tool and server share them)"
    )
    print()
    header = (
        f"{'N':>6} | {'checks rps':>10} {'bare rps':>9} {'ratio':>6} | {'ceiling':>8} {'ratio':>6} {'schema':>7} | "
        f"{'checks p50':>10} {'p99':>8} | {'bare p50':>8} {'p99':>8} | {'c=8 p50':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    failures = []
    breakdowns: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="isa-bench-") as tmp:
            folder = Path(tmp)
            url, token, bodies = _prepare_registry(folder, n)
            env = {**os.environ, "DATABASE_URL": url, "REGISTRY_DATA_DIR": str(folder)}
            json_only = {"Content-Type": "application/json"}
            servers: list[Served] = []
            try:
                servers.append(
                    _start(
                        "checks",
                        "wsgi:app",
                        "/api/v1/checks",
                        bodies,
                        {**json_only, "Authorization": f"Bearer {token}"},
                        env,
                    )
                )
                ceiling_server = _start("ceiling", "bench.ceiling_app:app", "/check", bodies, json_only, env)
                servers.append(ceiling_server)
                # The same server, another route: only the question schema.
                servers.append(dataclasses.replace(ceiling_server, label="schema only", path="/question"))
                servers.append(_start("bare", "bench.bare_app:app", "/echo", bodies, json_only, env))
                throughput = _rounds(servers, bodies, tool, CONNECTIONS, args.rounds, args.duration, folder)
                latency = _rounds(servers, bodies, tool, 1, max(1, args.rounds // 2), args.duration, folder)
            finally:
                for process in {id(served.process): served.process for served in servers}.values():
                    _stop(process)
            breakdowns[n] = _breakdown(url, token, bodies)
        ratio, ceiling_ratio, schema_ratio = (
            _ratio(throughput, label) for label in ("checks", "ceiling", "schema only")
        )
        checks, ceiling, bare = (_median_result(throughput[label]) for label in ("checks", "ceiling", "bare"))
        checks_latency, bare_latency = (_median_result(latency[label]) for label in ("checks", "bare"))
        errors = sum(r.errors for results in (*throughput.values(), *latency.values()) for r in results)
        print(
            f"{n:>6} | {checks.requests_per_second:>10.0f} {bare.requests_per_second:>9.0f} {ratio:>6.2f} | "
            f"{ceiling.requests_per_second:>8.0f} {ceiling_ratio:>6.2f} {schema_ratio:>7.2f} | "
            f"{checks_latency.p50_ms:>8.2f}ms {checks_latency.p99_ms:>6.2f}ms | "
            f"{bare_latency.p50_ms:>6.2f}ms {bare_latency.p99_ms:>6.2f}ms | {checks.p50_ms:>6.2f}ms {errors:>6}"
        )
        if ratio < RATIO_TARGET:
            failures.append(f"N={n}: throughput ratio {ratio:.2f} < {RATIO_TARGET} (ceiling {ceiling_ratio:.2f})")
        if checks_latency.p50_ms > P50_TARGET_MS:
            failures.append(f"N={n}: p50 {checks_latency.p50_ms:.2f} ms > {P50_TARGET_MS} ms")
        if errors:
            failures.append(f"N={n}: {errors} non-200 answers")
    print()
    print("Where a check's time goes, in one process (median us per call):")
    names = list(next(iter(breakdowns.values())))
    print(f"{'':>28}" + "".join(f"{'N=' + str(n):>10}" for n in breakdowns))
    for name in names:
        print(f"{name:>28}" + "".join(f"{breakdowns[n][name]:>10.0f}" for n in breakdowns))
    print()
    print(f"targets: throughput >= {RATIO_TARGET} of the bare endpoint; p50 <= {P50_TARGET_MS} ms (1 connection)")
    for failure in failures:
        print(f"MISSED {failure}")
    if not failures:
        print("all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
