"""The built-in, offline script writer (see `writer`)."""

from pipeline.writers.builtin.writer import BuiltinScriptWriter

__all__ = ["BuiltinScriptWriter"]
