"""Score the `alignment` view against hand-labelled links (a gold CSV such as ../shared/gold/align_*.csv).

The rules are those of the gold README: a prediction is a department row's top nhiệm vụ match whose
match_band is not "none"; it is correct when its nhiệm vụ code is among the row's labelled codes.
precision = correct predictions / predictions; recall = rows whose top match is correct / rows with at
least one high- or medium-confidence link; a row labelled without a link is right only when the
alignment says "none" for it. Every row gets a verdict, so the confusion can be printed and read.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}
REQUIRED_CONFIDENCE = frozenset({"high", "medium"})

# the top nhiệm vụ match of every row of one department plan (rank 1 at the nhiệm vụ level), with the
# shared terms that weigh most in the department row × best hoạt động cosine (the bigrams of the
# department's own name do not count, as in int_pair_scores)
TOP_MATCH_SQL = """
WITH top AS (
    SELECT * FROM alignment WHERE department_doc_id = ? AND level = 'nhiem_vu' AND rank = 1
),
shared AS (
    SELECT t.department_row_no, list(d.term ORDER BY d.unit_weight * f.unit_weight DESC)[1:4] AS terms
    FROM top t
    JOIN int_row_vectors d ON d.unit_id = t.department_unit
    JOIN int_row_vectors f ON f.unit_id = t.framework_unit AND f.term_id = d.term_id
    ANTI JOIN (SELECT term_id FROM int_row_vectors
               WHERE kind = 'own_name' AND doc_id = ? AND contains(term, ' ')) o ON o.term_id = d.term_id
    GROUP BY t.department_row_no
)
SELECT t.department_area_code, t.department_stt, t.department_content, t.task_code, t.match_band, t.score,
       t.responsible, s.terms
FROM top t LEFT JOIN shared s USING (department_row_no)
ORDER BY t.department_row_no
"""


class GoldError(ValueError):
    """A gold file that cannot be read: names the file and the reason on one line."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class GoldRow:
    """One labelled department row: the framework nhiệm vụ codes an analyst links it to."""

    row_key: str
    text_start: str
    framework_tasks: frozenset[str]
    confidence: str
    responsible: str  # yes | no | na
    rationale: str

    @property
    def required(self) -> bool:
        """Given the label, return True when recall counts it (a high- or medium-confidence link)."""
        return bool(self.framework_tasks) and self.confidence in REQUIRED_CONFIDENCE


@dataclass(frozen=True)
class TopMatch:
    """One department row's top nhiệm vụ match as the alignment view gives it."""

    row_key: str
    content: str
    task_code: str | None
    band: str
    score: float
    responsible: bool | None
    terms: tuple[str, ...]

    @property
    def predicted(self) -> str | None:
        """Given the match, return the predicted nhiệm vụ code, or None when the band is none."""
        return self.task_code if self.band != "none" else None


@dataclass(frozen=True)
class Verdict:
    """How one labelled row fared: kind is correct | right_none | wrong_task | false_link | missed | missed_optional."""

    row_key: str
    kind: str
    line: str


@dataclass(frozen=True)
class Score:
    """Precision, recall and the verdict of every labelled row."""

    predictions: int
    correct: int
    required: int
    recalled: int
    verdicts: tuple[Verdict, ...]

    @property
    def precision(self) -> float:
        return self.correct / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.required if self.required else 0.0

    def report(self) -> str:
        """Given the score, return it as text: the figures, then one line per labelled row."""
        head = (f"precision {self.precision:.2f} ({self.correct}/{self.predictions})  "
                f"recall {self.recall:.2f} ({self.recalled}/{self.required})")
        return "\n".join([head, *(v.line for v in self.verdicts)])


def row_key(area_code: int | None, stt: str | None) -> str | None:
    """Given a row's area_code and printed STT ("Hoạt động 2", "2"), return its gold key ("III.2"), else None."""
    number = re.findall(r"\d+", stt or "")
    if area_code not in ROMAN or not number:
        return None
    return f"{ROMAN[area_code]}.{number[-1]}"


