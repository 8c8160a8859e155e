package parquet

import (
	"context"
	"fmt"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Sink writes, for every input shard, a text shard and/or a token shard under
// docs/<source>/<name>.parquet and tokens/<source>/<name>.parquet of Out.
type Sink struct {
	Out    *storage.Store
	Docs   bool
	Tokens bool
	// Dropped also writes the dropped documents under dropped/.
	Dropped bool
	Opts    Options
}

// Open implements pipeline.Sink.
func (s *Sink) Open(ctx context.Context, source string, in pipeline.Input) (pipeline.ShardSink, error) {
	ss := &shardSink{}
	if s.Docs {
		key := manifest.KindDocs + "/" + source + "/" + in.Name + ".parquet"
		w, err := s.Out.Create(ctx, key)
		if err != nil {
			return nil, err
		}
		ss.docs = NewDocWriter(w, key, s.Opts)
	}
	if s.Tokens {
		key := manifest.KindTokens + "/" + source + "/" + in.Name + ".parquet"
		w, err := s.Out.Create(ctx, key)
		if err != nil {
			ss.Abort()
			return nil, err
		}
		ss.tokens = NewTokenWriter(w, key, s.Opts)
	}
	if s.Dropped {
		key := manifest.KindDropped + "/" + source + "/" + in.Name + ".parquet"
		w, err := s.Out.Create(ctx, key)
		if err != nil {
			ss.Abort()
			return nil, err
		}
		ss.dropped = NewDroppedWriter(w, key, s.Opts)
	}
	return ss, nil
}

type shardSink struct {
	docs    *Writer[manifest.DocRow]
	tokens  *Writer[manifest.TokenRow]
	dropped *Writer[manifest.DroppedRow]
	n       int64
}

// KeepsDropped implements pipeline.DroppedWriter.
func (s *shardSink) KeepsDropped() bool { return s.dropped != nil }

// WriteDropped implements pipeline.DroppedWriter.
func (s *shardSink) WriteDropped(d *pipeline.Doc, reason string) error {
	if s.dropped == nil {
		return nil
	}
	return s.dropped.WriteDropped(d, reason)
}

func (s *shardSink) Write(d *pipeline.Doc) error {
	s.n++
	if s.docs != nil {
		if err := s.docs.WriteDoc(d); err != nil {
			return err
		}
	}
	if s.tokens != nil {
		if err := s.tokens.WriteTokens(d); err != nil {
			return err
		}
	}
	return nil
}

// Commit closes both shards; the token shard is committed first, so that a
// text shard never exists without its tokens.
func (s *shardSink) Commit() (any, error) {
	res := pipeline.ShardResult{Docs: s.n}
	for _, w := range []interface {
		Close() (Info, error)
	}{s.tokens, s.docs, s.dropped} {
		if w == nil || isNilWriter(w) {
			continue
		}
		info, err := w.Close()
		if err != nil {
			s.Abort()
			return nil, err
		}
		res.Shards = append(res.Shards, manifest.Shard{Kind: info.Kind, Path: info.Key, Rows: info.Rows,
			Tokens: info.Tokens, Bytes: info.Bytes, SHA256: info.SHA256})
		res.Tokens += info.Tokens
		res.Bytes += info.Bytes
	}
	return res, nil
}

func isNilWriter(w any) bool {
	switch t := w.(type) {
	case *Writer[manifest.DocRow]:
		return t == nil
	case *Writer[manifest.TokenRow]:
		return t == nil
	case *Writer[manifest.DroppedRow]:
		return t == nil
	}
	return false
}

func (s *shardSink) Abort() {
	if s.docs != nil {
		s.docs.Abort()
	}
	if s.tokens != nil {
		s.tokens.Abort()
	}
	if s.dropped != nil {
		s.dropped.Abort()
	}
}

// Register makes the registry's plans write their shards with Sink.
func Register(r *pipeline.Registry) {
	r.RegisterSink(func(out *storage.Store, o pipeline.SinkOptions) (pipeline.Sink, error) {
		return &Sink{Out: out, Docs: o.Docs, Tokens: o.Tokens, Dropped: o.Dropped,
			Opts: Options{RowGroupBytes: o.RowGroupBytes, Metadata: ShardMetadata(o.Tokenizer, o.Tool, o.RecipeSHA256)}}, nil
	})
}

// ShardMetadata is the key/value metadata of every shard: the tool and
// recipe that wrote it and which tokenizer made the tokens, so a shard found
// alone still says how to decode and frame them.
func ShardMetadata(t *manifest.Tokenizer, tool, recipeSHA string) map[string]string {
	m := map[string]string{}
	if tool != "" {
		m[manifest.MetaTool] = tool
	}
	if recipeSHA != "" {
		m[manifest.MetaRecipeSHA256] = recipeSHA
	}
	if t != nil {
		m[manifest.MetaTokenizerSHA256] = t.SHA256
		m[manifest.MetaTokenizerPath] = t.Path
		m[manifest.MetaTokenizerVocabSize] = fmt.Sprint(t.VocabSize)
		m[manifest.MetaTokenizerBOS] = fmt.Sprint(t.BOS)
		m[manifest.MetaTokenizerEOS] = fmt.Sprint(t.EOS)
		m[manifest.MetaBOSEOS] = "none"
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
