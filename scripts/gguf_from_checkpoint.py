#!/usr/bin/env python3
"""Writes the text decoder of a Qwen3-VL safetensors checkpoint as a GGUF file that llama.cpp
loads as its "qwen3" architecture, so llama.cpp and vlserve can be timed on the same weights.

Only for speed comparisons: the decoder's shapes, dtypes and values are copied exactly, but
llama.cpp's qwen3 applies plain 1-D RoPE where Qwen3-VL uses multimodal RoPE (identical arithmetic
cost, different positions for image tokens), and the vision tower is not written.

Pure Python (no numpy): bf16 and float32 tensors are copied as raw bytes; 1-D tensors (norm
weights) are widened to float32 as llama.cpp's own converter stores them.

usage: gguf_from_checkpoint.py MODEL_DIR OUT.gguf
"""
import json
import os
import struct
import sys

ALIGNMENT = 32  # GGUF's default general.alignment

# GGUF metadata value types and ggml tensor types used here.
T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY = 4, 5, 6, 7, 8, 9
GGML_F32, GGML_BF16 = 0, 30
TOKEN_NORMAL, TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNUSED = 1, 3, 4, 5

# Hugging Face names under model.language_model. -> llama.cpp names.
LAYER_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_norm.weight": "attn_q_norm.weight",
    "self_attn.k_norm.weight": "attn_k_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}


def gguf_name(hf_name):
    prefix = "model.language_model."
    if not hf_name.startswith(prefix):
        return None  # the vision tower, or a separate lm_head (tied here: llama.cpp reuses token_embd)
    rest = hf_name[len(prefix):]
    if rest == "embed_tokens.weight":
        return "token_embd.weight"
    if rest == "norm.weight":
        return "output_norm.weight"
    if rest.startswith("layers."):
        index, _, tail = rest[len("layers."):].partition(".")
        if tail in LAYER_NAMES:
            return "blk.%d.%s" % (int(index), LAYER_NAMES[tail])
    raise SystemExit("unexpected decoder tensor: " + hf_name)


def string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def value(kind, v):
    if kind == T_UINT32:
        return struct.pack("<I", v)
    if kind == T_INT32:
        return struct.pack("<i", v)
    if kind == T_FLOAT32:
        return struct.pack("<f", v)
    if kind == T_BOOL:
        return struct.pack("<B", 1 if v else 0)
    if kind == T_STRING:
        return string(v)
    raise ValueError(kind)


def kv(key, kind, v):
    return string(key) + struct.pack("<I", kind) + value(kind, v)


def kv_array(key, kind, items):
    out = [string(key), struct.pack("<IIQ", T_ARRAY, kind, len(items))]
    out.extend(value(kind, i) for i in items)
    return b"".join(out)


def vocabulary(model_dir, vocab_size):
    with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    tokens = ["[PAD%d]" % i for i in range(vocab_size)]
    types = [TOKEN_UNUSED] * vocab_size
    for text, i in tok["model"]["vocab"].items():
        tokens[i], types[i] = text, TOKEN_NORMAL
    for added in tok.get("added_tokens", []):
        tokens[added["id"]] = added["content"]
        types[added["id"]] = TOKEN_CONTROL if added.get("special") else TOKEN_USER_DEFINED
    merges = [m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]]
    return tokens, types, merges


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    model_dir, out_path = sys.argv[1], sys.argv[2]
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    text = config.get("text_config", config)
    st_path = os.path.join(model_dir, "model.safetensors")
    src = open(st_path, "rb")
    header_len = struct.unpack("<Q", src.read(8))[0]
    header = json.loads(src.read(header_len))
    data_start = 8 + header_len

    tensors = []  # (gguf name, ggml type, gguf dims, source offset, source bytes, widen)
    for name, info in header.items():
        if name == "__metadata__":
            continue
        target = gguf_name(name)
        if target is None:
            continue
        begin, end = info["data_offsets"]
        shape = info["shape"]
        if info["dtype"] == "BF16":
            widen = len(shape) == 1
            kind = GGML_F32 if widen else GGML_BF16
        elif info["dtype"] == "F32":
            widen, kind = False, GGML_F32
        else:
            raise SystemExit("%s: dtype %s is not handled" % (name, info["dtype"]))
        tensors.append((target, kind, list(reversed(shape)), data_start + begin, end - begin, widen))
    tensors.sort(key=lambda t: t[0])

    tokens, types, merges = vocabulary(model_dir, text["vocab_size"])
    arch = "qwen3"
    meta = [
        kv("general.architecture", T_STRING, arch),
        kv("general.name", T_STRING, "vlserve random-weight Qwen3-VL text decoder"),
        kv(arch + ".context_length", T_UINT32, 32768),
        kv(arch + ".embedding_length", T_UINT32, text["hidden_size"]),
        kv(arch + ".block_count", T_UINT32, text["num_hidden_layers"]),
        kv(arch + ".feed_forward_length", T_UINT32, text["intermediate_size"]),
        kv(arch + ".attention.head_count", T_UINT32, text["num_attention_heads"]),
        kv(arch + ".attention.head_count_kv", T_UINT32, text["num_key_value_heads"]),
        kv(arch + ".attention.key_length", T_UINT32, text["head_dim"]),
        kv(arch + ".attention.value_length", T_UINT32, text["head_dim"]),
        kv(arch + ".rope.freq_base", T_FLOAT32, float(text["rope_theta"])),
        kv(arch + ".attention.layer_norm_rms_epsilon", T_FLOAT32, float(text["rms_norm_eps"])),
        kv("tokenizer.ggml.model", T_STRING, "gpt2"),
        kv("tokenizer.ggml.pre", T_STRING, "qwen2"),
        kv_array("tokenizer.ggml.tokens", T_STRING, tokens),
        kv_array("tokenizer.ggml.token_type", T_INT32, types),
        kv_array("tokenizer.ggml.merges", T_STRING, merges),
        kv("tokenizer.ggml.bos_token_id", T_UINT32, text.get("bos_token_id", 151643)),
        kv("tokenizer.ggml.eos_token_id", T_UINT32, text.get("eos_token_id", 151645)),
        kv("tokenizer.ggml.padding_token_id", T_UINT32, 151643),
        kv("tokenizer.ggml.add_bos_token", T_BOOL, False),
    ]

    infos, offset = [], 0
    for target, kind, dims, _, nbytes, widen in tensors:
        infos.append(string(target) + struct.pack("<I", len(dims)) +
                     b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", kind, offset))
        offset += (nbytes * 2 if widen else nbytes)
        offset = (offset + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT

    with open(out_path, "wb") as out:
        out.write(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)))
        for m in meta:
            out.write(m)
        for i in infos:
            out.write(i)
        out.write(b"\0" * (-out.tell() % ALIGNMENT))
        for target, _, _, src_offset, nbytes, widen in tensors:
            src.seek(src_offset)
            left = nbytes
            while left > 0:
                chunk = src.read(min(left, 64 << 20))
                if not chunk:
                    raise SystemExit("%s: checkpoint ends early" % st_path)
                left -= len(chunk)
                if widen:  # bf16 is the top half of a float32: two zero bytes in front of each
                    chunk = b"".join(b"\0\0" + chunk[i:i + 2] for i in range(0, len(chunk), 2))
                out.write(chunk)
            out.write(b"\0" * (-out.tell() % ALIGNMENT))
    print("wrote %s: %d tensors, %d tokens" % (out_path, len(tensors), len(tokens)))


if __name__ == "__main__":
    main()
