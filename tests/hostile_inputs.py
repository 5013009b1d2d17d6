"""Hostile input against every command: at least 150 cases, each expected to end in one clear
line and exit status 2 (``verify`` of a damaged folder: 1), with no traceback and no file
outside the output folder lost or changed.

``cases(work)`` builds the cases in folder ``work``; ``run_case`` runs one through
``cli.main`` in this process (argparse errors count as clean: exit 2, usage and one error
line); ``report(work)`` runs them all. ``python tests/hostile_inputs.py`` prints the report
(docs/reliability.md quotes it); tests/test_hostile_inputs.py asserts it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from longjiang_abm import cli
from longjiang_abm.params import PolicyLevers, Scenario

SMALL = ["--firms", "100", "--years", "1", "--quiet"]


@dataclass
class Case:
    name: str
    argv: list[str]
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ()  # must appear in the message
    status: int = 2
    out: str = "out"  # the output folder (changes there are not losses)


def _write(rel: str, text: str | bytes) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        p = work / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode())

    return setup


def _both(*setups) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        for s in setups:
            s(work)

    return setup


def _bounds(f) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in f.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    return lo, hi


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def scenario_value_cases() -> list[Case]:
    """Every numeric parameter above its upper bound; every int given as a bool and a
    string, every float as a string."""
    out = []
    for sec, f in Scenario.model_fields.items():
        ann = f.annotation
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)) or sec == "tables":
            continue
        model = PolicyLevers if sec == "policy" else ann
        for key, fld in model.model_fields.items():
            if fld.annotation not in (int, float):
                continue
            lo, hi = _bounds(fld)
            above = hi + max(abs(hi), 1) if fld.annotation is float else int(hi) + 1
            for label, value in [("above", above), ("string", str(lo))]:
                out.append(
                    Case(
                        f"scenario {sec}.{key} {label}",
                        ["run", "bad.toml", *SMALL],
                        _write("bad.toml", f"[{sec}]\n{key} = {_toml(value)}\n"),
                        words=("bad.toml", f"{sec}.{key}"),
                    )
                )
            if fld.annotation is int:
                out.append(
                    Case(
                        f"scenario {sec}.{key} bool",
                        ["run", "bad.toml", *SMALL],
                        _write("bad.toml", f"[{sec}]\n{key} = true\n"),
                        words=("bad.toml", f"{sec}.{key}"),
                    )
                )
    return out


DEEP = 100_000


def structure_cases() -> list[Case]:
    deep_array = "x = " + "[" * DEEP + "]" * DEEP + "\n"
    deep_inline = "x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n"
    deep_table = "[" + ".".join(["a"] * 5000) + "]\n"
    texts = {
        "nested arrays": deep_array,
        "nested inline tables": deep_inline,
        "deep table header": deep_table,
        "syntax error": "[policy\nownership_neutrality = 1\n",
        "binary": b"\x00\xff\xfe\x80" * 100,
        "latin-1": 'name = "caf\xe9"\n'.encode("latin-1"),
        "unknown section": "[polcy]\nx = 1\n",
        "unknown key": "[policy]\nneutrality = 1\n",
        "name is a path": 'name = "../../x"\n',
        "name empty": 'name = ""\n',
        "schedule out of order": (
            "[[policy.schedule]]\nyear = 2023\nsme_support = 1\n"
            "[[policy.schedule]]\nyear = 2021\nsme_support = 1\n"
        ),
        "schedule year a string": '[[policy.schedule]]\nyear = "2021"\n',
        "section as a value": "policy = 3\n",
        "backend unknown": '[run]\nbackend = "gpu"\n',
        "bool as a string": '[firms]\nshare_shock_laplace = "off"\n',
        "float as a string": '[policy]\nownership_neutrality = "0.5"\n',
        "nan": "[policy]\nownership_neutrality = nan\n",
        "inf": "[fiscal]\nvat_rate = inf\n",
    }
    out = []
    for label, text in texts.items():
        for cmd in ("run", "validate"):
            out.append(Case(f"{cmd}: {label}", [cmd, "bad.toml"], _write("bad.toml", text)))
    out += [
        Case("run: missing file", ["run", "missing.toml", *SMALL], words=("missing.toml",)),
        Case("run: a folder", ["run", "folder", *SMALL], lambda w: (w / "folder").mkdir()),
        Case("run: a FIFO", ["run", "fifo.toml", *SMALL], lambda w: os.mkfifo(w / "fifo.toml")),
    ]
    return out


def option_cases() -> list[Case]:
    sets = [
        "x",
        "=1",
        "policy.=1",
        "run.years=abc",
        "run.years=true",
        "run.years=1.5",
        "policy.ownership_neutrality=[1]",
        "policy.ownership_neutrality=2",
        "name=../../x",
        "policy.ownership_neutrality.x=1",
        "run.years.x=1",
        "nosuch.key=1",
    ]
    out = [Case(f"--set {s}", ["run", *SMALL, "--set", s]) for s in sets]
    for seed in ("-1", str(2**63), str(2**64), "abc", "1e3"):
        out.append(Case(f"--seed {seed}", ["run", *SMALL, "--seed", seed]))
    for years in ("0", "51", "-3"):
        out.append(Case(f"--years {years}", ["run", "--firms", "100", "--years", years]))
    for firms in ("0", "100000000", "-1"):
        out.append(Case(f"--firms {firms}", ["run", "--years", "1", "--firms", firms]))
    return out


def output_cases() -> list[Case]:
    thesis = _write("mine/thesis.tex", "my thesis\n")
    return [
        Case("--out /dev/null", ["run", *SMALL, "--out", "/dev/null"], out="/dev/null"),
        Case("--out /proc", ["run", *SMALL, "--out", "/proc/longjiang"]),
        Case("--out /sys", ["run", *SMALL, "--out", "/sys/longjiang"]),
        Case("--out a file", ["run", *SMALL, "--out", "f"], _write("f", "keep\n"), out="-"),
        Case("--out below a file", ["run", *SMALL, "--out", "f/x"], _write("f", "keep\n")),
        Case(
            "--overwrite a folder of other files",
            ["run", *SMALL, "--out", "mine", "--overwrite"],
            thesis,
            out="-",
        ),
        Case("--overwrite .", ["run", *SMALL, "--out", ".", "--overwrite"], thesis, out="-"),
        Case("--out a folder of other files", ["run", *SMALL, "--out", "mine"], thesis, out="-"),
    ]


def table_cases() -> list[Case]:
    from longjiang_abm.table_checks import table_source

    def tables(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
        def setup(work: Path) -> None:
            text = table_source(name, None)[1].decode()
            (work / "t").mkdir(exist_ok=True)
            (work / "t" / name).write_text(edit(text))
            (work / "s.toml").write_text('[tables]\ndir = "t"\n')

        return setup

    def column(name: str, col: str, value: str) -> Callable[[str], str]:
        def edit(text: str) -> str:
            lines = text.splitlines()
            i = lines[0].split(",").index(col)
            row = lines[1].split(",")
            row[i] = value
            lines[1] = ",".join(row)
            return "\n".join(lines) + "\n"

        return edit

    def scenario_dir(d: str) -> Callable[[Path], None]:
        return _write("s.toml", f"[tables]\ndir = {json.dumps(d)}\n")

    def fifo(work: Path) -> None:
        (work / "t").mkdir()
        os.mkfifo(work / "t" / "sectors.csv")
        (work / "s.toml").write_text('[tables]\ndir = "t"\n')

    run_s = ["run", "s.toml", *SMALL]
    out = [
        Case("tables dir /etc", run_s, scenario_dir("/etc")),
        Case("tables dir empty", run_s, _both(scenario_dir("e"), lambda w: (w / "e").mkdir())),
        Case("tables dir missing", run_s, scenario_dir("nowhere")),
        Case("tables dir a file", run_s, _both(scenario_dir("f"), _write("f", "x"))),
        Case("tables: a FIFO as sectors.csv", run_s, fifo),
        Case("tables: unknown file", run_s, _both(scenario_dir("t"), _write("t/extra.csv", "a\n"))),
    ]
    bad_values = [
        ("sectors.csv", "rev_per_worker", "1e-300"),
        ("sectors.csv", "rev_per_worker", "1e300"),
        ("sectors.csv", "capital_output", "1e300"),
        ("sectors.csv", "va_ratio", "nan"),
        ("sectors.csv", "firm_share", "0.9"),
        ("sectors.csv", "stage", "cooked"),
        ("sectors.csv", "key", ""),
        ("prefectures.csv", "wage_index", "1e308"),
        ("prefectures.csv", "lat", "200"),
        ("parks.csv", "land_capacity", "1e308"),
        ("parks.csv", "prefecture", "atlantis"),
        ("backbone_firms.csv", "annual_revenue_100m", "1e300"),
        ("backbone_firms.csv", "sector", "nothing"),
    ]
    for name, col, value in bad_values:
        out.append(
            Case(f"tables: {name} {col}={value}", run_s, tables(name, column(name, col, value)))
        )
    out.append(Case("tables: empty sectors.csv", run_s, tables("sectors.csv", lambda t: "")))
    out.append(
        Case(
            "tables: sectors.csv header only",
            run_s,
            tables("sectors.csv", lambda t: t.splitlines()[0] + "\n"),
        )
    )
    return out


SWEEP = (
    '[sweep]\ndesign = "grid"\nyears = 1\nfirms = 100\n'
    '[factors]\n"policy.sme_support" = [0.0, 1.0]\n'
)


def sweep_cases() -> list[Case]:
    def sweep_file(text: str) -> Callable[[Path], None]:
        return _write("sw.toml", text)

    bodies = {
        "nested": "x = " + "[" * DEEP + "]" * DEEP + "\n",
        "unknown section": SWEEP.replace("[sweep]", "[swep]"),
        "factor out of range": SWEEP.replace("[0.0, 1.0]", "[0.0, 7.0]"),
        "unknown factor": SWEEP.replace("policy.sme_support", "policy.nothing"),
        "design unknown": SWEEP.replace('"grid"', '"random"'),
        "levels a string": SWEEP.replace("[0.0, 1.0]", '"0, 1"'),
        "shell in numba_cache_dir": SWEEP + '[cluster]\nnumba_cache_dir = "$(touch pwned)"\n',
        "shell in queue": SWEEP + '[cluster]\nqueue = "debug; touch pwned"\n',
        "shell in job_extra": SWEEP + '[cluster]\njob_extra = ["--x=`touch pwned`"]\n',
        "newline in account": SWEEP + '[cluster]\naccount = "a\\ntouch pwned"\n',
        "years a bool": SWEEP.replace("years = 1", "years = true"),
        "run_timeout_s negative": SWEEP.replace("years = 1", "years = 1\nrun_timeout_s = -1"),
        "run_timeout_s a string": SWEEP.replace("years = 1", 'years = 1\nrun_timeout_s = "60"'),
        "run_timeout_s above a week": SWEEP.replace("years = 1", "years = 1\nrun_timeout_s = 1e9"),
        "run_timeout_s huge": SWEEP.replace("years = 1", "years = 1\nrun_timeout_s = 99999999999"),
        "check_accounts a string": SWEEP.replace("years = 1", 'years = 1\ncheck_accounts = "on"'),
    }
    out = [
        Case(f"sweep: {k}", ["sweep", "sw.toml", "--quiet", "--out", "o"], sweep_file(v), out="o")
        for k, v in bodies.items()
    ]
    ok = sweep_file(SWEEP)
    for label, extra in [
        ("--workers 0", ["--workers", "0"]),
        ("--executor serial --workers 2", ["--executor", "serial", "--workers", "2"]),
        ("--executor dask without --scheduler", ["--executor", "dask"]),
        ("--scheduler without dask", ["--scheduler", "tcp://127.0.0.1:1"]),
        ("--cores 0", ["--executor", "slurm", "--cores", "0"]),
        ("--queue with shell", ["--executor", "slurm", "--queue", "a;b"]),
    ]:
        out.append(
            Case(
                f"sweep {label}", ["sweep", "sw.toml", "--quiet", "--out", "o", *extra], ok, out="o"
            )
        )
    out.append(Case("sweep: missing file", ["sweep", "none.toml", "--quiet"]))
    out.append(
        Case(
            "sweep: --out a file",
            ["sweep", "sw.toml", "--quiet", "--out", "f"],
            _both(ok, _write("f", "keep\n")),
            out="-",
        )
    )
    return out


def analyze_cases() -> list[Case]:
    def manifest(text: str) -> Callable[[Path], None]:
        return _write("sw/manifest.json", text)

    nested = "[" * DEEP + "]" * DEEP
    out = [
        Case("analyze: missing folder", ["analyze", "nowhere"]),
        Case("analyze: a file", ["analyze", "f"], _write("f", "x")),
        Case("analyze: nested manifest", ["analyze", "sw"], manifest(nested)),
        Case("analyze: manifest not JSON", ["analyze", "sw"], manifest("{not json")),
        Case("analyze: manifest a list", ["analyze", "sw"], manifest("[1, 2]")),
        Case("analyze: manifest empty", ["analyze", "sw"], manifest("")),
        Case("verify: missing folder", ["verify", "nowhere"]),
        Case("verify: nested manifest", ["verify", "sw"], manifest(nested), status=1),
        Case("verify: nested run.json", ["verify", "r"], _write("r/run.json", nested), status=1),
    ]
    return out


def validate_cases() -> list[Case]:
    return [
        Case("validate --out a file", ["validate", "--out", "f"], _write("f", "keep\n"), out="-"),
        Case("validate --seeds 0", ["validate", "--seeds", "0"]),
        Case("validate --years 3", ["validate", "--years", "3"]),
        Case("validate --firms 5", ["validate", "--firms", "5"]),
        Case("validate --set bad", ["validate", "--set", "policy.sme_support=9"]),
        Case("validate missing scenario", ["validate", "missing.toml"]),
    ]


def bench_cases() -> list[Case]:
    return [
        Case("bench --json /nonexistent", ["bench", "--json", "/nonexistent/x.json"]),
        Case("bench --json a folder", ["bench", "--json", "d"], lambda w: (w / "d").mkdir()),
        Case("bench --figure /nonexistent", ["bench", "--figure", "/nonexistent/x.png"]),
        Case("bench --json /proc", ["bench", "--json", "/proc/x.json"]),
        Case("bench --sizes abc", ["bench", "--sizes", "abc"]),
        Case("bench --sizes 5", ["bench", "--sizes", "5"]),
        Case("bench --sizes empty", ["bench", "--sizes", ","]),
        Case("bench --threads 999", ["bench", "--threads", "999"]),
        Case("bench --kernels 3", ["bench", "--kernels", "3"]),
    ]


def ui_cases(port: int) -> list[Case]:
    bad_params = _write("p/bad.toml", "[policy]\nownership_neutrality = 3\n")
    envs = [
        ({"LONGJIANG_UI_FIRMS": "abc"}, "LONGJIANG_UI_FIRMS"),
        ({"LONGJIANG_UI_FIRMS": "-1"}, "LONGJIANG_UI_FIRMS"),
        ({"LONGJIANG_UI_FIRMS": "1000000000"}, "LONGJIANG_UI_FIRMS"),
        ({"LONGJIANG_UI_MAX_FIRMS": "x"}, "LONGJIANG_UI_MAX_FIRMS"),
        ({"LONGJIANG_UI_MAX_SESSIONS": "0"}, "LONGJIANG_UI_MAX_SESSIONS"),
        ({"LONGJIANG_UI_IDLE_SECONDS": "-1"}, "LONGJIANG_UI_IDLE_SECONDS"),
        ({"LONGJIANG_PARAMS_DIR": "/nonexistent"}, "LONGJIANG_PARAMS_DIR"),
    ]
    ui = ["ui", "--port", str(port)]  # a busy port: a case wrongly accepted would not serve
    out = [
        Case(f"ui ${next(iter(e))}={next(iter(e.values()))}", ui, env=e, words=(w,))
        for e, w in envs
    ]
    out.append(
        Case(
            "ui: a bad scenario file",
            ui,
            bad_params,
            env={"LONGJIANG_PARAMS_DIR": "p"},
            words=("bad.toml",),
        )
    )
    out.append(Case("ui --port 70000", ["ui", "--port", "70000"]))
    out.append(Case("ui --port -1", ["ui", "--port", "-1"]))
    return out


def cases(port: int) -> list[Case]:
    return (
        scenario_value_cases()
        + structure_cases()
        + option_cases()
        + output_cases()
        + table_cases()
        + sweep_cases()
        + analyze_cases()
        + validate_cases()
        + bench_cases()
        + ui_cases(port)
    )


def snapshot(folder: Path, skip: Path | None) -> dict[str, str]:
    out = {}
    for p in folder.rglob("*"):
        if skip is not None and (p == skip or skip in p.parents):
            continue
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@contextlib.contextmanager
def _environment(env: dict[str, str], cwd: Path):
    old_env = {k: os.environ.get(k) for k in env}
    old_cwd = Path.cwd()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_case(case: Case, work: Path) -> dict:
    """Run ``case`` in a fresh folder under ``work``; what happened."""
    folder = Path(tempfile.mkdtemp(dir=work))
    if case.setup is not None:
        case.setup(folder)
    skip = None if case.out == "-" else (folder / case.out)
    before = snapshot(folder, skip)
    err, outs = io.StringIO(), io.StringIO()
    tb = False
    with _environment(case.env, folder), contextlib.redirect_stderr(err):
        with contextlib.redirect_stdout(outs):
            try:
                status = cli.main(case.argv)
            except SystemExit as exc:  # argparse: usage and one error line
                status = exc.code if isinstance(exc.code, int) else 1
            except BaseException as exc:  # noqa: BLE001 - a traceback is what we count
                status, tb = None, True
                err.write(f"Traceback: {type(exc).__name__}: {exc}"[:500])
    text = err.getvalue()
    tb = tb or "Traceback" in text
    lines = [x for x in text.splitlines() if x.strip()]
    if lines and lines[0].startswith("usage:"):  # argparse: usage, then one error line
        lines = [x for x in lines if ": error:" in x]
    after = snapshot(folder, skip)
    lost = sorted(k for k in before if after.get(k) != before[k])
    ok = (
        not tb
        and status == case.status
        and not lost
        and (len(lines) == 1 or case.status == 1)
        and all(w in text + outs.getvalue() for w in case.words)
        and not (folder / "pwned").exists()
    )
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "name": case.name,
        "status": status,
        "traceback": tb,
        "lost": lost,
        "ok": ok,
        "message": text.strip()[:300],
    }


@contextlib.contextmanager
def _tmpfs(work: Path, options: str):
    """A small tmpfs mounted at a folder of ``work`` (root only); None if it cannot be."""
    where = work / f"mnt-{options.replace(',', '-').replace('=', '')}"
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield None
        return
    p = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if p.returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def mount_cases(work: Path, stack: contextlib.ExitStack) -> tuple[list[Case], list[str]]:
    """A read-only file system and a full one as --out (where tmpfs can be mounted)."""
    got, skipped = [], []
    for label, options in [("read-only", "ro,size=1m"), ("full", "size=64k")]:
        where = stack.enter_context(_tmpfs(work, options))
        if where is None:
            skipped.append(f"--out on a {label} file system: cannot mount a tmpfs here")
            continue
        got.append(
            Case(f"--out on a {label} file system", ["run", *SMALL, "--out", str(where / "o")])
        )
    return got, skipped


def report(work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        extra, skipped = mount_cases(work, stack)
        with socket.socket() as busy:  # ui cases: if one were accepted it would not serve
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            results = [run_case(c, work) for c in cases(busy.getsockname()[1]) + extra]
    commands = sorted({r["name"].split(" ")[0].split(":")[0] for r in results})
    return {
        "tried": len(results),
        "clear_error": sum(r["ok"] for r in results),
        "tracebacks": sum(r["traceback"] for r in results),
        "files_lost": sum(len(r["lost"]) for r in results),
        "not_ok": [r for r in results if not r["ok"]],
        "skipped": skipped,
        "commands": commands,
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        rep = report(Path(d))
    for r in rep["not_ok"]:
        print("NOT OK", r, file=sys.stderr)
    print(json.dumps({k: v for k, v in rep.items() if k != "not_ok"}, indent=1))
