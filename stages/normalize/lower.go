package normalize

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

type runeRange struct{ lo, hi rune }

func inRanges(t []runeRange, r rune) bool {
	i := sort.Search(len(t), func(i int) bool { return t[i].hi >= r })
	return i < len(t) && t[i].lo <= r
}

// isPySpace reports whether str.strip() removes r: Unicode White_Space plus
// the separators U+001C-U+001F, which CPython counts as whitespace.
func isPySpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || (r >= 0x09 && r <= 0x0D) || (r >= 0x1C && r <= 0x1F)
	}
	return unicode.IsSpace(r)
}

// Strip is Python's str.strip() with no arguments.
func Strip(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			break
		}
		i += n
	}
	j := len(s)
	for j > i {
		r, n := utf8.DecodeLastRuneInString(s[i:j])
		if !isPySpace(r) {
			break
		}
		j -= n
	}
	return s[i:j]
}

// appendLower appends Python's str.lower() of the rune r found at byte
// offset i of s. Only two mappings differ from unicode.ToLower: U+0130,
// whose full lowercase is two code points, and the Greek capital sigma,
// which becomes final sigma at the end of a word (Unicode's Final_Sigma
// context, as CPython implements it).
func appendLower(dst []byte, s string, i int, r rune) []byte {
	switch r {
	case 0x130:
		return append(dst, "i\u0307"...)
	case 0x3A3:
		if finalSigma(s, i) {
			return utf8.AppendRune(dst, 0x3C2)
		}
		return utf8.AppendRune(dst, 0x3C3)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// finalSigma reports whether the sigma at byte i of s is preceded by a cased
// letter and not followed by one, case-ignorable characters skipped both ways.
func finalSigma(s string, i int) bool {
	j := i
	var c rune
	found := false
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if !inRanges(caseIgnorableTable, r) {
			c, found = r, true
			break
		}
	}
	if !found || !inRanges(casedTable, c) {
		return false
	}
	j = i + len("\u03a3")
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		if !inRanges(caseIgnorableTable, r) {
			return !inRanges(casedTable, r)
		}
	}
	return true
}
