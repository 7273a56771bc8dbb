"""One error type for the whole course, so every stage reports `path:line: message` the same way."""

from __future__ import annotations

from dataclasses import dataclass


class CourseError(Exception):
    """Something in the course source that a trainer must fix; carries where it is."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def __reduce__(self):  # keep path and line when errors cross process boundaries
        return (CourseError, (self.path, self.line, self.message))


class CourseErrors(Exception):
    """Several errors found in one pass: a trainer wants to see them all, not one per run."""

    def __init__(self, errors: list[CourseError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class CourseWarning:
    """Suspicious but buildable source: printed, never fatal."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"
