package tokenize

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"unicode/utf8"
)

// ModelType is TrainerSpec.model_type.
type ModelType int

// Model types as numbered in sentencepiece_model.proto.
const (
	Unigram ModelType = 1
	BPE     ModelType = 2
	Word    ModelType = 3
	Char    ModelType = 4
)

// String is the name spm_train's --model_type uses.
func (t ModelType) String() string {
	switch t {
	case Unigram:
		return "unigram"
	case BPE:
		return "bpe"
	case Word:
		return "word"
	case Char:
		return "char"
	}
	return fmt.Sprintf("ModelType(%d)", int(t))
}

// PieceType is ModelProto.SentencePiece.Type.
type PieceType int

// Piece types as numbered in sentencepiece_model.proto.
const (
	Normal      PieceType = 1
	Unknown     PieceType = 2
	Control     PieceType = 3
	UserDefined PieceType = 4
	Unused      PieceType = 5
	Byte        PieceType = 6
)

// String is the lower-case name of the type in sentencepiece_model.proto.
func (t PieceType) String() string {
	switch t {
	case Normal:
		return "normal"
	case Unknown:
		return "unknown"
	case Control:
		return "control"
	case UserDefined:
		return "user_defined"
	case Unused:
		return "unused"
	case Byte:
		return "byte"
	}
	return fmt.Sprintf("PieceType(%d)", int(t))
}

// Piece is one vocabulary entry; its id is its index in the model.
type Piece struct {
	Text  string
	Score float32
	Type  PieceType
}

// Field numbers of sentencepiece_model.proto (0.1.97).
const (
	mpPieces     = 1
	mpTrainer    = 2
	mpNormalizer = 3

	spPiece = 1
	spScore = 2
	spType  = 3

	tsModelType       = 3
	tsVocabSize       = 4
	tsCharCoverage    = 10
	tsMaxPieceLen     = 20
	tsSplitScript     = 21
	tsSplitWS         = 22
	tsSplitNumber     = 23
	tsWSSuffix        = 24
	tsSplitDigits     = 25
	tsAllowWSOnly     = 26
	tsByteFallback    = 35
	tsUnkID           = 40
	tsBosID           = 41
	tsEosID           = 42
	tsPadID           = 43
	tsUnkSurface      = 44
	tsUnkPiece        = 45
	tsBosPiece        = 46
	tsEosPiece        = 47
	tsPadPiece        = 48
	nsName            = 1
	nsCharsmap        = 2
	nsAddDummyPrefix  = 3
	nsRemoveExtraWS   = 4
	nsEscapeWS        = 5
	defaultUnkSurface = " \u2047 "
)

// Model is a SentencePiece model: its vocabulary, its trainer and normalizer
// specs, and the encoder state derived from them. A Model is immutable after
// Parse and safe for concurrent use by many goroutines.
type Model struct {
	top        message  // ModelProto fields, pieces included as placeholders
	pieces     []Piece  // vocabulary, index = id
	rawPieces  [][]byte // original wire bytes of each piece; nil entries are re-encoded
	trainer    message
	normalizer message

	typ          ModelType
	unkID        int32
	bosID, eosID int32
	padID        int32
	byteFallback bool
	unkSurface   string

	addDummyPrefix bool
	removeExtraWS  bool
	escapeWS       bool
	wsSuffix       bool

	vocab    *pieceMap // NORMAL, USER_DEFINED and UNUSED pieces
	reserved map[string]int32
	byteID   [256]int32
	user     *prefixMatcher // user-defined pieces, never split
	charsmap *charsmap

	minScore, maxScore float32
	trie               *trie       // unigram only
	merges             *mergeTable // BPE only
	wordSplit          bool        // BPE: no piece joins a character to a following U+2581
	hasUnused          bool        // some piece has type UNUSED

	pool encoderPool
}

