#!/usr/bin/env bash
# Rebuild a LLaMA-vocabulary SentencePiece model from the npm package
# llama-tokenizer-js 1.2.2, which ships LLaMA's 32,000 pieces (in id order)
# and Hugging Face's merge list.
#
#   tokenize/testdata/make-llama-model.sh OUT.model [llama-tokenizer-js-1.2.2.tgz]
#
# Without a tarball it runs `npm pack llama-tokenizer-js@1.2.2` in a temporary folder.
#
# What is reconstructed, and how:
#   - pieces and ids: exactly the package's vocabulary; ids 0-2 <unk> <s> </s>
#     (UNKNOWN, CONTROL, CONTROL), 3-258 <0x00>..<0xFF> (BYTE), the rest NORMAL;
#   - scores: spm_train gives learned piece i (id 259+i) the score -i, and LLaMA's
#     file sets whitespace-only pieces (▁▁, ▁▁▁▁, ...) to -1e9. The script checks
#     that the merge list's order agrees: every merge's result has a larger id
#     than the previous one, except the 15 whitespace-only pieces, listed last;
#   - trainer and normalizer specs: LLaMA's published options (BPE, vocab 32000,
#     byte_fallback, split_digits, identity normalization, dummy prefix, no
#     whitespace removal). Fields that only describe Meta's training run (input
#     path, thread count) are not LLaMA's.
# The file is not byte-identical to Meta's tokenizer.model, but encodes like it
# provided the scores above are right (they are what the merge order implies).
set -euo pipefail
OUT=${1:?usage: make-llama-model.sh OUT.model [llama-tokenizer-js-1.2.2.tgz]}
TGZ=${2:-}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
if [ -z "$TGZ" ]; then
  (cd "$TMP" && npm pack --silent llama-tokenizer-js@1.2.2 > /dev/null)
  TGZ="$TMP/llama-tokenizer-js-1.2.2.tgz"
fi
tar -xzf "$TGZ" -C "$TMP" package/llama-tokenizer.js
python3 - "$TMP/package/llama-tokenizer.js" "$OUT" <<'PYEOF'
import base64, re, struct, sys
src = open(sys.argv[1], encoding='utf-8').read()
vocab = base64.b64decode(re.search(r'const llama_vocab_base64 = "([^"]*)"', src).group(1)).decode('utf-8').split('\n')
mb = base64.b64decode(re.search(r'const llama_merges_binary = "([^"]*)"', src).group(1))
ints = struct.unpack('<%dH' % (len(mb) // 2), mb)
assert len(vocab) == 32000, len(vocab)
ws = {i for i, t in enumerate(vocab) if len(t) > 1 and set(t) == {'\u2581'}}
idx = {t: i for i, t in enumerate(vocab)}
res = [idx[vocab[ints[k]] + vocab[ints[k + 1]]] for k in range(0, len(ints), 2)]
plain = [r for r in res if r not in ws]
assert all(a <= b for a, b in zip(plain, plain[1:])), 'merge order disagrees with id order'
assert set(res[len(plain):]) == ws, 'whitespace merges are not last'

def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80); v >>= 7
    out.append(v)
    return bytes(out)
def key(num, wire): return varint(num << 3 | wire)
def vi(num, v): return key(num, 0) + varint(v)
def f32(num, v): return key(num, 5) + struct.pack('<f', v)
def by(num, b):
    if isinstance(b, str): b = b.encode('utf-8')
    return key(num, 2) + varint(len(b)) + b

pieces = b''
for i, t in enumerate(vocab):
    if i == 0:   typ, score = 2, 0.0
    elif i < 3:  typ, score = 3, 0.0
    elif i < 259:
        assert t == '<0x%02X>' % (i - 3), t
        typ, score = 6, 0.0
    else:
        typ, score = 1, (-1e9 if i in ws else -float(i - 259))
    sp = by(1, t) + f32(2, score) + (vi(3, typ) if typ != 1 else b'')
    pieces += by(1, sp)
trainer = b''.join([
    by(1, 'llama-training-text'), by(2, 'tokenizer'), vi(3, 2), vi(4, 32000), vi(6, 0), by(7, 'text'),
    f32(10, 0.99995), vi(11, 200000000), vi(14, 1000000), f32(15, 0.75), vi(16, 80), vi(17, 2),
    vi(18, 4192), vi(19, 1), vi(20, 16), vi(21, 1), vi(22, 1), vi(23, 1), vi(24, 0), vi(25, 1), vi(26, 1),
    vi(32, 1), vi(33, 1), vi(34, 0), vi(35, 1), by(36, ''), vi(40, 0), vi(41, 1), vi(42, 2), vi(43, -1),
    by(44, ' \u2047 '), by(45, '<unk>'), by(46, '<s>'), by(47, '</s>'), by(48, '<pad>'), vi(49, 0)])
normalizer = by(1, 'identity') + by(2, b'') + vi(3, 1) + vi(4, 0) + by(6, '')
open(sys.argv[2], 'wb').write(pieces + by(2, trainer) + by(3, normalizer))
print('wrote %s: %d pieces, %d whitespace-only pieces at -1e9' % (sys.argv[2], len(vocab), len(ws)))
PYEOF
