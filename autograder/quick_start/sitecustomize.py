"""Imported at start-up by every Python process grade.py starts (it puts this folder on PYTHONPATH).

jsonschema, under nbformat, imports rfc3987_syntax, which builds ~35 Lark parsers at import
(jsonschema issue #1428): 2 s in every nbgrader process, and in the `alembic` process nbgrader
starts when it creates a gradebook, for a string format no notebook schema uses. Blocking that
one import makes jsonschema leave the format unchecked; nothing else changes.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)