def read_gold(path: Path) -> list[GoldRow]:
    """Given a gold CSV (row_key, dept_text_start, framework_tasks, confidence, responsible, rationale), return its rows."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            records = list(csv.DictReader(fh))
    except OSError as exc:
        raise GoldError(path, f"cannot read: {exc.strerror or exc}") from exc
    missing = {"row_key", "framework_tasks", "confidence"} - set(records[0] if records else {})
    if missing:
        raise GoldError(path, f"missing column(s) {', '.join(sorted(missing))}")
    return [
        GoldRow(
            row_key=r["row_key"].strip(),
            text_start=(r.get("dept_text_start") or "").strip(),
            framework_tasks=frozenset(c.strip() for c in (r["framework_tasks"] or "").split(";") if c.strip()),
            confidence=(r["confidence"] or "").strip().lower(),
            responsible=(r.get("responsible") or "").strip().lower(),
            rationale=(r.get("rationale") or "").strip(),
        )
        for r in records
    ]


def top_matches(con: duckdb.DuckDBPyConnection, department_doc_id: str) -> dict[str, TopMatch]:
    """Given a database with the alignment view and a department plan, return its top matches by gold row key."""
    out: dict[str, TopMatch] = {}
    for area, stt, content, task, band, score, responsible, terms in con.execute(
        TOP_MATCH_SQL, [department_doc_id, department_doc_id]
    ).fetchall():
        key = row_key(area, stt)
        if key is not None:
            out[key] = TopMatch(key, content or "", task, band, float(score or 0), responsible, tuple(terms or ()))
    return out


def _describe(match: TopMatch | None) -> str:
    """Given a top match, return it in a few words: code, band, score and the shared terms that weigh most."""
    if match is None:
        return "no such row in the alignment"
    if match.task_code is None:
        return "no candidate at all"
    return f"{match.task_code} {match.band} {match.score:.3f} [{', '.join(match.terms)}]"


def verdict(gold: GoldRow, match: TopMatch | None) -> Verdict:
    """Given a labelled row and its top match, return the verdict with a one-line explanation."""
    predicted = match.predicted if match else None
    wanted = ";".join(sorted(gold.framework_tasks)) or "none"
    if predicted is not None and predicted in gold.framework_tasks:
        kind = "correct"
    elif predicted is not None:
        kind = "wrong_task" if gold.framework_tasks else "false_link"
    elif gold.framework_tasks:
        kind = "missed" if gold.required else "missed_optional"
    else:
        kind = "right_none"
    why = {
        "correct": "ok",
        "right_none": "ok, no counterpart",
        "wrong_task": "WRONG: linked to another nhiệm vụ",
        "false_link": "WRONG: linked, but the framework has no counterpart",
        "missed": "MISSED: best candidate below the weak threshold",
        "missed_optional": "missed a low-confidence link (optional)",
    }[kind]
    line = (f"{gold.row_key:<7} {kind:<15} gold {wanted:<14} ({gold.confidence:<6}) got {_describe(match)}"
            f"  {why} | {gold.text_start[:50]}")
    return Verdict(gold.row_key, kind, line)


def score(gold: list[GoldRow], matches: dict[str, TopMatch]) -> Score:
    """Given labelled rows and the alignment's top matches, return precision, recall and every verdict."""
    verdicts = tuple(verdict(g, matches.get(g.row_key)) for g in gold)
    kinds = {g.row_key: v.kind for g, v in zip(gold, verdicts, strict=True)}
    return Score(
        predictions=sum(k in ("correct", "wrong_task", "false_link") for k in kinds.values()),
        correct=sum(k == "correct" for k in kinds.values()),
        required=sum(g.required for g in gold),
        recalled=sum(g.required and kinds[g.row_key] == "correct" for g in gold),
        verdicts=verdicts,
    )


def score_database(db_path: Path, department_doc_id: str, gold_path: Path) -> Score:
    """Given a built database, a department plan's doc_id and its gold CSV, return the score."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return score(read_gold(gold_path), top_matches(con, department_doc_id))
    finally:
        con.close()
