package train

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// Checkpoint file layout (little-endian):
//
//	"TMCKPT1\n"
//	uint32 n, then n bytes of JSON header (checkpointHeader)
//	float32 parameters, in Model.Tensors order
//	float32 first moments, then second moments (when the header says so)
//	the caller's extra bytes (a data loader position, say)
//	uint32 CRC-32 (IEEE) of everything before it
const checkpointMagic = "TMCKPT1\n"

// ErrConfigMismatch is returned when a checkpoint was written for a
// different architecture than the caller expects.
var ErrConfigMismatch = errors.New("train: checkpoint config mismatch")

type checkpointHeader struct {
	Config     Config      `json:"config"`
	ConfigHash string      `json:"config_hash"`
	NParams    int         `json:"n_params"`
	HasOpt     bool        `json:"has_optimizer"`
	AdamW      AdamWConfig `json:"adamw"`
	Step       int64       `json:"step"` // completed optimizer steps
	ExtraLen   int         `json:"extra_len"`
}

// WriteCheckpoint writes the model, the optimizer state (moments and step
// count; opt may be nil) and opaque extra bytes to w.
func WriteCheckpoint(w io.Writer, m *Model, opt *AdamW, extra []byte) error {
	h := checkpointHeader{Config: m.cfg, ConfigHash: m.cfg.Hash(), NParams: len(m.Params), ExtraLen: len(extra)}
	if opt != nil {
		h.HasOpt, h.AdamW, h.Step = true, opt.HP, opt.T
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("train: checkpoint header: %w", err)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	bw.WriteString(checkpointMagic)
	binary.Write(bw, binary.LittleEndian, uint32(len(hj)))
	bw.Write(hj)
	writeF32s(bw, m.Params)
	if opt != nil {
		writeF32s(bw, opt.M)
		writeF32s(bw, opt.V)
	}
	bw.Write(extra)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("train: write checkpoint: %w", err)
	}
	if err := binary.Write(w, binary.LittleEndian, crc.Sum32()); err != nil {
		return fmt.Errorf("train: write checkpoint: %w", err)
	}
	return nil
}

// SaveCheckpoint writes a checkpoint to path atomically (see
// pipeline/storage/atomicfile: a unique temporary file in the same
// directory, synced, then renamed over path).
func SaveCheckpoint(path string, m *Model, opt *AdamW, extra []byte) error {
	err := atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { return WriteCheckpoint(w, m, opt, extra) })
	if err != nil {
		return fmt.Errorf("train: save checkpoint %s: %w", path, err)
	}
	return nil
}

// Resumed is what ReadCheckpoint restores.
type Resumed struct {
	Model *Model
	Opt   *AdamW // nil when the checkpoint holds no optimizer state
	Extra []byte
}

