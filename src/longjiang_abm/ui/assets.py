"""The page's browser assets (JavaScript, CSS, fonts) on machines without cdn.jsdelivr.net.

Solara's page, and Vega-Lite for the charts, load their JavaScript through the Solara server,
which fetches each file once from cdn.jsdelivr.net and caches it in
``<environment>/share/solara/cdn/<package>@<version>/<path>`` (the layout of the npm packages).
Where that CDN is unreachable but the npm registry is not (firewalled clusters, CI), this
module fills the cache with the same packages, fetched with ``npm pack``:

    uv run python -m longjiang_abm.ui.assets           # fetch what is missing (needs npm)
    uv run python -m longjiang_abm.ui.assets --check   # only report; exit 1 if missing

Nothing happens when the files are cached already or the CDN is reachable (Solara then
fetches them itself).
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
    except (ImportError, OSError):
        return out
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
    p.add_argument("--force", action="store_true", help="fetch even if the CDN is reachable")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    todo = missing()
    if not todo:
        if not args.quiet:
            print(f"all browser assets are cached in {cache_dir()}")
        return 0
    if not args.force and cdn_reachable():
        if not args.quiet:
            print("cdn.jsdelivr.net is reachable: Solara fetches the browser assets itself")
        return 0
    if args.check:
        print("missing browser assets (and the CDN is unreachable): " + ", ".join(todo))
        return 1
    try:
        fetch(todo, quiet=args.quiet)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
