package normalize

import "sort"

type cccRange struct {
	lo, hi rune
	ccc    uint8
}

func combiningClass(r rune) uint8 {
	if r < 0x300 {
		return 0
	}
	t := cccTable
	i := sort.Search(len(t), func(i int) bool { return t[i].hi >= r })
	if i < len(t) && t[i].lo <= r {
		return t[i].ccc
	}
	return 0
}

// Hangul syllables decompose algorithmically (Unicode §3.12).
const (
	hangulBase = 0xAC00
	hangulLast = 0xD7A3
	jamoLBase  = 0x1100
	jamoVBase  = 0x1161
	jamoTBase  = 0x11A7
	jamoVCount = 21
	jamoTCount = 28
	jamoNCount = jamoVCount * jamoTCount
)

// nfd decomposes a stream of characters canonically and hands each to emit
// in NFD order. It holds the current segment, a starter and the combining
// marks after it, until the next starter shows that the marks are complete
// and can be put in canonical order.
type nfd struct {
	seg []rune
	buf [16]rune
}

// add feeds one character (already lowercased) and returns dst with any
// completed segment emitted.
func (n *nfd) add(dst []byte, r rune) []byte {
	if n.seg == nil {
		n.seg = n.buf[:0]
	}
	if r >= hangulBase && r <= hangulLast {
		s := r - hangulBase
		dst = n.push(dst, jamoLBase+s/jamoNCount)
		dst = n.push(dst, jamoVBase+(s%jamoNCount)/jamoTCount)
		if t := s % jamoTCount; t != 0 {
			dst = n.push(dst, jamoTBase+t)
		}
		return dst
	}
	if r >= 0xC0 {
		if d, ok := decomp[r]; ok {
			for _, x := range d {
				dst = n.push(dst, x)
			}
			return dst
		}
	}
	return n.push(dst, r)
}

func (n *nfd) push(dst []byte, r rune) []byte {
	if combiningClass(r) == 0 {
		dst = n.flush(dst)
	}
	n.seg = append(n.seg, r)
	return dst
}

// flush puts the segment's marks in canonical order (a stable sort of each
// run of non-zero combining classes) and emits it.
func (n *nfd) flush(dst []byte) []byte {
	seg := n.seg
	if len(seg) > 1 {
		// Insertion sort: segments are short and usually already ordered.
		for i := 1; i < len(seg); i++ {
			ci := combiningClass(seg[i])
			if ci == 0 {
				continue
			}
			for j := i; j > 0; j-- {
				cj := combiningClass(seg[j-1])
				if cj == 0 || cj <= ci {
					break
				}
				seg[j], seg[j-1] = seg[j-1], seg[j]
			}
		}
	}
	for _, r := range seg {
		dst = emit(dst, r)
	}
	n.seg = seg[:0]
	return dst
}
