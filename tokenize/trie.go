package tokenize

// trie is a byte trie over the unigram vocabulary (NORMAL, USER_DEFINED and
// UNUSED pieces, as SentencePiece's unigram model builds it). Children are
// found in one hash table keyed by (node, byte), which keeps the structure
// small and the walk free of allocations.
type trie struct {
	next  map[uint64]int32 // node<<8 | byte -> child node
	value []int32          // piece id ending at node, or -1
}

func newTrie(pieces []Piece) *trie {
	t := &trie{next: map[uint64]int32{}, value: []int32{-1}}
	for id, p := range pieces {
		switch p.Type {
		case Normal, UserDefined, Unused:
		default:
			continue
		}
		node := int32(0)
		for i := 0; i < len(p.Text); i++ {
			k := uint64(node)<<8 | uint64(p.Text[i])
			child, ok := t.next[k]
			if !ok {
				child = int32(len(t.value))
				t.value = append(t.value, -1)
				t.next[k] = child
			}
			node = child
		}
		t.value[node] = int32(id)
	}
	return t
}

// step moves from node along byte b; ok is false when no key continues so.
func (t *trie) step(node int32, b byte) (int32, bool) {
	child, ok := t.next[uint64(node)<<8|uint64(b)]
	return child, ok
}
