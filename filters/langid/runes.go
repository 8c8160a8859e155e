package langid

import (
	"strings"
	"sync"
	"unicode"
)

// Rune properties the analysis asks about, precomputed for the Basic
// Multilingual Plane: unicode's tables answer by binary search, several
// times per character, and the analysis is the bulk of a document's cost.
// Runes past the BMP (rare) are asked of unicode directly.
const (
	pSpace    = 1 << iota // unicode.IsSpace
	pLetter               // unicode.IsLetter
	pMark                 // Mn or Mc: vowel signs, combining accents
	pDigit                // unicode.IsDigit
	pNumber               // unicode.IsNumber
	pUpper                // unicode.IsUpper
	pLower                // unicode.IsLower
	pUnspaced             // a letter of a script written without spaces (from U+0E00)
	pVowel                // isVowel (of the rune itself, not of its lowercase)
)

type runeTables struct {
	props  [0x10000]uint16
	script [0x10000]uint8 // scriptOf, for letters
	lower  [0x10000]uint16
}

var (
	tablesOnce sync.Once
	tables     *runeTables
)

// runeTablesBuilt returns the tables, building them on first use (~10 ms).
func runeTablesBuilt() *runeTables {
	tablesOnce.Do(func() {
		t := new(runeTables)
		for r := rune(0); r < 0x10000; r++ {
			t.props[r] = slowProps(r)
			t.script[r] = uint8(slowScriptOf(r))
			if l := unicode.ToLower(r); l < 0x10000 {
				t.lower[r] = uint16(l)
			} else {
				// Never in Unicode 15; lowerOf would be wrong, so fail loudly.
				panic("langid: lowercase outside the BMP")
			}
		}
		tables = t
	})
	return tables
}

func slowProps(r rune) uint16 {
	var p uint16
	if unicode.IsSpace(r) {
		p |= pSpace
	}
	if unicode.IsLetter(r) {
		p |= pLetter
		if r >= 0xE00 && unicode.In(r, unspacedScripts...) {
			p |= pUnspaced
		}
	}
	if unicode.In(r, unicode.Mn, unicode.Mc) {
		p |= pMark
	}
	if unicode.IsDigit(r) {
		p |= pDigit
	}
	if unicode.IsNumber(r) {
		p |= pNumber
	}
	if unicode.IsUpper(r) {
		p |= pUpper
	}
	if unicode.IsLower(r) {
		p |= pLower
	}
	if isVowel(r) {
		p |= pVowel
	}
	return p
}

func (t *runeTables) propOf(r rune) uint16 {
	if uint32(r) < 0x10000 {
		return t.props[r]
	}
	return slowProps(r)
}

func (t *runeTables) scriptOf(r rune) int {
	if uint32(r) < 0x10000 {
		return int(t.script[r])
	}
	return slowScriptOf(r)
}

func (t *runeTables) lowerOf(r rune) rune {
	if uint32(r) < 0x10000 {
		return rune(t.lower[r])
	}
	return unicode.ToLower(r)
}

// asciiClass holds the properties of ASCII bytes (with pVowel for both
// cases, as the analysis asks about the lowercase letter).
var asciiClass = func() (c [128]uint16) {
	for b := range c {
		r := rune(b)
		c[b] = slowProps(r) | slowProps(unicode.ToLower(r))&pVowel
	}
	return c
}()

var vowels = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿāăąēĕėęěīįıōőœūůűųũỳơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỹỵỷ"

func isVowel(r rune) bool {
	if r < 0x80 {
		switch r {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return true
		}
		return false
	}
	return strings.ContainsRune(vowels, r)
}
