"""The one error bad input raises: every problem at once, each naming the key, the value and the fix."""

from __future__ import annotations

import pulumi


class ConfigError(pulumi.RunError):
    """Raised with every config problem at once; RunError makes Pulumi print it without a traceback
    ("a clean exit rather than the usual verbose unhandled error logic", pulumi/errors.py RunError)."""

    def __init__(self, problems: list[str], subject: str = "stack config"):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{subject} has {len(problems)} problem(s); nothing was created:\n{lines}")
