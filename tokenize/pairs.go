package tokenize

import "unicode/utf8"

// mergeTable answers the BPE encoder's only question, "is left+right a
// piece?", with integer keys instead of hashing bytes. A BPE symbol is
// always a single character or a vocabulary piece (a merge only succeeds
// when the concatenation is a piece), so listing, for every piece, each
// split into two such symbols gives every merge the encoder can make.
// Characters that are not pieces themselves get ids past the vocabulary.
type mergeTable struct {
	syms  *pieceMap // pieces (NORMAL, USER_DEFINED, UNUSED) and extra characters
	ascii [128]int32
	// Open addressing, key 0 = empty (ids are offset by 1). With fewer
	// than 65535 symbols the keys fit 32 bits and a slot 8 bytes, which
	// keeps LLaMA's table (61,249 merges) at 1 MB, in cache.
	small []mergeSlot32
	slots []mergeSlot
	score []float32 // by piece id
	bmp   []int32   // symbol ids of characters below U+10000, -1 if none
	mask  uint64
	shift uint
}

type mergeSlot32 struct {
	key uint32
	id  int32
}

func pairKey32(a, b int32) uint32 { return uint32(a+1)<<16 | uint32(b+1) }

func pairKey(a, b int32) uint64 { return uint64(uint32(a)+1)<<32 | uint64(uint32(b)+1) }

func newMergeTable(m *Model) *mergeTable {
	t := &mergeTable{syms: newPieceMap(len(m.pieces) * 2)}
	next := int32(len(m.pieces))
	for id, p := range m.pieces {
		if p.Type == Normal || p.Type == UserDefined || p.Type == Unused {
			t.syms.put(p.Text, int32(id))
		}
	}
	symID := func(s string) int32 {
		if id := t.syms.get(s); id >= 0 {
			return id
		}
		if utf8.RuneCountInString(s) == 1 {
			id := next
			next++
			t.syms.put(s, id)
			return id
		}
		return -1
	}
	type entry struct {
		k  uint64
		id int32
	}
	total := 0
	for _, p := range m.pieces {
		total += len(p.Text)
	}
	entries := make([]entry, 0, total)
	for id, p := range m.pieces {
		if p.Type != Normal && p.Type != Unused {
			continue // user-defined pieces are frozen, never merged into
		}
		s := p.Text
		for i := range s {
			if i == 0 {
				continue
			}
			a, b := symID(s[:i]), symID(s[i:])
			if a < 0 || b < 0 {
				continue
			}
			entries = append(entries, entry{pairKey(a, b), int32(id)})
		}
	}
	size := 16
	for size < 2*len(entries) {
		size <<= 1
	}
	t.mask = uint64(size - 1)
	for bits := uint(0); 1<<bits < size; bits++ {
		t.shift = 64 - bits - 1
	}
	t.score = make([]float32, len(m.pieces))
	for id, p := range m.pieces {
		t.score[id] = p.Score
	}
	if next < 0xFFFF {
		t.small = make([]mergeSlot32, size)
		for _, e := range entries {
			a, b := int32(e.k>>32)-1, int32(uint32(e.k))-1
			k := pairKey32(a, b)
			i := t.slot(uint64(k))
			for t.small[i].key != 0 && t.small[i].key != k {
				i = (i + 1) & t.mask
			}
			t.small[i] = mergeSlot32{k, e.id}
		}
	} else {
		t.slots = make([]mergeSlot, size)
		for _, e := range entries {
			i := t.slot(e.k)
			for t.slots[i].key != 0 && t.slots[i].key != e.k {
				i = (i + 1) & t.mask
			}
			t.slots[i] = mergeSlot{e.k, e.id, m.pieces[e.id].Score}
		}
	}
	// Single-character symbols, straight from the symbol map's slots.
	for c := range t.ascii {
		t.ascii[c] = -1
	}
	t.bmp = make([]int32, 0x10000)
	for c := range t.bmp {
		t.bmp[c] = -1
	}
	for _, sl := range t.syms.slots {
		if sl.id < 0 {
			continue
		}
		key := t.syms.data[sl.off : sl.off+sl.len]
		r, n := utf8.DecodeRune(key)
		if n != len(key) || (r == utf8.RuneError && n == 1) {
			continue
		}
		if r < utf8.RuneSelf {
			t.ascii[r] = sl.id
		}
		if r < 0x10000 {
			t.bmp[r] = sl.id
		}
	}
	return t
}

func (t *mergeTable) slot(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> t.shift & t.mask }

// mergeSlot keeps key and answer in one 16-byte slot: a lookup touches one
// cache line, which is what the encoder waits for.
type mergeSlot struct {
	key   uint64
	id    int32
	score float32
}

// merge returns the piece id of a+b and its score, or -1.
func (t *mergeTable) merge(a, b int32) (int32, float32) {
	if a < 0 || b < 0 {
		return -1, 0
	}
	if t.small != nil {
		k := pairKey32(a, b)
		for i := t.slot(uint64(k)); ; i = (i + 1) & t.mask {
			sl := &t.small[i]
			switch sl.key {
			case k:
				return sl.id, t.score[sl.id]
			case 0:
				return -1, 0
			}
		}
	}
	k := pairKey(a, b)
	i := t.slot(k)
	for {
		sl := &t.slots[i]
		switch sl.key {
		case k:
			return sl.id, sl.score
		case 0:
			return -1, 0
		}
		i = (i + 1) & t.mask
	}
}

// symbol returns the symbol id of one character or user-defined piece, or -1.
func (t *mergeTable) symbol(s []byte) int32 {
	switch len(s) {
	case 1:
		if s[0] < utf8.RuneSelf {
			return t.ascii[s[0]]
		}
	case 2:
		if s[0]&0xE0 == 0xC0 && s[1]&0xC0 == 0x80 {
			if r := rune(s[0]&0x1F)<<6 | rune(s[1]&0x3F); r >= 0x80 {
				return t.bmp[r]
			}
		}
	case 3:
		if s[0]&0xF0 == 0xE0 && s[1]&0xC0 == 0x80 && s[2]&0xC0 == 0x80 {
			if r := rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F); r >= 0x800 {
				return t.bmp[r]
			}
		}
	}
	return t.syms.lookup(s)
}
