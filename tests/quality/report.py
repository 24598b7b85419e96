"""Print cleaning quality per corpus shape for yrd and trafilatura (the README's quality table).

Run: .venv/bin/python tests/quality/report.py [CORPUS_DIR]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import Score, records, trafilatura_text, yrd_text  # noqa: E402

corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "corpus"
for label, extract in (("yrd", yrd_text), ("trafilatura", trafilatura_text)):
    total = Score()
    for kind in ("html", "hexo", "jekyll", "xwlb_md"):
        s = Score()
        for rec in records(kind):
            text = extract(corpus / rec["file"])
            for problem in s.add(text, rec):
                if label == "yrd":
                    print(f"  {rec['file']}: {problem}")
            total.add(text, rec)
        print(s.row(f"{label} / {kind} ({len(records(kind))})"))
    print(total.row(f"{label} / all"))
