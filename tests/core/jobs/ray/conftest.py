"""One LayerLab home for the Ray module: its slot actors start once and stay warm."""
from tests.module_home import layerlab_home, shared_home, store  # noqa: F401
