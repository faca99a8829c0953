"""Security checks: uploads are stored by content hash and only ever parsed as text, a file
name or path cannot leave the uploads folder, and nothing in the code base unpickles or
executes stored bytes."""
import ast
import hashlib
import pickle
from pathlib import Path

import pytest

from core import settings
from core.data import DatasetRef, load
from core.errors import DataError, LayerLabError

ROOT = Path(__file__).resolve().parents[2]
CSV = b"x,y,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n"


def test_an_upload_is_stored_under_the_hash_of_its_content_whatever_its_name():
    from core.data import ingest_csv

    ref = ingest_csv(CSV, "../../../etc/cron.d/evil.csv")
    path = Path(ref.path)
    assert path.parent == settings.uploads_dir()
    assert path.name == hashlib.sha256(path.read_bytes()).hexdigest() + ".csv"
    assert ref.name == "../../../etc/cron.d/evil.csv"  # kept only as a label
    assert list(settings.uploads_dir().parent.parent.rglob("evil*")) == []


def test_a_pickle_uploaded_as_csv_is_refused_as_data_never_loaded():
    from core.data import ingest_csv

    class Boom:  # unpickling this would run os.system
        def __reduce__(self):
            import os
            return os.system, ("touch " + str(settings.home() / "pwned"),)

    with pytest.raises(LayerLabError):
        ingest_csv(pickle.dumps(Boom()), "model.csv")
    assert not (settings.home() / "pwned").exists()


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "uploads/../../runs.db"])
def test_a_dataset_path_from_outside_cannot_reach_outside_the_uploads_folder(path):
    with pytest.raises(DataError) as err:
        load(DatasetRef(source="csv", name="x.csv", path=path))
    assert "root:" not in str(err.value)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            owner = getattr(getattr(f, "value", None), "id", "")
            yield owner, name, node


def test_no_code_unpickles_or_executes_stored_bytes():
    """Every torch.load passes weights_only=True; no pickle/joblib/eval/exec/np.load(allow_pickle)."""
    problems = []
    for file in [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("views/*.py")]:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                if any(n.split(".")[0] in ("pickle", "joblib", "dill", "cloudpickle") for n in names):
                    problems.append(f"{file}: imports {names}")
        for owner, name, call in _calls(tree):
            kw = {k.arg: k.value for k in call.keywords}
            if owner == "torch" and name == "load" and not (
                    isinstance(kw.get("weights_only"), ast.Constant) and kw["weights_only"].value is True):
                problems.append(f"{file}:{call.lineno} torch.load without weights_only=True")
            if isinstance(call.func, ast.Name) and name in ("eval", "exec"):  # not module.eval()
                problems.append(f"{file}:{call.lineno} {name}()")
            if "allow_pickle" in kw:
                problems.append(f"{file}:{call.lineno} allow_pickle")
    assert problems == []
