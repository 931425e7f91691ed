"""Score the alignment's scores against labelled links: a gold CSV (../shared/gold/align_*.csv) or the reviews.

What is scored is what the scores alone say (int_alignment_candidates, before any review is applied), so
that reviews measure the rules instead of confirming themselves. The rules are those of the gold README: a
prediction is a department row's top nhiệm vụ match whose band is not "none"; it is correct when its nhiệm
vụ code is among the row's labelled codes. precision = correct predictions / predictions; recall = rows
whose top match is correct / rows with at least one high- or medium-confidence link; top-3 recall = rows
with a labelled code among their top 3 candidates (any band) / the same rows; a row labelled without a link
is right only when the alignment says "none" for it. Reviews label a row with the nhiệm vụ confirmed or
added for it (required) and those rejected; a prediction no review judged is left out of the counts.
Every row gets a verdict, so the confusion can be printed and read.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}
REQUIRED_CONFIDENCE = frozenset({"high", "medium"})

# the top nhiệm vụ match of every row of one department plan by the scores alone (rank 1 at the nhiệm vụ
# level of int_alignment_candidates), its band by alignment_params, whether the nhiệm vụ assigns the department,
# the shared terms that weigh most, and the row's top candidates in order
TOP_MATCH_SQL = """
WITH candidates AS (
    SELECT * FROM int_alignment_candidates WHERE department_doc_id = $doc AND level = 'nhiem_vu'
)
SELECT r.department_row_no, r.area_code, r.stt, r.content, c.task_code,
       CASE WHEN c.task_code IS NULL THEN 'none' WHEN c.score >= p.strong_min THEN 'strong'
            WHEN c.score >= p.weak_min THEN 'weak' ELSE 'none' END AS band,
       c.score, coalesce(a.assigned, false) AS responsible, c.shared_terms[1:4] AS terms,
       (SELECT list(x.task_code ORDER BY x.rank) FROM candidates x
        WHERE x.department_row_no = r.department_row_no) AS top
FROM stg_department_rows r
CROSS JOIN alignment_params p
LEFT JOIN candidates c ON c.department_row_no = r.department_row_no AND c.rank = 1
LEFT JOIN int_task_assignments a
  ON a.department_doc_id = r.department_doc_id AND a.framework_doc_id = r.framework_doc_id
 AND a.task_code = c.task_code
WHERE r.department_doc_id = $doc
ORDER BY r.department_row_no
"""
# the reviews that apply to the rows of one department plan: per row, the nhiệm vụ confirmed or added and
# those rejected
REVIEW_LABELS_SQL = """
SELECT r.department_row_no, r.content,
       list(v.task_code ORDER BY v.task_code) FILTER (WHERE v.verdict IN ('confirmed', 'added')) AS linked,
       list(v.task_code ORDER BY v.task_code) FILTER (WHERE v.verdict = 'rejected') AS rejected
FROM stg_department_rows r
JOIN stg_plan_frameworks p ON p.department_doc_id = r.department_doc_id
JOIN int_reviews v ON v.plan_key = r.plan_key AND v.row_key = r.row_key AND v.framework_key = p.framework_key
WHERE r.department_doc_id = $doc
GROUP BY r.department_row_no, r.content
ORDER BY r.department_row_no
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
    rejected: frozenset[str] = frozenset()   # codes a reviewer rejected for the row
    complete: bool = True                    # False: other codes were not judged (reviews, not a gold file)

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
    top: tuple[str, ...] = ()                # the row's top candidates by score, best first (any band)

    @property
    def predicted(self) -> str | None:
        """Given the match, return the predicted nhiệm vụ code, or None when the band is none."""
        return self.task_code if self.band != "none" else None


@dataclass(frozen=True)
class Verdict:
    """How one labelled row fared: kind is correct | right_none | wrong_task | false_link | missed |
    missed_optional | unjudged (a review label, and the prediction is a code no review judged)."""

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
    top3_recalled: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.required if self.required else 0.0

    @property
    def top3_recall(self) -> float:
        return self.top3_recalled / self.required if self.required else 0.0

    def report(self) -> str:
        """Given the score, return it as text: the figures, then one line per labelled row."""
        head = (f"precision {self.precision:.2f} ({self.correct}/{self.predictions})  "
                f"recall {self.recall:.2f} ({self.recalled}/{self.required})  "
                f"top-3 recall {self.top3_recall:.2f} ({self.top3_recalled}/{self.required})")
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


def top_matches(con: duckdb.DuckDBPyConnection, department_doc_id: str, by_row_no: bool = False
                ) -> dict[str, TopMatch]:
    """Given a database and a department plan, return its top matches by the scores alone, keyed by gold row
    key ("III.2"), or by row_no (as text) when by_row_no."""
    out: dict[str, TopMatch] = {}
    for row_no, area, stt, content, task, band, score_, responsible, terms, top in con.execute(
        TOP_MATCH_SQL, {"doc": department_doc_id}
    ).fetchall():
        key = str(row_no) if by_row_no else row_key(area, stt)
        if key is not None:
            out[key] = TopMatch(key, content or "", task, band, float(score_ or 0), responsible if task else None,
                                tuple(terms or ()), tuple(top or ()))
    return out


def review_labels(con: duckdb.DuckDBPyConnection, department_doc_id: str) -> list[GoldRow]:
    """Given a database and a department plan, return the reviews of its rows as labels keyed by row_no."""
    return [GoldRow(str(row_no), (content or "")[:60], frozenset(linked or ()), "high", "na", "review",
                    rejected=frozenset(rejected or ()), complete=False)
            for row_no, content, linked, rejected in con.execute(REVIEW_LABELS_SQL,
                                                                 {"doc": department_doc_id}).fetchall()]


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
    elif predicted is not None and not gold.complete and predicted not in gold.rejected:
        kind = "unjudged"
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
        "unjudged": "not counted: no review judged this link",
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
        top3_recalled=sum(g.required and bool(set(matches[g.row_key].top[:3]) & g.framework_tasks)
                          for g in gold if g.row_key in matches),
    )


def score_database(db_path: Path, department_doc_id: str, gold_path: Path | None = None) -> Score:
    """Given a built database, a department plan's doc_id and its gold CSV, return the score; without a gold
    file, score against the reviews of the plan's rows."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if gold_path is None:
            return score(review_labels(con, department_doc_id), top_matches(con, department_doc_id, by_row_no=True))
        return score(read_gold(gold_path), top_matches(con, department_doc_id))
    finally:
        con.close()
