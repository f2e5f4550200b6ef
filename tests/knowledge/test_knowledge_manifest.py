import json
import shutil
from pathlib import Path

import pytest
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import (
    Normalize,
    Pooling,
    Transformer,
)
from transformers import BertConfig, BertModel

from knowledge.build import build_index
from knowledge.embedding import Embedder, default_model_path
from knowledge.errors import IndexMismatchError
from knowledge.search import KnowledgeSearch


@pytest.fixture(scope="session")
def other_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A different (tiny, randomly initialised) sentence-transformers model."""
    root = tmp_path_factory.mktemp("other-model")
    bert_dir = root / "bert"
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    BertModel(config).save_pretrained(bert_dir)
    for name in (
        "vocab.txt",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ):
        shutil.copy(default_model_path() / name, bert_dir / name)

    transformer = Transformer(str(bert_dir), max_seq_length=128)
    pooling = Pooling(32, pooling_mode="mean")
    model_dir = root / "tiny-random-bert"
    SentenceTransformer(modules=[transformer, pooling, Normalize()]).save(
        str(model_dir)
    )
    return model_dir


def test_open_index_with_another_model_refused(
    articles_dir: Path, index_dir: Path, embedder: Embedder, other_model_dir: Path
) -> None:
    build_index(articles_dir, index_dir, embedder=embedder)

    with pytest.raises(IndexMismatchError) as raised:
        KnowledgeSearch.open(index_dir, model_path=other_model_dir)

    error = raised.value
    assert set(error.differences) == {"name", "revision", "dimension"}
    assert error.differences["dimension"] == ("384", "32")
    assert "make index" in str(error)


def test_open_index_with_changed_weights_refused(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    build_index(articles_dir, index_dir, embedder=embedder)
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["revision"] = "0000000000000000"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(IndexMismatchError, match="revision: index has '0000"):
        KnowledgeSearch.open(index_dir, embedder=embedder)


def test_build_after_model_change_embeds_everything_again(
    articles_dir: Path, index_dir: Path, embedder: Embedder, other_model_dir: Path
) -> None:
    first = build_index(articles_dir, index_dir, model_path=other_model_dir)

    second = build_index(articles_dir, index_dir, embedder=embedder)

    assert second.embedded == second.chunks == first.chunks
    search = KnowledgeSearch.open(index_dir, embedder=embedder)
    model = search.manifest["model"]
    assert isinstance(model, dict) and model["dimension"] == 384
