"""The index folder's manifest: which model built the vectors, and how.

Vectors from different models (or from one model with other weights) live in
different spaces; comparing them gives confident nonsense. The manifest
records the model's name, revision, dimension and normalisation, and
:func:`check_model` refuses an index built with anything else.
"""

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.errors import IndexMismatchError, IndexNotBuiltError

logger = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelFingerprint:
    """What identifies an embedding space.

    ``revision`` is a hash of the model's configuration, tokenizer and weight
    files, so a retrained or swapped model under the same name still differs.
    ``normalisation`` is "l2": every stored and query vector has unit length,
    which makes inner product equal to cosine similarity.
    """

    name: str
    revision: str
    dimension: int
    normalisation: str = "l2"


@dataclass(frozen=True)
class IndexManifest:
    """Written last by a build; its presence marks a complete index."""

    model: ModelFingerprint
    articles: int
    chunks: int
    built_at: str
    max_seq_length: int
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "IndexManifest":
        model = data["model"]
        if not isinstance(model, dict):
            raise ValueError("manifest 'model' must be an object")
        return cls(
            model=ModelFingerprint(**model),
            articles=int(str(data["articles"])),
            chunks=int(str(data["chunks"])),
            built_at=str(data["built_at"]),
            max_seq_length=int(str(data["max_seq_length"])),
            format_version=int(str(data.get("format_version", FORMAT_VERSION))),
        )


def write_manifest(index_dir: Path, manifest: IndexManifest) -> None:
    """Write ``manifest.json`` into ``index_dir``."""
    path = index_dir / MANIFEST_FILE
    path.write_text(json.dumps(manifest.to_dict(), indent=2) + "\n", encoding="utf-8")


def read_manifest(index_dir: Path) -> IndexManifest:
    """Read an index's manifest; IndexNotBuiltError if there is none."""
    path = index_dir / MANIFEST_FILE
    if not path.is_file():
        raise IndexNotBuiltError(str(index_dir), MANIFEST_FILE)

    try:
        return IndexManifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as error:
        raise IndexNotBuiltError(
            str(index_dir), f"a readable {MANIFEST_FILE} ({error})"
        ) from error


def model_differences(
    built: ModelFingerprint, loaded: ModelFingerprint
) -> dict[str, tuple[str, str]]:
    """Return each fingerprint field that differs, as ``(index, model)``."""
    differences = {}
    for field, value in asdict(built).items():
        other = getattr(loaded, field)
        if value != other:
            differences[field] = (str(value), str(other))
    return differences


def check_model(
    index_dir: Path, manifest: IndexManifest, loaded: ModelFingerprint
) -> None:
    """Raise IndexMismatchError unless the index was built with ``loaded``."""
    differences = model_differences(manifest.model, loaded)
    if differences:
        raise IndexMismatchError(str(index_dir), differences)
