"""Extraction accuracy against the annotated documents: precision, recall and F1 per field.

Annotations (``pipeline/evaluate/annotations/*.json``, format in GUIDE.md) give
spans into the source files; gold and predicted items are matched by their text,
so the same scoring works on clean text and on the end-to-end paths where OCR
and restoration shift every offset:

- ``text``: the document's text as it is (the project's own documents and ../shared/docs);
- ``seed``: the two legacy English-model OCR seeds, restored, then extracted;
- ``moderate``: the document rendered as a moderately degraded scan by the simulator,
  then the whole batch (OCR, clean-up, restoration, extraction) on the PDF;
- ``garbled`` (``--garbled``): the document rendered by the simulator and read with the
  English model, as the seeds were, then restored and extracted: seed-like text for
  documents of any split (pages cached under out/.cache/restore/garble).

Bars (issue 4) apply to the held-out ``test`` split.

    python -m pipeline.evaluate.extract --json out/eval_extract.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ..config import Config
from ..extract.lexicon import normalize_text
from ..model import Document
from ..render import text_page
from ..restore.garble_data import DEFAULT_CACHE, ocr_documents
from ..simulate.scan import seed_for
from ..storage import atomic_write_json
from .shared import REPO_ROOT, find_shared

ANNOTATIONS = Path(__file__).resolve().parent / "annotations"
TASK_MATCH = 75  # rapidfuzz ratio of normalised task texts
NAME_MATCH = 90  # ratio of normalised agency names
META_MATCH = 85
EXACT_FIELDS = ("doc_number", "issue_date", "meeting_date")
META_FIELDS = ("doc_type", "doc_number", "issuer", "place", "issue_date", "meeting_date", "title",
               "signer_name", "signer_title")
BARS = {"task": 0.90, "lead_agency": 0.90, "deadline_end": 0.95, "metric": 0.90}


@dataclass
class Gold:
    name: str
    split: str
    source: Path
    text: str  # the source text the spans index
    metadata: dict
    tasks: list[dict]
    metrics: list[dict]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp,
                "fn": self.fn}


@dataclass
class DocScore:
    counts: dict[str, Counts] = field(default_factory=dict)
    deadline_total: int = 0
    deadline_exact: int = 0
    lead_errors: Counter = field(default_factory=Counter)  # error class -> count (see lead_error_classes)
    task_errors: Counter = field(default_factory=Counter)  # error class -> count (see task_error_class)
    deadline_errors: Counter = field(default_factory=Counter)  # error class -> count (see deadline_error_class)

    def get(self, key: str) -> Counts:
        return self.counts.setdefault(key, Counts())


def load_gold(shared: Path | None) -> tuple[list[Gold], list[str]]:
    golds, skipped = [], []
    for path in sorted(ANNOTATIONS.glob("*.json")):
        ann = json.loads(path.read_text(encoding="utf-8"))
        src = ann["source"]
        base = shared if src.startswith(("docs/", "corpus/")) else REPO_ROOT
        if base is None:
            skipped.append(f"{path.stem}: needs ../shared/{src}")
            continue
        source = base / src
        raw = source.read_bytes()
        if "source_lines" in ann:  # one document of the corpus file: its lines first..last (1-based)
            first, last = ann["source_lines"]
            raw = b"\n".join(raw.split(b"\n")[first - 1:last])
        if hashlib.sha256(raw).hexdigest() != ann["source_sha256"]:
            skipped.append(f"{path.stem}: {source} changed since it was annotated")
            continue
        golds.append(Gold(path.stem, ann["split"], source, raw.decode("utf-8"), ann["metadata"], ann["tasks"],
                          ann["metrics"]))
    return golds, skipped


def gold_text(gold: Gold, item: dict) -> str:
    return item.get("text") or gold.text[item["span"][0]:item["span"][1]]


def norm(text: str) -> str:
    """Case, tone-mark placement ("UỶ"/"ỦY"), item markers and spacing do not count when texts are matched."""
    text = normalize_text(text).lower()
    text = re.sub(r"^\s*(?:[ivx]+\s*[.\-–]|\d+(?:\.\d+)*\s*[.)]|\(\d+\)|[a-zđ]\s*\)|[-–+•*])\s*", "", text)
    return " ".join(re.sub(r"[^\w%/]+", " ", text).split())


def name_norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", unicodedata.normalize("NFC", name).lower()).split())


def match_pairs(gold: list[str], pred: list[str], threshold: int, scorer=fuzz.ratio) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by similarity."""
    scored = sorted(((scorer(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)), reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def lead_error_classes(gold: list[str], pred: list[str], pairs: list[tuple[int, int]] | None,
                       task_text: str = "") -> Counter:
    """Why lead agencies of one gold task were missed or added (``pairs``: the names matched; None when the task
    was not found; ``task_text``: the gold task's normalised text): counts per class, no names, so the held-out
    split can be diagnosed without reading it. A name missed is told apart by whether the task's own text
    names it (a recognition miss) or not (a lead to inherit from a head or preamble)."""
    errors = Counter()
    if pairs is None:
        errors["fn: task not found"] += len(gold)
        return errors
    rest_g = [g for i, g in enumerate(gold) if i not in {a for a, _ in pairs}]
    rest_p = [p for j, p in enumerate(pred) if j not in {b for _, b in pairs}]
    near = match_pairs(rest_g, rest_p, 60, fuzz.token_set_ratio)
    for a, b in near:
        g, p = rest_g[a], rest_p[b]
        how = "too short" if g.startswith(p) or g.endswith(p) else "too long" if p.startswith(g) or p.endswith(g) \
            else "spelt differently"
        if how != "spelt differently":
            longer, shorter = (g, p) if how == "too short" else (p, g)
            how += f" ({'head' if longer.endswith(shorter) else 'tail'} of {len(longer.split()) - len(shorter.split())}"\
                   f" words)"
        errors[f"fn+fp: name {how}"] += 1
    rest_g = [g for i, g in enumerate(rest_g) if i not in {a for a, _ in near}]
    rest_p = [p for j, p in enumerate(rest_p) if j not in {b for _, b in near}]
    kind = lambda name: "collective" if name.startswith("các ") or " các " in name else "named"
    for g in rest_g:
        where = "named in the task" if fuzz.partial_ratio(g, task_text) >= NAME_MATCH else "not in the task's text"
        errors[f"fn: {'none predicted' if not pred else 'missed'} ({kind(g)}, {where})"] += 1
    for p in rest_p:
        errors[f"fp: {'gold has none' if not gold else 'extra'} ({kind(p)})"] += 1
    return errors


def task_error_class(item_path: str, confidence: float) -> str:
    """What kind of unit a task added was (numbered item, lettered, bullet, plain paragraph), how deep, and the
    confidence it was given, without text."""
    last = item_path.split(".")[-1]
    kind = "paragraph" if last.startswith("¶") else "bullet" if last[:1] in "-+" else "number" \
        if last[:1].isdigit() else "roman" if re.fullmatch(r"[IVXL]+", last) else "other"
    bucket = "1.0" if confidence >= 1 else f"{int(confidence * 10) / 10:.1f}+"
    return f"{kind}, depth {item_path.count('.') + 1}, confidence {bucket}"


def deadline_error_class(gold: dict, pred: list | None) -> str:
    """Why a gold deadline's end date was not found on its task (``pred``: the task's unmatched predicted
    deadlines, None when the task was not found), without text."""
    if pred is None:
        return "task not found"
    if not pred:
        return f"none predicted ({gold.get('kind')}, {gold.get('granularity')})"
    same = [d for d in pred if d.granularity == gold.get("granularity")]
    return f"other end ({gold.get('kind')}, {gold.get('granularity')}; " \
           f"{'same granularity' if same else 'predicted ' + pred[0].granularity})"


def score_document(gold: Gold, doc: Document) -> DocScore:
    s = DocScore()
    gold_tasks = [norm(gold_text(gold, t)) for t in gold.tasks]
    pred_tasks = [norm(t.text) for t in doc.tasks]
    pairs = match_pairs(gold_tasks, pred_tasks, TASK_MATCH)
    s.get("task").add(Counts(len(pairs), len(pred_tasks) - len(pairs), len(gold_tasks) - len(pairs)))
    matched = dict(pairs)
    # lead agencies: (task, agency) pairs; a task that is not matched loses all its agencies
    for i, g in enumerate(gold.tasks):
        g_leads = [name_norm(a) for a in g["lead_agencies"]]
        p_leads = [name_norm(a) for a in doc.tasks[matched[i]].lead_agencies] if i in matched else []
        name_pairs = match_pairs(g_leads, p_leads, NAME_MATCH)
        n = len(name_pairs)
        s.get("lead_agency").add(Counts(n, len(p_leads) - n, len(g_leads) - n))
        s.lead_errors.update(lead_error_classes(g_leads, p_leads, name_pairs if i in matched else None,
                                                gold_tasks[i]))
        preds = list(doc.tasks[matched[i]].deadlines) if i in matched else []
        for dl in g.get("deadlines", []):
            s.deadline_total += 1
            hit = next((d for d in preds if d.end == dl.get("end")), None)
            if hit is not None:
                preds.remove(hit)
                s.deadline_exact += 1
            else:
                s.deadline_errors[deadline_error_class(dl, preds if i in matched else None)] += 1
    for j, t in enumerate(doc.tasks):
        if j not in matched.values():
            s.get("lead_agency").add(Counts(0, len(set(t.lead_agencies)), 0))
            s.lead_errors["fp: task not in gold"] += len(set(t.lead_agencies))
            s.task_errors[task_error_class(t.item_path, t.confidence)] += 1
    # deadlines found by the extractor in matched tasks, scored on their end date
    for i, j in pairs:
        g_ends = [str(d.get("end")) for d in gold.tasks[i].get("deadlines", [])]
        p_ends = [str(d.end) for d in doc.tasks[j].deadlines]
        n = len(match_pairs(g_ends, p_ends, 100))
        s.get("deadline").add(Counts(n, len(p_ends) - n, len(g_ends) - n))
    # metrics: (value, total, first word of the unit) per document
    def key(value, total, unit) -> str:  # units compared in one tone style: "khoá" is "khóa"
        first = normalize_text(unit or "").lower().split()[0] if (unit or "").strip() else ""
        return f"{float(value):g}|{'' if total is None else f'{float(total):g}'}|{first}"

    g_m = [key(m["value"], m.get("total"), m["unit"]) for m in gold.metrics]
    p_m = [key(m.value, m.total, m.unit) for m in doc.metrics]
    n = len(match_pairs(g_m, p_m, 100))
    s.get("metric").add(Counts(n, len(p_m) - n, len(g_m) - n))
    for f in META_FIELDS:
        g_v, p_v = str(gold.metadata.get(f) or ""), str(doc.metadata.get(f) or "")
        if f in EXACT_FIELDS:
            ok = bool(g_v) and re.sub(r"\s", "", g_v).lower() == re.sub(r"\s", "", p_v).lower()
        else:
            ok = bool(g_v) and bool(p_v) and fuzz.ratio(name_norm(g_v), name_norm(p_v)) >= META_MATCH
        s.get(f"meta.{f}").add(Counts(int(ok), int(bool(p_v) and not ok), int(bool(g_v) and not ok)))
    return s


def text_document(name: str, text: str) -> Document:
    doc = Document(doc_id=name, source_path=name, sha256="", text_source="text_file")
    doc.pages = [text_page(text)]
    doc.assemble_text()
    return doc


def strip_header(text: str) -> str:
    lines = text.split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def run_text(golds: list[Gold], extractor, restorer) -> dict[str, tuple[Document, float]]:
    from ..batch import restore_document

    out = {}
    for gold in golds:
        doc = text_document(gold.name, strip_header(gold.text))
        if gold.name.startswith("seed_"):
            restore_document(doc, restorer, Config())
        out[gold.name] = timed_extract(doc, extractor)
    return out


def timed_extract(doc: Document, extractor) -> tuple[Document, float]:
    t0 = time.perf_counter()
    extractor.extract(doc)
    return doc, time.perf_counter() - t0


GARBLE_CACHE = REPO_ROOT / DEFAULT_CACHE


def garbled_documents(golds: list[Gold], restorer, cache: Path | None = GARBLE_CACHE) -> dict[str, Document]:
    """Each document as legacy English-model OCR of a simulated scan, restored: text like the seeds'."""
    from ..batch import restore_document

    pages = ocr_documents([strip_header(g.text) for g in golds], [seed_for(g.name) for g in golds], cache)
    out = {}
    for gold, doc_pages in zip(golds, pages):
        doc = text_document(gold.name, "\n".join(ocr for _, ocr in doc_pages))
        restore_document(doc, restorer, Config())
        out[gold.name] = doc
    return out


def run_garbled(golds: list[Gold], extractor, restorer) -> dict[str, tuple[Document, float]]:
    return {name: timed_extract(doc, extractor) for name, doc in garbled_documents(golds, restorer).items()}


def run_moderate(golds: list[Gold], workdir: Path) -> dict[str, tuple[Document, float]]:
    """Simulated moderate scans through the whole batch (OCR, restoration, extraction)."""
    from ..batch import run_batch
    from ..simulate import save_pdf, simulate
    from ..tables import load_documents

    inbox, out = workdir / "inbox", workdir / "out"
    inbox.mkdir(parents=True, exist_ok=True)
    for gold in golds:
        save_pdf(simulate(strip_header(gold.text), "moderate", seed=seed_for(gold.name)), inbox / f"{gold.name}.pdf")
    run_batch(Config(inbox=inbox, out=out, quiet=True))
    docs = {Path(d.source_path).stem: d for d in load_documents(out / "json")}
    return {name: (doc, doc.timings.get("extract", 0.0)) for name, doc in docs.items()}


def summarise(golds: list[Gold], results: dict[str, tuple[Document, float]]) -> dict:
    total = DocScore()
    per_doc = {}
    pages = seconds = 0.0
    for gold in golds:
        if gold.name not in results:
            continue
        doc, secs = results[gold.name]
        s = score_document(gold, doc)
        per_doc[gold.name] = {k: c.scores()["f1"] for k, c in s.counts.items() if not k.startswith("meta.")}
        for k, c in s.counts.items():
            total.get(k).add(c)
        total.deadline_total += s.deadline_total
        total.deadline_exact += s.deadline_exact
        total.lead_errors.update(s.lead_errors)
        total.task_errors.update(s.task_errors)
        total.deadline_errors.update(s.deadline_errors)
        pages += max(1, len(doc.pages)) if doc.text_source != "text_file" else max(1, len(doc.text) / 2500)
        seconds += secs
    fields = {k: c.scores() for k, c in sorted(total.counts.items())}
    fields["deadline_end"] = {"exact": total.deadline_exact, "total": total.deadline_total,
                              "accuracy": round(total.deadline_exact / total.deadline_total, 4)
                              if total.deadline_total else None}
    return {"documents": len(per_doc), "fields": fields, "per_document": per_doc,
            "task_errors": dict(sorted(total.task_errors.items())),
            "lead_agency_errors": dict(sorted(total.lead_errors.items())),
            "deadline_errors": dict(sorted(total.deadline_errors.items())),
            "extract_seconds_per_page": round(seconds / pages, 4) if pages else None}


def print_table(title: str, summary: dict) -> None:
    f = summary["fields"]
    print(f"\n{title}: {summary['documents']} documents, extraction {summary['extract_seconds_per_page']} s/page")
    print(f"  {'field':<20} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn")
    for k, v in f.items():
        if k == "deadline_end":
            continue
        print(f"  {k:<20} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f}   {v['tp']}/{v['fp']}/{v['fn']}")
    d = f["deadline_end"]
    if d["total"]:
        print(f"  {'deadline end exact':<20} {d['accuracy']:>6.3f}   ({d['exact']}/{d['total']} annotated deadlines)")
    if summary["task_errors"]:
        print("  tasks added: " + "; ".join(f"{k} {v}" for k, v in summary["task_errors"].items()))
    if summary["lead_agency_errors"]:
        print("  lead agency errors: " + "; ".join(f"{k} {v}" for k, v in summary["lead_agency_errors"].items()))
    if summary["deadline_errors"]:
        print("  deadline errors: " + "; ".join(f"{k} {v}" for k, v in summary["deadline_errors"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=Path("out/eval_extract.json"))
    parser.add_argument("--split", choices=["dev", "val", "test", "all"], default="all",
                        help="val: documents annotated blind and not yet read for rules (GUIDE.md)")
    parser.add_argument("--no-scans", action="store_true", help="skip the moderate-scan (end-to-end OCR) condition")
    parser.add_argument("--garbled", action="store_true",
                        help="also score the documents as restored English-model OCR (seed-like; tesseract eng)")
    parser.add_argument("--no-classifier", action="store_true", help="rules only, without the trained task classifier")
    args = parser.parse_args(argv)
    shared = find_shared(args.shared)
    golds, skipped = load_gold(shared)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if shared is None:
        print("../shared is absent: only the project's own annotated documents are scored", file=sys.stderr)
    from ..extract import Extractor
    from ..restore import load_model

    from ..extract.nlp import MODEL_DIR

    extractor, restorer = Extractor(classifier_dir=None if args.no_classifier else MODEL_DIR), load_model()
    report = {"classifier": extractor.classifier, "splits": {}}
    splits = [s for s in ("dev", "val", "test") if any(g.split == s for g in golds)] if args.split == "all" \
        else [args.split]
    for split in splits:
        chosen = [g for g in golds if g.split == split]
        texts = [g for g in chosen if not g.name.startswith("seed_")]
        seeds = [g for g in chosen if g.name.startswith("seed_")]
        text_results = run_text(chosen, extractor, restorer)
        block = {"text": summarise(texts, text_results)}
        print_table(f"[{split}] clean text", block["text"])
        if seeds:
            block["seed"] = summarise(seeds, text_results)
            print_table(f"[{split}] legacy seeds after restoration", block["seed"])
        if args.garbled and texts:
            block["garbled"] = summarise(texts, run_garbled(texts, extractor, restorer))
            print_table(f"[{split}] English-model OCR after restoration (simulated, like the seeds)", block["garbled"])
        if not args.no_scans and texts:
            with tempfile.TemporaryDirectory() as tmp:
                block["moderate"] = summarise(texts, run_moderate(texts, Path(tmp)))
            print_table(f"[{split}] moderate scans, end to end", block["moderate"])
        report["splits"][split] = block
    atomic_write_json(args.json, report)
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
