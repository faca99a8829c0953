"""House rules that keep the app fast and the core reusable."""
import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "core").rglob("*.py")
                 if "streamlit" in _imports(p)]
    assert offenders == [], f"core/ must stay plain Python; streamlit imported in {offenders}"


def test_home_page_does_not_import_heavy_libraries():
    # A fresh interpreter renders the home page; torch & co. must not be loaded for it,
    # so the first page appears fast (they are imported lazily by the pages that need them).
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "print(sorted(m for m in ('torch', 'shap', 'lime', 'fairlearn', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
