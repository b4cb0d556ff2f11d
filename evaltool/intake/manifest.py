"""The small per-input records of ``evaltool collect`` and the ``collect.json`` manifest.

Why: the batch must stay small in memory however many workbooks arrive, and the bureau
needs an audit trail of every input — where it came from (file, zip member, mail sender and
date, SHA-256), what was decided (accepted, rejected, duplicate, superseded, and why), what
the workbook said (unit, year, framework, total, grade, finding counts) and where the outputs
are. A :class:`Task` is what a worker process gets (paths, not bytes); an :class:`Outcome` is
what comes back: a few strings and numbers plus the summary :class:`Digest`. The manifest is
plain JSON, sorted by input order; only ``seconds`` and ``elapsed_seconds`` depend on timing.

Example::

    write_manifest(outdir / "collect.json", outcomes, inbox=inbox, lang="zh")
    json.loads((outdir / "collect.json").read_text())["files"][0]["status"]   # 'accepted'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from evaltool.intake.reasons import FLAGS, Flag
from evaltool.io.atomic import atomic_replace, atomic_write_bytes, temp_path_for
from evaltool.model import Finding, Severity
from evaltool.summary.digest import Digest

__all__ = ["Task", "Outcome", "ACCEPTED", "REJECTED", "DUPLICATE", "SUPERSEDED", "PENDING", "manifest_doc",
           "write_manifest", "TIMING_FIELDS", "flag_findings", "outcome_dict", "outcome_from_dict", "read_manifest"]

ACCEPTED, REJECTED, DUPLICATE, SUPERSEDED = "accepted", "rejected", "duplicate", "superseded"
PENDING = "pending"  # 待确认: ties with another return of the same unit and year (intake.versions)
TIMING_FIELDS = ("seconds", "elapsed_seconds")
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Task:
    """One workbook for a worker: its bytes are already in the private work folder."""

    seq: int
    label: str
    work_path: str
    scored_path: str
    flags: tuple[Flag, ...]
    sender: str
    mail_date: datetime | None
    lang: str
    now: datetime | None  # fixed 计算状态 time (``--created``) or None for the clock


@dataclass(frozen=True)
class Outcome:
    """What happened to one input (one payload of one inbox file)."""

    seq: int
    label: str  # inbox-relative path [/ member path]
    source: str  # inbox-relative path of the inbox file
    member: str | None
    filename: str  # sanitised innermost name
    source_sha256: str
    sha256: str
    kind: str
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    mail_date: datetime | None = None
    decrypted: bool = False
    flags: tuple[Flag, ...] = ()
    status: str = REJECTED
    summary_status: str = ""  # 通过 | 有错误 | 未通过 | 已被替代 | 待确认
    reason_code: str = ""
    reason: str = ""
    traceback: str = ""
    unit_name: str = ""
    unit_code: str = ""
    year: int | None = None
    framework: str = ""
    modified: datetime | None = None  # docProps/core.xml dcterms:modified
    fill_date: datetime | None = None  # 填报日期 on the cover
    total: float | None = None
    grade: str = ""
    errors: int = 0
    warnings: int = 0
    findings: int = 0
    duplicate_of: str = ""
    superseded_by: str = ""
    decided_by: str = ""  # the versions rule that superseded it: mail_date | fill_date | modified | same
    pending_with: tuple[str, ...] = ()  # labels of the returns it ties with (待确认)
    scored: bool = False  # a scored copy was written (in the work folder, then scored/)
    digest: Digest | None = field(default=None, repr=False)
    outputs: dict[str, str] = field(default_factory=dict)  # role -> path relative to OUTDIR
    seconds: float = 0.0


def flag_findings(flags: Sequence[Flag]) -> tuple[Finding, ...]:
    """Intake flags (macros, ActiveX, links, DDE, …) as findings of the return (code ``intake.<flag>``)."""
    sev: dict[str, Severity] = {"error": "error", "warning": "warning"}
    return tuple(Finding(rule=f.code, severity=sev.get(f.severity, "info"), sheet="", cell=f.part,
                         code=f"intake.{f.code}" if f.code in FLAGS else "intake.unknown",
                         params={"code": f.code, "detail": f.detail or f.part}, source="intake") for f in flags)


def _iso(d: datetime | None) -> str | None:
    """ISO 8601 in UTC (times are stored in UTC; shown in the bureau's time zone). A naive
    time is already UTC (how evaltool keeps them) and is written as it is."""
    if d is None:
        return None
    return (d.astimezone(timezone.utc) if d.tzinfo else d).isoformat()


def outcome_dict(o: Outcome, lang: str = "zh") -> dict[str, Any]:
    """The JSON form of one outcome (the digest is summarised by its counts)."""
    return {
        "seq": o.seq,
        "label": o.label,
        "path": o.source,
        "member": o.member,
        "filename": o.filename,
        "source_sha256": o.source_sha256,
        "sha256": o.sha256,
        "kind": o.kind,
        "sender": o.sender,
        "sender_name": o.sender_name,
        "subject": o.subject,
        "message_id": o.message_id,
        "date": _iso(o.mail_date),
        "decrypted": o.decrypted,
        "status": o.status,
        "summary_status": o.summary_status,
        "reason_code": o.reason_code,
        "reason": o.reason,
        "traceback": o.traceback,
        "flags": [{"code": f.code, "severity": f.severity, "part": f.part, "detail": f.detail, "message": f.message(
            "en" if lang == "en" else "zh")} for f in o.flags],
        "unit": o.unit_name,
        "unit_code": o.unit_code,
        "year": o.year,
        "framework": o.framework,
        "saved": _iso(o.modified),
        "fill_date": _iso(o.fill_date),
        "total": o.total,
        "grade": o.grade,
        "errors": o.errors,
        "warnings": o.warnings,
        "findings": o.findings,
        "duplicate_of": o.duplicate_of or None,
        "superseded_by": o.superseded_by or None,
        "decided_by": o.decided_by or None,
        "pending_with": list(o.pending_with),
        "outputs": dict(sorted(o.outputs.items())),
        "seconds": round(o.seconds, 3),
    }


def _time(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if isinstance(v, str) and v else None


def outcome_from_dict(d: dict[str, Any]) -> Outcome:
    """The :class:`Outcome` a ``collect.json`` entry records (the digest is not stored: a
    re-run rebuilds it from the kept original)."""
    return Outcome(
        seq=int(d["seq"]), label=str(d["label"]), source=str(d["path"]), member=d.get("member"),
        filename=str(d.get("filename", "")), source_sha256=str(d.get("source_sha256", "")),
        sha256=str(d.get("sha256", "")), kind=str(d.get("kind", "")), sender=str(d.get("sender", "")),
        sender_name=str(d.get("sender_name", "")), subject=str(d.get("subject", "")),
        message_id=str(d.get("message_id", "")), mail_date=_time(d.get("date")), decrypted=bool(d.get("decrypted")),
        flags=tuple(Flag(str(f["code"]), str(f.get("part", "")), str(f.get("detail", ""))) for f in d.get("flags", [])),
        status=str(d.get("status", REJECTED)), summary_status=str(d.get("summary_status", "")),
        reason_code=str(d.get("reason_code", "")), reason=str(d.get("reason", "")),
        traceback=str(d.get("traceback", "")), unit_name=str(d.get("unit", "")), unit_code=str(d.get("unit_code", "")),
        year=d.get("year") if isinstance(d.get("year"), int) else None, framework=str(d.get("framework", "")),
        modified=_time(d.get("saved")), fill_date=_time(d.get("fill_date")),
        total=float(d["total"]) if isinstance(d.get("total"), (int, float)) else None, grade=str(d.get("grade", "")),
        errors=int(d.get("errors", 0)), warnings=int(d.get("warnings", 0)), findings=int(d.get("findings", 0)),
        duplicate_of=str(d.get("duplicate_of") or ""), superseded_by=str(d.get("superseded_by") or ""),
        decided_by=str(d.get("decided_by") or ""), pending_with=tuple(d.get("pending_with") or ()),
        outputs={str(k): str(v) for k, v in (d.get("outputs") or {}).items()}, seconds=float(d.get("seconds", 0.0)),
    )


def read_manifest(path: Path) -> tuple[dict[str, Any], list[Outcome]]:
    """``(document, outcomes)`` of an earlier run's ``collect.json``; ValueError when it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("version") != MANIFEST_VERSION:
            raise ValueError(f"{path}: not a collect.json of this evaltool (version {doc.get('version')!r})")
        return doc, [outcome_from_dict(d) for d in doc["files"]]
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: unreadable collect.json: {exc}") from exc


def manifest_doc(outcomes: Iterable[Outcome], *, inbox: str, lang: str, created: datetime | None,
                 summary: str, elapsed: float) -> dict[str, Any]:
    files = [outcome_dict(o, lang) for o in sorted(outcomes, key=lambda o: o.seq)]
    return {
        "version": MANIFEST_VERSION,
        "inbox": inbox,
        "lang": lang,
        "created": _iso(created),
        "summary": summary,
        "counts": dict(sorted(Counter(f["status"] for f in files).items())),
        "files": files,
        "elapsed_seconds": round(elapsed, 3),
    }


def write_manifest(path: Path, outcomes: Iterable[Outcome], *, inbox: str, lang: str,
                   created: datetime | None, summary: str, elapsed: float,
                   counts: Mapping[str, int] | None = None) -> Path:
    """Write ``collect.json`` atomically (UTF-8, readable Chinese, stable key order).

    With ``counts`` (the statuses counted by the caller) the outcomes are taken as given —
    in input order, e.g. read back one at a time by ``collect`` — and written one at a time:
    the manifest of any number of files takes flat memory; the bytes are the same.
    """
    if counts is None:
        doc = manifest_doc(outcomes, inbox=inbox, lang=lang, created=created, summary=summary, elapsed=elapsed)
        atomic_write_bytes(path, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return path
    head = manifest_doc((), inbox=inbox, lang=lang, created=created, summary=summary, elapsed=elapsed)
    head["counts"] = dict(sorted(counts.items()))

    def dump(value: Any, indent: str) -> str:  # a nested value as json.dumps(doc, indent=2) writes it
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)

    tmp = temp_path_for(path)
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("{")
            for i, (key, value) in enumerate(head.items()):
                fh.write(("," if i else "") + f"\n  {json.dumps(key)}: ")
                if key != "files":
                    fh.write(dump(value, "  "))
                    continue
                n = 0
                for o in outcomes:
                    fh.write(("," if n else "[") + "\n    " + dump(outcome_dict(o, lang), "    "))
                    n += 1
                fh.write("\n  ]" if n else "[]")
            fh.write("\n}\n")
        atomic_replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
