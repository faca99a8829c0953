"""The project's own errors: messages written for people, shown as-is in pages and the CLI."""


class LayerLabError(ValueError):
    """Base class: the text names what is wrong, what was expected, and how to fix it."""


class DataError(LayerLabError):
    """A dataset, CSV or column choice that LayerLab cannot use."""


class SpecError(LayerLabError):
    """A model spec that is malformed or cannot work with the chosen data."""


class StoreUnavailable(LayerLabError):
    """The run store cannot be used now (a bad LAYERLAB_STORE_URL, a server that is down or refuses
    the login): pages show the message and try again by themselves instead of a traceback."""
