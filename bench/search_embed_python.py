#!/usr/bin/env python3
"""Python baseline for bench:search-embed (bench/searchEmbed.ts): the same texts and int8 ONNX file, with
sentence-transformers' encode() recipe (sort by length, batches, pad per batch, truncation to max_seq_length,
attention-mask mean pooling, L2) on onnxruntime + HF tokenizers. Not sentence-transformers itself (it needs
torch, not installable here). Prints one line: items_per_s=<n> seconds=<s>.
Usage: python3 bench/search_embed_python.py texts.json model_dir max_tokens batch [--serve]
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def main():
    texts_file, model_dir, max_tokens, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    texts = json.load(open(texts_file, encoding="utf-8"))
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.enable_truncation(max_length=max_tokens)
    tok.no_padding()
    onnx_dir = os.path.join(model_dir, "onnx")
    onnx = next(os.path.join(onnx_dir, f) for f in sorted(os.listdir(onnx_dir)) if f.endswith(".onnx"))
    sess = ort.InferenceSession(onnx, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}

    def run(chunk):
        enc = tok.encode_batch(chunk)
        n = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), n), dtype=np.int64)
        mask = np.zeros((len(enc), n), dtype=np.int64)
        for b, e in enumerate(enc):
            ids[b, : len(e.ids)] = e.ids
            mask[b, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = sess.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    run(texts[:batch])  # warm-up
    if len(sys.argv) > 5 and sys.argv[5] == "--serve":
        # Interleaved mode: one JSON line of texts in, the seconds it took out, so both sides of the bench see
        # the same machine load (a shared, busy machine makes back-to-back runs incomparable).
        print("ready", flush=True)
        for line in sys.stdin:
            chunk = json.loads(line)
            t = time.perf_counter()
            order = sorted(range(len(chunk)), key=lambda i: -len(chunk[i]))
            for s in range(0, len(order), batch):
                run([chunk[i] for i in order[s : s + batch]])
            print(f"{time.perf_counter() - t:.4f}", flush=True)
        return
    t0 = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # sentence-transformers sorts by length
    for s in range(0, len(order), batch):
        run([texts[i] for i in order[s : s + batch]])
    seconds = time.perf_counter() - t0
    print(f"items_per_s={len(texts) / seconds:.1f} seconds={seconds:.2f} onnxruntime={ort.__version__}")


if __name__ == "__main__":
    main()