// Load reads a SentencePiece .model file.
func Load(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenize: %w", err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("tokenize: model %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes a serialized ModelProto. The returned model keeps every
// field it does not interpret, so Marshal writes the same bytes back.
func Parse(data []byte) (*Model, error) {
	data = append([]byte(nil), data...) // fields alias the input
	top, err := parseMessage(data)
	if err != nil {
		return nil, fmt.Errorf("ModelProto: %w", err)
	}
	m := &Model{top: top}
	for i, f := range top.fields {
		switch f.num {
		case mpPieces:
			if f.wire != wireBytes {
				return nil, fmt.Errorf("ModelProto field 1 #%d: wire type %d", i, f.wire)
			}
			pm, err := parseMessage(f.b)
			if err != nil {
				return nil, fmt.Errorf("piece %d: %w", len(m.pieces), err)
			}
			p := Piece{
				Text:  pm.getString(spPiece, ""),
				Score: pm.getFloat(spScore, 0),
				Type:  PieceType(pm.getUint(spType, uint64(Normal))),
			}
			m.pieces = append(m.pieces, p)
			m.rawPieces = append(m.rawPieces, f.b)
		case mpTrainer:
			if m.trainer, err = parseMessage(f.b); err != nil {
				return nil, fmt.Errorf("TrainerSpec: %w", err)
			}
		case mpNormalizer:
			if m.normalizer, err = parseMessage(f.b); err != nil {
				return nil, fmt.Errorf("NormalizerSpec: %w", err)
			}
		}
	}
	if err := m.init(); err != nil {
		return nil, err
	}
	return m, nil
}

// newModel assembles a model from parts, as the trainer does.
func newModel(pieces []Piece, trainer, normalizer message) (*Model, error) {
	m := &Model{pieces: pieces, rawPieces: make([][]byte, len(pieces)), trainer: trainer, normalizer: normalizer}
	m.top.fields = []field{{num: mpPieces, wire: wireBytes}, {num: mpTrainer, wire: wireBytes}, {num: mpNormalizer, wire: wireBytes}}
	if err := m.init(); err != nil {
		return nil, err
	}
	return m, nil
}

// init derives the encoder state from pieces and specs, with the checks
// SentencePiece's ModelInterface makes on load.
func (m *Model) init() error {
	if len(m.pieces) == 0 {
		return errors.New("tokenize: model has no pieces")
	}
	m.typ = ModelType(m.trainer.getUint(tsModelType, uint64(Unigram)))
	switch m.typ {
	case BPE, Unigram:
	default:
		return fmt.Errorf("tokenize: model type %v is not supported (bpe and unigram are)", m.typ)
	}
	m.byteFallback = m.trainer.getBool(tsByteFallback, false)
	m.unkSurface = m.trainer.getString(tsUnkSurface, defaultUnkSurface)
	m.wsSuffix = m.trainer.getBool(tsWSSuffix, false)
	m.addDummyPrefix = m.normalizer.getBool(nsAddDummyPrefix, true)
	m.removeExtraWS = m.normalizer.getBool(nsRemoveExtraWS, true)
	m.escapeWS = m.normalizer.getBool(nsEscapeWS, true)

	m.vocab = newPieceMap(len(m.pieces))
	m.reserved = map[string]int32{}
	m.unkID = -1
	for i := range m.byteID {
		m.byteID[i] = -1
	}
	m.minScore, m.maxScore = math.MaxFloat32, 0x1p-126 // FLT_MAX, FLT_MIN as in SentencePiece
	var users []string
	for i, p := range m.pieces {
		id := int32(i)
		if p.Text == "" {
			return fmt.Errorf("tokenize: piece %d is empty", i)
		}
		// Not checked by SentencePiece, but never true of a model it wrote:
		// a damaged file (a flipped bit) shows here instead of encoding
		// garbage.
		if !utf8.ValidString(p.Text) {
			return fmt.Errorf("tokenize: piece %d %q is not valid UTF-8 (damaged model file?)", i, p.Text)
		}
		if math.IsNaN(float64(p.Score)) || math.IsInf(float64(p.Score), 0) {
			return fmt.Errorf("tokenize: piece %d %q has score %v (damaged model file?)", i, p.Text, p.Score)
		}
		switch p.Type {
		case Normal, UserDefined, Unused:
			if m.vocab.get(p.Text) >= 0 {
				return fmt.Errorf("tokenize: piece %d %q is already defined", i, p.Text)
			}
			m.vocab.put(p.Text, id)
			if p.Type == UserDefined {
				users = append(users, p.Text)
			}
			if p.Type == Unused {
				m.hasUnused = true
			}
			if p.Type == Normal {
				m.minScore = min(m.minScore, p.Score)
				m.maxScore = max(m.maxScore, p.Score)
			}
		case Unknown, Control, Byte:
			if _, dup := m.reserved[p.Text]; dup {
				return fmt.Errorf("tokenize: piece %d %q is already defined", i, p.Text)
			}
			m.reserved[p.Text] = id
			if p.Type == Unknown {
				if m.unkID >= 0 {
					return fmt.Errorf("tokenize: piece %d: unk is already defined as id %d", i, m.unkID)
				}
				m.unkID = id
			}
			if p.Type == Byte {
				b, ok := parseBytePiece(p.Text)
				if !ok {
					return fmt.Errorf("tokenize: byte piece %d %q is not <0xNN>", i, p.Text)
				}
				m.byteID[b] = id
			}
		default:
			return fmt.Errorf("tokenize: piece %d %q has unknown type %d", i, p.Text, int(p.Type))
		}
	}
	if m.unkID < 0 {
		return errors.New("tokenize: model has no unk piece")
	}
	if m.byteFallback {
		for b, id := range m.byteID {
			if id < 0 {
				return fmt.Errorf("tokenize: byte_fallback is set but piece <0x%02X> is missing", b)
			}
		}
	}
	m.bosID = m.controlID(tsBosPiece, "<s>")
	m.eosID = m.controlID(tsEosPiece, "</s>")
	m.padID = m.controlID(tsPadPiece, "<pad>")
	m.user = newPrefixMatcher(users)
	if cm := m.normalizer.getBytes(nsCharsmap); len(cm) > 0 {
		c, err := parseCharsmap(cm)
		if err != nil {
			return fmt.Errorf("tokenize: normalizer %q: %w", m.normalizer.getString(nsName, ""), err)
		}
		m.charsmap = c
	}
	if m.typ == Unigram {
		m.trie = newTrie(m.pieces)
	}
	if m.typ == BPE {
		m.merges = newMergeTable(m)
		m.wordSplit = canSplitWords(m.pieces)
	}
	return nil
}

// controlID finds the id of a special piece named in the trainer spec, the
// way SentencePieceProcessor's bos_id() does: -1 unless it is a control piece.
func (m *Model) controlID(num int, def string) int32 {
	id, ok := m.reserved[m.trainer.getString(num, def)]
	if !ok || m.pieces[id].Type != Control {
		return -1
	}
	return id
}

func parseBytePiece(s string) (byte, bool) {
	if len(s) != 6 || !strings.HasPrefix(s, "<0x") || s[5] != '>' {
		return 0, false
	}
	var v byte
	for _, c := range []byte(s[3:5]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}

// Marshal serializes the model as a ModelProto that spm_encode loads. For a
// parsed model the bytes are those that were parsed.
func (m *Model) Marshal() ([]byte, error) {
	var out []byte
	wrotePieces := false
	for _, f := range m.top.fields {
		switch f.num {
		case mpPieces:
			if wrotePieces {
				continue
			}
			wrotePieces = true
			for i, p := range m.pieces {
				raw := m.rawPieces[i]
				if raw == nil {
					raw = encodePiece(p)
				}
				out = appendField(out, field{num: mpPieces, wire: wireBytes, b: raw})
			}
		case mpTrainer:
			out = appendField(out, field{num: mpTrainer, wire: wireBytes, b: m.trainer.marshal(nil)})
		case mpNormalizer:
			out = appendField(out, field{num: mpNormalizer, wire: wireBytes, b: m.normalizer.marshal(nil)})
		default:
			out = appendField(out, f)
		}
	}
	return out, nil
}

// encodePiece writes a piece as SentencePiece's trainer does: the type is
// omitted for NORMAL pieces.
func encodePiece(p Piece) []byte {
	var pm message
	pm.setString(spPiece, p.Text)
	pm.setFloat(spScore, p.Score)
	if p.Type != Normal {
		pm.setUint(spType, uint64(p.Type))
	}
	return pm.marshal(nil)
}

// Type is the model's algorithm, BPE or Unigram.
func (m *Model) Type() ModelType { return m.typ }

// VocabSize is the number of pieces; ids run from 0 to VocabSize()-1.
func (m *Model) VocabSize() int { return len(m.pieces) }

// UnkID is the id of the unknown piece.
func (m *Model) UnkID() int32 { return m.unkID }

// BOSID is the id of the begin-of-sentence control piece, or -1.
func (m *Model) BOSID() int32 { return m.bosID }

// EOSID is the id of the end-of-sentence control piece, or -1.
func (m *Model) EOSID() int32 { return m.eosID }

// PadID is the id of the padding control piece, or -1.
func (m *Model) PadID() int32 { return m.padID }

// Piece returns vocabulary entry id; it panics when id is out of range.
func (m *Model) Piece(id int32) Piece { return m.pieces[id] }

// IDToPiece returns the text of piece id, or "" when id is out of range.
func (m *Model) IDToPiece(id int32) string {
	if id < 0 || int(id) >= len(m.pieces) {
		return ""
	}
	return m.pieces[id].Text
}

// PieceToID returns the id of piece text, or UnkID when it is not in the vocabulary.
func (m *Model) PieceToID(text string) int32 {
	if id, ok := m.reserved[text]; ok {
		return id
	}
	if id := m.vocab.get(text); id >= 0 {
		return id
	}
	return m.unkID
}

// ByteFallback reports whether unknown characters are encoded as <0xNN> pieces.
func (m *Model) ByteFallback() bool { return m.byteFallback }

// NormalizerSpec is the part of the normalizer spec the encoder obeys.
type NormalizerSpec struct {
	Name                    string
	AddDummyPrefix          bool
	RemoveExtraWhitespaces  bool
	EscapeWhitespaces       bool
	TreatWhitespaceAsSuffix bool // from the trainer spec
	CharsmapBytes           int  // size of precompiled_charsmap; 0 for identity
}

// Normalizer describes how the model normalizes text before encoding.
func (m *Model) Normalizer() NormalizerSpec {
	return NormalizerSpec{
		Name:                    m.normalizer.getString(nsName, ""),
		AddDummyPrefix:          m.addDummyPrefix,
		RemoveExtraWhitespaces:  m.removeExtraWS,
		EscapeWhitespaces:       m.escapeWS,
		TreatWhitespaceAsSuffix: m.wsSuffix,
		CharsmapBytes:           len(m.normalizer.getBytes(nsCharsmap)),
	}
}

// canSplitWords reports whether no piece holds a character other than U+2581
// followed by U+2581. Then no BPE merge crosses the start of a word (a U+2581
// after another character), words can be encoded independently and their
// results cached, and the output is the same. Models trained with
// split_by_whitespace and the dummy prefix (LLaMA's) have this property.
func canSplitWords(pieces []Piece) bool {
	for _, p := range pieces {
		switch p.Type {
		case Normal, UserDefined, Unused:
		default:
			continue
		}
		s := p.Text
		for i := strings.Index(s, spaceSymbol); i >= 0; {
			if i > 0 && !strings.HasSuffix(s[:i], spaceSymbol) {
				return false
			}
			j := strings.Index(s[i+len(spaceSymbol):], spaceSymbol)
			if j < 0 {
				break
			}
			i += len(spaceSymbol) + j
		}
	}
	return true
}
