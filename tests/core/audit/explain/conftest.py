"""Small datasets and quickly trained models for the explanation tests."""
import numpy as np
import pytest
import torch

from core.build import build_model
from core.data import ingest_csv, load, prepare
from core.spec import get_preset


def fit(model, X, y, task, epochs=60, lr=0.02):
    """A few full-batch Adam steps: enough for a clear signal, quick on 2 cores."""
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y)
    loss_fn = torch.nn.BCEWithLogitsLoss() if task == "binary" else torch.nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        opt.zero_grad()
        out = model(Xt)
        loss = loss_fn(out[:, 0], yt.float()) if task == "binary" else loss_fn(out, yt.long())
        loss.backward()
        opt.step()
    return model.eval()


def two_feature_csv(n=800, seed=0) -> bytes:
    """Six columns, but only x1 and x2 decide the label; 'colour' is a categorical distractor."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    colour = rng.choice(["red", "green", "blue"], size=n)
    label = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    lines = ["x1,x2,x3,x4,x5,colour,label"]
    lines += [",".join(f"{v:.4f}" for v in X[i]) + f",{colour[i]},{label[i]}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="session")
def two_feature(tmp_path_factory):
    """(bundle, data, trained model) on the two-feature dataset; trained once per session (the
    explanation functions only read it)."""
    torch.manual_seed(0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(tmp_path_factory.mktemp("two_feature_home")))
        bundle = load(ingest_csv(two_feature_csv(), "two_feature.csv"))
        data = prepare(bundle)
    model = build_model(get_preset("walkthrough_mlp"), data.input_shape, data.task, data.n_outputs)
    return bundle, data, fit(model, data.X_train, data.y_train, data.task)
