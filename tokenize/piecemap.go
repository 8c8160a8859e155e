package tokenize

import "math/bits"

// pieceMap is an open-addressing hash map from piece bytes to ids, looked up
// with byte slices so the encoder's hot loop never allocates.
type pieceMap struct {
	slots []pmSlot
	mask  uint64
	data  []byte // all keys, concatenated
	n     int
}

type pmSlot struct {
	hash uint64
	off  uint32
	len  uint32
	id   int32 // -1: empty
}

func newPieceMap(n int) *pieceMap {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	p := &pieceMap{slots: make([]pmSlot, size), mask: uint64(size - 1)}
	for i := range p.slots {
		p.slots[i].id = -1
	}
	return p
}

// hashBytes is a small multiplicative hash; keys are short pieces.
func hashBytes(b []byte) uint64 {
	h := uint64(len(b)) * 0x9E3779B97F4A7C15
	for len(b) >= 8 {
		v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		hi, lo := bits.Mul64(h^v, 0xA0761D6478BD642F)
		h = hi ^ lo
		b = b[8:]
	}
	var v uint64
	for i, c := range b {
		v |= uint64(c) << (8 * uint(i))
	}
	hi, lo := bits.Mul64(h^v^0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3)
	return hi ^ lo
}

func (p *pieceMap) put(key string, id int32) {
	if 2*(p.n+1) > len(p.slots) {
		p.grow()
	}
	h := hashBytes([]byte(key))
	off := uint32(len(p.data))
	p.data = append(p.data, key...)
	p.insert(pmSlot{hash: h, off: off, len: uint32(len(key)), id: id})
	p.n++
}

func (p *pieceMap) insert(s pmSlot) {
	i := s.hash & p.mask
	for p.slots[i].id >= 0 {
		i = (i + 1) & p.mask
	}
	p.slots[i] = s
}

func (p *pieceMap) grow() {
	old := p.slots
	p.slots = make([]pmSlot, 2*len(old))
	p.mask = uint64(len(p.slots) - 1)
	for i := range p.slots {
		p.slots[i].id = -1
	}
	for _, s := range old {
		if s.id >= 0 {
			p.insert(s)
		}
	}
}

// lookup returns the id of key, or -1.
func (p *pieceMap) lookup(key []byte) int32 {
	h := hashBytes(key)
	i := h & p.mask
	for {
		s := &p.slots[i]
		if s.id < 0 {
			return -1
		}
		if s.hash == h && int(s.len) == len(key) && string(p.data[s.off:s.off+s.len]) == string(key) {
			return s.id
		}
		i = (i + 1) & p.mask
	}
}

func (p *pieceMap) get(key string) int32 { return p.lookup([]byte(key)) }
