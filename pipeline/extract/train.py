"""Train the task classifier with ``spacy train`` on the dev split of the annotations.

Every body paragraph of a dev document becomes an example: TASK when it matches an
annotated task, OTHER otherwise. Two dev documents are held back as spaCy's own dev
set (model selection); the test split is never read.

    python -m pipeline.extract.train --out models/task_classifier
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from spacy.tokens import DocBin

from ..evaluate.extract import TASK_MATCH, gold_text, match_pairs, strip_header, text_document, load_gold, norm
from ..evaluate.shared import find_shared
from . import Extractor, classifier_text
from .layout import paragraphs
from .nlp import MODEL_DIR, TASK_LABEL

CONFIG = Path(__file__).with_name("textcat.cfg")
SPACY_DEV_DOCS = 2  # dev documents held back for spaCy's model selection


def examples(extractor: Extractor, golds) -> list[tuple[str, bool]]:
    out = []
    for gold in golds:
        doc = text_document(gold.name, strip_header(gold.text))
        st = extractor.structure.parse(doc.text, paragraphs(doc))
        gold_tasks = [norm(gold_text(gold, t)) for t in gold.tasks]
        units = [norm(u.text) for u in st.units]
        positive = {j for _, j in match_pairs(gold_tasks, units, TASK_MATCH)}
        out += [(classifier_text(u, st.units), j in positive) for j, u in enumerate(st.units)]
    return out


def to_docbin(extractor: Extractor, rows: list[tuple[str, bool]]) -> DocBin:
    db = DocBin()
    for text, is_task in rows:
        d = extractor.nlp.make_doc(text)
        d.cats = {TASK_LABEL: float(is_task), "OTHER": float(not is_task)}
        db.add(d)
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    golds, skipped = load_gold(find_shared(args.shared))
    dev = [g for g in golds if g.split == "dev"]
    if not dev:
        print("no dev annotations found: " + "; ".join(skipped), file=sys.stderr)
        return 2
    extractor = Extractor(classifier_dir=None)
    train_rows = examples(extractor, dev[SPACY_DEV_DOCS:])
    dev_rows = examples(extractor, dev[:SPACY_DEV_DOCS])
    print(f"{len(train_rows)} training paragraphs ({sum(t for _, t in train_rows)} tasks), "
          f"{len(dev_rows)} for model selection")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        to_docbin(extractor, train_rows).to_disk(tmp / "train.spacy")
        to_docbin(extractor, dev_rows).to_disk(tmp / "dev.spacy")
        code = tmp / "register.py"  # spacy train imports this to know the project's tokenizer
        code.write_text("import pipeline.extract.nlp  # noqa: F401\n")
        subprocess.run([sys.executable, "-m", "spacy", "train", str(CONFIG), "--output", str(tmp / "model"),
                        "--paths.train", str(tmp / "train.spacy"), "--paths.dev", str(tmp / "dev.spacy"),
                        "--code", str(code)], check=True)
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(tmp / "model" / "model-best", args.out)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
