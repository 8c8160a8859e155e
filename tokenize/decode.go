package tokenize

import (
	"strings"
	"unicode/utf8"
)

// Decode turns ids back into text as SentencePieceProcessor::Decode does:
// control pieces vanish, <unk> becomes the unk surface (" ⁇ " by default),
// runs of byte pieces become their bytes (malformed UTF-8 as U+FFFD per
// byte), U+2581 becomes a space, and the dummy-prefix space at the start of
// the text is dropped. Ids out of range are skipped.
func (m *Model) Decode(ids []int32) string {
	var sb strings.Builder
	var bytes []byte
	flush := func() {
		for len(bytes) > 0 {
			r, n := utf8.DecodeRune(bytes)
			if r == utf8.RuneError && n == 1 {
				sb.WriteString("\uFFFD")
			} else {
				sb.Write(bytes[:n])
			}
			bytes = bytes[n:]
		}
	}
	for _, id := range ids {
		if id < 0 || int(id) >= len(m.pieces) {
			continue
		}
		p := &m.pieces[id]
		switch p.Type {
		case Byte:
			b, _ := parseBytePiece(p.Text)
			bytes = append(bytes, b)
			continue
		case Control:
			flush()
			continue
		case Unknown:
			flush()
			sb.WriteString(m.unkSurface)
			continue
		}
		flush()
		piece := p.Text
		if sb.Len() == 0 && (m.addDummyPrefix || m.removeExtraWS) {
			piece = strings.TrimPrefix(piece, spaceSymbol)
		}
		sb.WriteString(strings.ReplaceAll(piece, spaceSymbol, " "))
	}
	flush()
	return sb.String()
}
