"""The page's browser assets (JavaScript, CSS, fonts), offline on a fresh clone.

Solara's page, and Vega-Lite for the charts, load their JavaScript through the Solara server
from ``<environment>/share/solara/cdn/<package>@<version>/<path>`` (the layout of the npm
packages), fetching a missing file from cdn.jsdelivr.net. The project depends on
``solara-assets``, the package Solara publishes for offline use, which installs that folder
with every file Solara's page asks for by exact version (the Vuetify app, RequireJS,
Font Awesome, mermaid@10.8.0 for Markdown, and Vega, Vega-Lite and vega-embed). Solara's
Vega-Lite widget asks for *ranges* (``vega@5``, ``vega-lite@5``, ``vega-embed@6``):
``prepare()``, which ``longjiang ui`` calls at every start, fills each range folder from the
packaged version of the same major release, so the page needs no network at all. Only if a
future Solara asks for something the package lacks, and the CDN is unreachable, does it fall
back to ``npm pack`` (the npm registry):

    uv run python -m longjiang_abm.ui.assets           # what ``longjiang ui`` does at start
    uv run python -m longjiang_abm.ui.assets --check   # only report; exit 1 if missing
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEFAULTS = {  # cache folder (as requested by the page) -> a file that must be in it
    "@widgetti/solara-vuetify-app@10.1.1": "dist/solara-vuetify-app8.min.js",
    "font-awesome@4.5.0": "css/font-awesome.min.css",
    "requirejs@2.3.6": "require.js",
    "vega@5": "build/vega.min.js",
    "vega-lite@5": "build/vega-lite.min.js",
    "vega-embed@6": "build/vega-embed.min.js",
    "mermaid@10.8.0": "dist/mermaid.min.js",
}


def required() -> dict[str, str]:
    """The folders the installed Solara's page asks for (read from its template and its
    Vega-Lite widget, falling back to the versions of Solara 1.64)."""
    out = dict(DEFAULTS)
    try:
        import ipywidgets
        import solara

        root = Path(solara.__file__).parent
        major = ipywidgets.__version__.split(".")[0]
        template = (root / "server" / "templates" / "solara.html.j2").read_text()
        vega = (root / "widgets" / "vue" / "vegalite.vue").read_text()
        markdown = (root / "components" / "markdown.py").read_text()
    except (ImportError, OSError):
        return out
    mermaid = re.search(r"/(mermaid@[\w.\-]+)/(dist/[\w.\-]+\.js)", markdown)
    if mermaid:
        out = {k: v for k, v in out.items() if not k.startswith("mermaid@")}
        out[mermaid.group(1)] = mermaid.group(2)
    app = re.search(r"@widgetti/solara-vuetify-app@([\w.\-]+)/", template)
    if app:
        out.pop("@widgetti/solara-vuetify-app@10.1.1")
        out[f"@widgetti/solara-vuetify-app@{app.group(1)}"] = (
            f"dist/solara-vuetify-app{major}.min.js"
        )
    req = re.search(r"requirejs@([\w.\-]+)/require\.js", template)
    if req:
        out.pop("requirejs@2.3.6")
        out[f"requirejs@{req.group(1)}"] = "require.js"
    for name in ("vega", "vega-lite", "vega-embed"):
        m = re.search(rf"/({re.escape(name)}@[\w.\-]+)/(build/[\w.\-]+\.js)", vega)
        if m:
            out = {k: v for k, v in out.items() if not k.startswith(f"{name}@")}
            out[m.group(1)] = m.group(2)
    return out


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def missing() -> list[str]:
    """Folders whose probe file is not in the cache."""
    root = cache_dir()
    return [folder for folder, probe in required().items() if not (root / folder / probe).is_file()]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def alias_packaged(folders: list[str]) -> list[str]:
    """Fill range folders (``vega@5``) from an exact packaged version of the same major
    release (``vega@5.21.0``, from solara-assets), newest first; returns those filled."""
    root = cache_dir()
    done = []
    for folder in folders:
        name, _, spec = folder.rpartition("@")
        if not name or not re.fullmatch(r"\d+", spec):
            continue  # an exact version: nothing to alias
        probe = required().get(folder, "")
        candidates = sorted(
            (
                d
                for d in root.glob(f"{name}@{spec}.*")
                if d.is_dir() and (not probe or (d / probe).is_file())
            ),
            key=lambda d: _version(d.name.rpartition("@")[2]),
            reverse=True,
        )
        if not candidates:
            continue
        dest = root / folder
        staged = root / f".{dest.name}.new"
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(candidates[0], staged)
        shutil.rmtree(dest, ignore_errors=True)
        staged.rename(dest)
        done.append(f"{folder} <- {candidates[0].name}")
    return done


def prepare(quiet: bool = True) -> list[str]:
    """Make every asset the page asks for available locally (packaged, then npm if the CDN
    is unreachable); returns what is still missing (empty: the page works offline)."""
    for line in alias_packaged(missing()):
        if not quiet:
            print(f"cached {line}")
    todo = missing()
    if todo and not cdn_reachable():
        try:
            fetch(todo, quiet=quiet)
        except RuntimeError as exc:
            if not quiet:
                print(f"error: {exc}", file=sys.stderr)
    return missing()


def cdn_reachable(timeout: float = 3.0) -> bool:
    import requests
    import solara.settings

    try:
        url = str(solara.settings.assets.cdn).rstrip("/") + "/requirejs@2.3.6/require.js"
        return requests.head(url, timeout=timeout, allow_redirects=True).ok
    except requests.RequestException:
        return False


def _spec(folder: str) -> str:
    return folder  # the folder names are npm specs: name@version-or-range


def fetch(folders: list[str], quiet: bool = False) -> None:
    """``npm pack`` each package and unpack it into its cache folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: cannot fetch " + ", ".join(folders))
    root = cache_dir()
    for folder in folders:
        with tempfile.TemporaryDirectory() as tmp:
            res = subprocess.run(
                [npm, "pack", _spec(folder), "--silent"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            tgz = sorted(Path(tmp).glob("*.tgz"))
            if res.returncode != 0 or not tgz:
                raise RuntimeError(f"npm pack {_spec(folder)} failed: {res.stderr.strip()}")
            with tarfile.open(tgz[0]) as tar:
                tar.extractall(Path(tmp) / "x", filter="data")
            src = Path(tmp) / "x" / "package"
            dest = root / folder
            dest.parent.mkdir(parents=True, exist_ok=True)
            staged = dest.parent / f".{dest.name}.new"
            shutil.rmtree(staged, ignore_errors=True)
            shutil.copytree(src, staged)
            shutil.rmtree(dest, ignore_errors=True)
            staged.rename(dest)
        if not quiet:
            print(f"cached {folder} in {dest}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m longjiang_abm.ui.assets", description=__doc__)
    p.add_argument("--check", action="store_true", help="only report what is missing")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.check:
        todo = missing()
        if todo:
            print("missing browser assets: " + ", ".join(todo))
            return 1
        if not args.quiet:
            print(f"all browser assets are in {cache_dir()}")
        return 0
    todo = prepare(quiet=args.quiet)
    if todo:
        print("error: browser assets still missing: " + ", ".join(todo), file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"all browser assets are in {cache_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
