package tokenize

// trie is a byte trie over the unigram vocabulary (NORMAL, USER_DEFINED and
// UNUSED pieces, as SentencePiece's unigram model builds it). Edges live in
// one open-addressing table keyed by (node, byte), so a step is one hash
// probe and the walk allocates nothing.
type trie struct {
	keys  []uint64 // node<<8 | byte, +1; 0 = empty
	child []int32
	mask  uint64
	shift uint
	value []int32    // piece id ending at node, or -1
	root  [256]int32 // children of the root, -1 if none
	score []float32  // by piece id, copied out of the pieces for locality
	kind  []uint8    // by piece id: kindNormal, kindUser or kindUnused
}

const (
	kindNormal = iota
	kindUser
	kindUnused
)

func newTrie(pieces []Piece) *trie {
	edges := map[uint64]int32{}
	value := []int32{-1}
	for id, p := range pieces {
		switch p.Type {
		case Normal, UserDefined, Unused:
		default:
			continue
		}
		node := int32(0)
		for i := 0; i < len(p.Text); i++ {
			k := uint64(node)<<8 | uint64(p.Text[i])
			c, ok := edges[k]
			if !ok {
				c = int32(len(value))
				value = append(value, -1)
				edges[k] = c
			}
			node = c
		}
		value[node] = int32(id)
	}
	size := 16
	for size < 2*len(edges) {
		size <<= 1
	}
	t := &trie{keys: make([]uint64, size), child: make([]int32, size), mask: uint64(size - 1), value: value,
		score: make([]float32, len(pieces)), kind: make([]uint8, len(pieces))}
	for id, p := range pieces {
		t.score[id] = p.Score
		switch p.Type {
		case UserDefined:
			t.kind[id] = kindUser
		case Unused:
			t.kind[id] = kindUnused
		}
	}
	for b := range t.root {
		t.root[b] = -1
		if c, ok := edges[uint64(b)]; ok {
			t.root[b] = c
		}
	}
	for bits := uint(0); 1<<bits < size; bits++ {
		t.shift = 64 - bits - 1
	}
	for k, c := range edges {
		i := t.slot(k + 1)
		for t.keys[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i] = k + 1
		t.child[i] = c
	}
	return t
}

func (t *trie) slot(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> t.shift & t.mask }

// step moves from node along byte b; ok is false when no key continues so.
func (t *trie) step(node int32, b byte) (int32, bool) {
	if node == 0 {
		c := t.root[b]
		return c, c >= 0
	}
	k := (uint64(node)<<8 | uint64(b)) + 1
	for i := t.slot(k); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return t.child[i], true
		case 0:
			return 0, false
		}
	}
}