// ReadCheckpoint reads a checkpoint written by WriteCheckpoint and verifies
// its checksum.
func ReadCheckpoint(r io.Reader) (*Resumed, error) {
	size, sized := remaining(r)
	crc := crc32.NewIEEE()
	br := bufio.NewReaderSize(r, 1<<20)
	tr := io.TeeReader(br, crc)
	var magic [8]byte
	if _, err := io.ReadFull(tr, magic[:]); err != nil || string(magic[:]) != checkpointMagic {
		return nil, fmt.Errorf("train: not a tokenmill checkpoint (magic %q): %v", magic[:], err)
	}
	var n uint32
	if err := binary.Read(tr, binary.LittleEndian, &n); err != nil || n > 1<<20 {
		return nil, fmt.Errorf("train: checkpoint header length %d: %v", n, err)
	}
	hj := make([]byte, n)
	if _, err := io.ReadFull(tr, hj); err != nil {
		return nil, fmt.Errorf("train: checkpoint header: %w", unexpected(err))
	}
	var h checkpointHeader
	if err := json.Unmarshal(hj, &h); err != nil {
		return nil, fmt.Errorf("train: checkpoint header: %w", err)
	}
	if h.NParams <= 0 || h.ExtraLen < 0 || h.ExtraLen > 1<<30 {
		return nil, fmt.Errorf("train: checkpoint header: %d parameters, %d extra bytes", h.NParams, h.ExtraLen)
	}
	need := int64(12+n) + 4*int64(h.NParams) + int64(h.ExtraLen) + 4
	if h.HasOpt {
		need += 8 * int64(h.NParams)
	}
	if sized && size < need {
		return nil, fmt.Errorf("train: checkpoint of %d bytes, header promises %d: %w", size, need, io.ErrUnexpectedEOF)
	}
	if h.Config.NumParams() != h.NParams {
		return nil, fmt.Errorf("%w: header says %d parameters, its config %d", ErrConfigMismatch, h.NParams, h.Config.NumParams())
	}
	m, err := newModel(h.Config)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	if h.ConfigHash != m.cfg.Hash() || h.NParams != len(m.Params) {
		return nil, fmt.Errorf("%w: header hash %s, %d parameters; config gives %s, %d", ErrConfigMismatch, h.ConfigHash, h.NParams, m.cfg.Hash(), len(m.Params))
	}
	res := &Resumed{Model: m}
	if err := readF32s(tr, m.Params); err != nil {
		return nil, fmt.Errorf("train: checkpoint parameters: %w", err)
	}
	if h.HasOpt {
		o := NewAdamW(m, h.AdamW)
		o.T = h.Step
		if err := readF32s(tr, o.M); err != nil {
			return nil, fmt.Errorf("train: checkpoint moments: %w", err)
		}
		if err := readF32s(tr, o.V); err != nil {
			return nil, fmt.Errorf("train: checkpoint moments: %w", err)
		}
		res.Opt = o
	}
	res.Extra = make([]byte, h.ExtraLen)
	if _, err := io.ReadFull(tr, res.Extra); err != nil {
		return nil, fmt.Errorf("train: checkpoint extra bytes: %w", unexpected(err))
	}
	want := crc.Sum32()
	var got uint32
	if err := binary.Read(br, binary.LittleEndian, &got); err != nil {
		return nil, fmt.Errorf("train: checkpoint checksum: %w", unexpected(err))
	}
	if got != want {
		return nil, fmt.Errorf("train: checkpoint checksum %08x, content gives %08x: file corrupt", got, want)
	}
	return res, nil
}

// LoadCheckpoint reads the checkpoint at path. When want is non-nil the
// checkpoint's architecture must match it ([ErrConfigMismatch] otherwise).
func LoadCheckpoint(path string, want *Config) (*Resumed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: load checkpoint: %w", err)
	}
	defer f.Close()
	res, err := ReadCheckpoint(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if want != nil {
		w, err := want.Normalize()
		if err != nil {
			return nil, err
		}
		if w.Hash() != res.Model.cfg.Hash() {
			return nil, fmt.Errorf("%s: %w: checkpoint %+v, want %+v", path, ErrConfigMismatch, res.Model.cfg, w)
		}
	}
	return res, nil
}

// remaining returns how many bytes r has left when that is knowable
// (bytes.Reader, strings.Reader, regular files), so readers can refuse a
// header that promises more data than exists before allocating for it.
func remaining(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case *os.File:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false
		}
		return fi.Size() - pos, true
	}
	return 0, false
}

// checkSize fails when r is known to hold fewer than need bytes.
func checkSize(r io.Reader, need int64, what string) error {
	if n, ok := remaining(r); ok && n < need {
		return fmt.Errorf("train: %s needs %d bytes, the input has %d: %w", what, need, n, io.ErrUnexpectedEOF)
	}
	return nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func writeF32s(w io.Writer, s []float32) error {
	var buf [4 << 10]byte
	for len(s) > 0 {
		n := min(len(s), len(buf)/4)
		for i, v := range s[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		s = s[n:]
	}
	return nil
}

func readF32s(r io.Reader, s []float32) error {
	var buf [4 << 10]byte
	for len(s) > 0 {
		n := min(len(s), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*n]); err != nil {
			return unexpected(err)
		}
		for i := range s[:n] {
			s[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		s = s[n:]
	}
	return nil
}
