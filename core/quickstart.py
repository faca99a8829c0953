"""The home page's one-click path: the whitepapers' walkthrough MLP trained on UCI Adult.

It sets the workspace exactly as a user clicking through Data → Build → Train with the
defaults would (Adult with sex and race as sensitive columns, the walkthrough preset, the
default training settings), then queues the run, so every later page shows the same choices.
"""
from __future__ import annotations

from core.workspace import Workspace, save_workspace

WALKTHROUGH_EPOCHS = 10  # about ten seconds on two cores; curves have time to show their shape


def walkthrough_workspace() -> Workspace:
    from core.data import default_ref
    from core.spec import get_preset
    from core.train import default_config

    # A fixed ten-epoch teaching run (issue 12 turned early stopping on by default): the whole
    # curve shows its shape, as the walkthrough describes it.
    config = default_config("binary", n_rows=32_561, epochs=WALKTHROUGH_EPOCHS,
                            early_stopping=False)
    return Workspace(dataset=default_ref("adult"), spec=get_preset("walkthrough_mlp"),
                     train_config=config.model_dump(mode="json"))


def start_walkthrough(store, runner, user: str | None = None) -> str:
    """Save the walkthrough choices as `user`'s workspace and queue the run (theirs); returns its id."""
    from core.train import TrainConfig, submit_training

    ws = walkthrough_workspace()
    save_workspace(ws, user)
    return submit_training(store, runner, ws.dataset, ws.spec,
                           TrainConfig.model_validate(ws.train_config),
                           name="Walkthrough MLP on UCI Adult", owner=user)
