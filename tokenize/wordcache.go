package tokenize

// wordCache memoizes the ids of BPE words for one encoder. Keys and values
// live in two arenas and the table holds offsets, so filling the cache
// allocates nothing per word and emptying it is three slice resets; a Go map
// of strings cost a third of the encoder's time in hashing, allocation and
// garbage collection.
type wordCache struct {
	slots []wcSlot
	words []byte
	ids   []int32
	n     int
}

type wcSlot struct {
	hash       uint64 // 0: empty
	woff, ioff uint32
	wlen, ilen uint16
}

const (
	wcSlots    = 1 << 17 // power of two; at most half are filled
	wcMaxWords = wcSlots / 2
	wcMaxBytes = 8 << 20
)

func (c *wordCache) get(word []byte) ([]int32, bool) {
	if c.slots == nil {
		return nil, false
	}
	h := hashBytes(word) | 1
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &c.slots[i]
		if s.hash == 0 {
			return nil, false
		}
		if s.hash == h && int(s.wlen) == len(word) && string(c.words[s.woff:s.woff+uint32(s.wlen)]) == string(word) {
			return c.ids[s.ioff : s.ioff+uint32(s.ilen)], true
		}
	}
}

func (c *wordCache) put(word []byte, ids []int32) {
	if len(word) > 0xFFFF || len(ids) > 0xFFFF {
		return
	}
	if c.slots == nil {
		c.slots = make([]wcSlot, wcSlots)
	}
	if c.n >= wcMaxWords || len(c.words)+len(word) > wcMaxBytes {
		clear(c.slots)
		c.words, c.ids, c.n = c.words[:0], c.ids[:0], 0
	}
	h := hashBytes(word) | 1
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for c.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = wcSlot{hash: h, woff: uint32(len(c.words)), wlen: uint16(len(word)), ioff: uint32(len(c.ids)), ilen: uint16(len(ids))}
	c.words = append(c.words, word...)
	c.ids = append(c.ids, ids...)
	c.n++
}
