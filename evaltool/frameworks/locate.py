"""Where framework packs and rule sets are found: a file path, the bureau's folder, the package.

Why: a bureau adapts evaltool by writing its own YAML, never by editing files inside
site-packages (an upgrade would overwrite them). A framework reference is either a path to a
``.yaml`` file or an id looked up, in this order, in

1. ``$EVALTOOL_HOME/frameworks/`` (a bureau folder, e.g. on a shared drive),
2. ``<config folder>/frameworks/`` (``evaltool keygen``'s folder: ``$EVALTOOL_CONFIG_DIR``,
   ``%APPDATA%\\evaltool`` or ``~/.config/evaltool``),
3. the frameworks bundled with evaltool.

A bureau file with a bundled id shadows the bundled one (``evaltool frameworks`` says which
file is used). Rule sets (``rule_sets: [common, 本局规则]``) are looked up beside the framework
file first (``rules/<name>.yaml`` next to it), then in the same folders.

Example::

    from evaltool.frameworks.locate import find_framework
    find_framework("dept-overall")          # …/evaltool/frameworks/dept-overall.yaml
    find_framework("./本局框架.yaml")        # that file
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["BUNDLED", "SHARED", "config_dir", "search_dirs", "is_path_ref", "find_framework",
           "find_rule_set", "list_framework_files"]

#: The folder of the bundled framework packs.
BUNDLED = Path(__file__).resolve().parent
#: Shared data files beside the frameworks, not frameworks themselves.
SHARED = frozenset({"grades", "params", "rates"})


def config_dir() -> Path:
    """The evaltool config folder for this user (not created here)."""
    explicit = os.environ.get("EVALTOOL_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "evaltool"
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "evaltool"
    return Path.home() / ".config" / "evaltool"


def search_dirs() -> list[Path]:
    """Folders searched for ``<id>.yaml``, most specific first; the bundled folder is last."""
    dirs: list[Path] = []
    home = os.environ.get("EVALTOOL_HOME")
    if home:
        dirs.append(Path(home) / "frameworks")
    dirs.append(config_dir() / "frameworks")
    dirs.append(BUNDLED)
    return dirs


def is_path_ref(ref: str | os.PathLike[str]) -> bool:
    """True when ``ref`` names a file rather than an id (``x.yaml``, ``./x``, ``dir/x``)."""
    text = os.fspath(ref)
    return text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text


def find_framework(ref: str | os.PathLike[str]) -> Path | None:
    """The file a framework reference names, or None when no folder holds that id."""
    if is_path_ref(ref):
        return Path(ref)
    for d in search_dirs():
        p = d / f"{os.fspath(ref)}.yaml"
        if p.is_file() and p.stem not in SHARED:
            return p
    return None


def find_rule_set(name: str, beside: Path | None = None) -> Path | None:
    """``rules/<name>.yaml`` beside the framework file, else in the search folders."""
    dirs = ([beside] if beside is not None else []) + search_dirs()
    for d in dirs:
        p = d / "rules" / f"{name}.yaml"
        if p.is_file():
            return p
    return None


def list_framework_files() -> dict[str, Path]:
    """Every framework id found, mapped to the file used (bureau folders shadow bundled ids)."""
    found: dict[str, Path] = {}
    for d in reversed(search_dirs()):
        if d.is_dir():
            for p in sorted(d.glob("*.yaml")):
                if p.stem not in SHARED:
                    found[p.stem] = p
    return dict(sorted(found.items()))
