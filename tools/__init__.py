"""Development tools (not shipped with the app): the project's own import-linter contract."""
