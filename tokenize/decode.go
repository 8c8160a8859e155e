package tokenize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Decode turns ids back into text as SentencePieceProcessor::Decode (and
// spm_decode) does: control pieces vanish, <unk> becomes the unk surface
// (" ⁇ " by default), runs of byte pieces become their bytes (malformed UTF-8
// as U+FFFD per byte), U+2581 becomes a space, and the one space the dummy
// prefix added at the start of the text is dropped — only that one: with
// whitespace kept (LLaMA's identity normalization), "  x" decodes back to
// "  x". Only a model that removes extra whitespace drops every leading
// space, as SentencePiece does. An id out of range is an error, as in
// spm_decode ("Invalid id").
func (m *Model) Decode(ids []int32) (string, error) {
	for _, id := range ids {
		if id < 0 || int(id) >= len(m.pieces) {
			return "", fmt.Errorf("tokenize: invalid id %d (vocabulary size %d)", id, len(m.pieces))
		}
	}
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
	// atStart: the next piece may begin with the dummy-prefix space;
	// consumed: the previous piece was that space.
	atStart, consumed := true, false
	for _, id := range ids {
		p := &m.pieces[id]
		if p.Type == Byte {
			b, _ := parseBytePiece(p.Text)
			bytes = append(bytes, b)
			continue
		}
		flush()
		if consumed || sb.Len() > 0 {
			atStart = false
		}
		consumed = false
		switch p.Type {
		case Control:
			continue
		case Unknown:
			sb.WriteString(m.unkSurface)
			continue
		}
		piece := p.Text
		if atStart && (m.addDummyPrefix || m.removeExtraWS) {
			var ok bool
			piece, ok = strings.CutPrefix(piece, spaceSymbol)
			consumed = ok && !m.removeExtraWS
		}
		sb.WriteString(strings.ReplaceAll(piece, spaceSymbol, " "))
	}
	flush()
	return sb.String(), nil
}
