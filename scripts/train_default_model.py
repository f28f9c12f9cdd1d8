"""Train the shipped default classifier (src/sitroom/analysis/data/default_model.skops).

    python scripts/train_default_model.py [--data ../shared/data/crisislex-t26] [--out PATH]

Training data:
- the 20 CrisisLexT26 crises (~21,600 labelled tweets), "Information Type" mapped onto the
  default taxonomy by `sitroom.analysis.classifier.crisislex.map_crisislex_label`: six types
  one to one ("Not applicable" and "Not labeled" both → not_humanitarian), "Affected
  individuals" split by keyword rules into requests_or_urgent_needs / missing_or_found_people /
  displaced_people_and_evacuations / injured_or_dead_people, and "Donations and volunteering"
  tweets that state a concrete need → requests_or_urgent_needs;
  "Informativeness": "Related and informative" → informative, anything else → not;
- the 90 hand-written seed examples in src/sitroom/analysis/data/seed_examples.jsonl (15 English
  and 15 Arabic for each of requests_or_urgent_needs, missing_or_found_people and
  displaced_people_and_evacuations, the categories CrisisLexT26 lacks), each weighted
  `SEED_WEIGHT`, all marked informative, read as one more source: the cross-crisis
  vocabulary filter keeps only n-grams seen in 3+ sources, so their English wording counts
  and their Arabic n-grams (no crisis has any) stay out of the n-gram head, which would
  otherwise read any Arabic message as one of these three categories; Arabic is left to the
  multilingual embedding head, whose vote the n-gram head yields to on text it cannot read.

Deterministic: files are read in sorted order, SGD has a fixed seed, logistic regression is
deterministic, and the file holds no timestamp.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sitroom.analysis.classifier.crisislex import map_crisislex_label  # noqa: E402
from sitroom.analysis.classifier.embedding import shared_embedder  # noqa: E402
from sitroom.analysis.classifier.learn import train_classifier  # noqa: E402
from sitroom.analysis.classifier.model import DEFAULT_MODEL_PATH  # noqa: E402
from sitroom.analysis.classifier.training import LabelledExample, read_labelled  # noqa: E402

SEEDS = REPO / "src" / "sitroom" / "analysis" / "data" / "seed_examples.jsonl"
SEED_WEIGHT = 3.0


def crisislex_examples(folder: Path) -> list[LabelledExample]:
    """Every labelled tweet of the CrisisLexT26 folder, mapped to the default taxonomy."""
    files = sorted(folder.glob("*-tweets_labeled.csv"))
    if not files:
        raise SystemExit(f"no CrisisLexT26 files (*-tweets_labeled.csv) in {folder}")
    examples: list[LabelledExample] = []
    for path in files:
        examples.extend(read_labelled(path, mapper=map_crisislex_label).examples)
    return examples


def seed_examples() -> list[LabelledExample]:
    """The hand-written English and Arabic seeds (one source: their Arabic n-grams, seen in
    no crisis, are left out of the n-gram vocabulary; the embedding head learns from them)."""
    rows = [orjson.loads(line) for line in SEEDS.read_bytes().splitlines() if line.strip()]
    return [LabelledExample(row["text"], row["label"], True, "seed_examples") for row in rows]


def main() -> None:
    """Train, save, and print what went in."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path,
                        default=REPO.parent / "shared" / "data" / "crisislex-t26")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    tweets = crisislex_examples(args.data)
    seeds = seed_examples()
    examples = tweets + seeds
    weights = [1.0] * len(tweets) + [SEED_WEIGHT] * len(seeds)
    embedder = None if args.no_embeddings else shared_embedder()
    model = train_classifier(examples, embedder=embedder, weights=weights)
    model.meta["training_data"] = {
        "crisislex_t26_tweets": len(tweets), "seed_examples": len(seeds),
        "seed_weight": SEED_WEIGHT, "label_map": "crisislex-t26 (keyword split, see crisislex.py)",
    }
    model.save(args.out)
    for label, count in sorted(Counter(e.label for e in examples).items()):
        print(f"{label:40s} {count:6d}")
    size = args.out.stat().st_size
    print(f"{len(examples)} examples ({len(seeds)} seeds); model written to {args.out} "
          f"({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
