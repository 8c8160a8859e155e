package stackexchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/tokenmill/tokenmill/pipeline"
)

// Stats reasons of the records a reader leaves out (pipeline.FilteredError)
// or cannot read (pipeline.CorruptError).
const (
	ReasonMetaSite       = "meta-site"
	ReasonSiteNotListed  = "site-not-listed"
	ReasonOrphanAnswer   = "orphan-answer"
	ReasonUnanswered     = "unanswered-question"
	ReasonEmptyAnswer    = "empty-answer"
	ReasonMalformedRow   = "malformed-row"
	ReasonTruncatedRow   = "truncated-row"
	ReasonBadPost        = "bad-post"
	ReasonDuplicatePost  = "duplicate-post"
	ReasonNoPosts        = "no-posts-xml"
	ReasonCorruptArchive = "corrupt-archive"
	ReasonTruncatedFile  = "truncated-file"
)

// postTypes names the PostTypeId values of the dump's PostTypes table
// (meta.stackexchange.com/q/2677); the reason a post of each type is left
// out is "post-type:<name>".
var postTypes = map[int64]string{
	3:  "orphaned-tag-wiki",
	4:  "tag-wiki-excerpt",
	5:  "tag-wiki",
	6:  "moderator-nomination",
	7:  "wiki-placeholder",
	8:  "privilege-wiki",
	9:  "article",
	10: "help-article",
	12: "collection",
	13: "moderator-questionnaire-response",
	14: "announcement",
	15: "collective-discussion",
	17: "collective-collection",
}

// PostTypeReason is the stats reason of a post of type t that is neither a
// question nor an answer.
func PostTypeReason(t int64) string {
	if n, ok := postTypes[t]; ok {
		return "post-type:" + n
	}
	return "post-type:" + strconv.FormatInt(t, 10)
}

// Options control a reader.
type Options struct {
	// Source is the Doc.Source to set; "stackexchange" when empty.
	Source string
	// Site is the site's host name ("unix.stackexchange.com"): the first
	// part of every ID and the host of every URL.
	Site string
	// KeepUnanswered keeps questions without answers as documents of their
	// own (RedPajama does); otherwise they are left out and counted.
	KeepUnanswered bool
	// MemoryBytes caps the posts the join holds before spilling sorted runs
	// to TempDir; 0 means DefaultMemoryBytes.
	MemoryBytes int64
	// TempDir is where the join spills ("" for the system's temp folder).
	TempDir string
}

// DefaultMemoryBytes is the join's memory cap when none is given.
const DefaultMemoryBytes = 1 << 30

// Reader turns one Posts.xml into one document per question. It reads the
// whole file into the join before it returns the first document (answers
// may come anywhere after, or before, their question), then returns the
// documents in question-Id order. See pipeline.Reader for the iteration
// contract; every Doc is newly allocated.
type Reader struct {
	ctx    context.Context
	path   string // for reports: the file, and the member in an archive
	opts   Options
	skip   pipeline.SkipFunc
	in     io.Reader
	closer io.Closer
	// storageErr returns the storage failure behind a read error, if one
	// was; any other read error is damaged input.
	storageErr func() error

	conv   htmlConverter
	j      *joiner
	it     recordIter
	peeked *record
	group  []record
	joined bool

	doc    *pipeline.Doc
	err    error
	closed bool
}

// NewReader reads the Posts.xml stream in (decompressed); path names it in
// reports. Close closes closer (which may be nil). storageErr, which may be
// nil, tells a failure of storage (fatal) from damaged data (reported, and
// the rows before it kept).
func NewReader(ctx context.Context, path string, in io.Reader, closer io.Closer, storageErr func() error, skip pipeline.SkipFunc, opts Options) *Reader {
	if opts.Source == "" {
		opts.Source = "stackexchange"
	}
	if opts.MemoryBytes <= 0 {
		opts.MemoryBytes = DefaultMemoryBytes
	}
	if skip == nil {
		skip = func(error) {}
	}
	if storageErr == nil {
		storageErr = func() error { return nil }
	}
	return &Reader{ctx: ctx, path: path, opts: opts, skip: skip, in: in, closer: closer, storageErr: storageErr}
}

func (r *Reader) report(record string, off int64, err error) {
	r.skip(&pipeline.RecordError{Path: r.path, Record: record, Offset: off, Err: err})
}

func rowName(i int64) string { return strconv.FormatInt(i, 10) }

// scan reads every row into the join.
func (r *Reader) scan() error {
	r.j = newJoiner(r.opts.MemoryBytes, r.opts.TempDir)
	s := NewRowScanner(r.in)
	for n := 0; s.Scan(); n++ {
		if n&4095 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		idx, off := s.RowIndex(), s.RowOffset()
		if err := s.RowErr(); err != nil {
			reason := ReasonMalformedRow
			if errors.Is(err, ErrRowTruncated) {
				reason = ReasonTruncatedRow
			}
			r.report(rowName(idx), off, pipeline.Corruptf(reason, "%v", err))
			continue
		}
		if err := r.add(s.Attrs(), idx, off); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		if serr := r.storageErr(); serr != nil {
			return fmt.Errorf("%s: read at byte %d: %w", r.path, s.Offset(), serr)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		// Damaged compressed data: the rows before it are kept.
		reason := ReasonCorruptArchive
		if errors.Is(err, io.ErrUnexpectedEOF) {
			reason = ReasonTruncatedFile
		}
		r.report("stream", s.Offset(), pipeline.Corruptf(reason, "stackexchange: reading stopped: %v", err))
	}
	return nil
}

// add sends one row's post to the join, or reports why it is left out.
func (r *Reader) add(a *Attrs, idx, off int64) error {
	bad := func(format string, args ...any) error {
		r.report(rowName(idx), off, pipeline.Corruptf(ReasonBadPost, "stackexchange: "+format, args...))
		return nil
	}
	if !a.HasId {
		return bad("row has no Id")
	}
	if !a.HasPostType {
		return bad("post %d has no PostTypeId", a.Id)
	}
	switch a.PostTypeId {
	case 1:
		if !a.HasTitle {
			return bad("question %d has no Title", a.Id)
		}
		return r.j.add(record{QID: a.Id, Kind: kindQuestion, Score: a.Score, ID: a.Id, Date: a.CreationDate,
			Title: strings.TrimSpace(a.Title), Text: r.conv.convert(bytesView(a.Body)), Tags: joinTags(a.Tags), Row: idx, Off: off})
	case 2:
		if !a.HasParent {
			return bad("answer %d has no ParentId", a.Id)
		}
		return r.j.add(record{QID: a.ParentId, Kind: kindAnswer, Score: a.Score, ID: a.Id,
			Text: r.conv.convert(bytesView(a.Body)), Row: idx, Off: off})
	}
	r.report(rowName(idx), off, pipeline.Filteredf(PostTypeReason(a.PostTypeId),
		"stackexchange: post %d of type %d is not a question or an answer", a.Id, a.PostTypeId))
	return nil
}

// bytesView is b as a string without a copy, for the HTML converter, which
// reads its input and keeps no reference to it; b must not change while the
// string is in use.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// joinTags turns the Tags attribute into a comma-separated list: older dumps
// write "<a><b>", newer ones "|a|b|".
func joinTags(t string) string {
	t = strings.TrimSpace(t)
	switch {
	case t == "":
		return ""
	case strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">"):
		return strings.Join(strings.Split(t[1:len(t)-1], "><"), ",")
	case strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1:
		return strings.Join(strings.Split(t[1:len(t)-1], "|"), ",")
	}
	return strings.Join(strings.Fields(t), ",")
}

// Next implements pipeline.Reader.
func (r *Reader) Next() bool {
	r.doc = nil
	if r.err != nil || r.closed {
		return false
	}
	if !r.joined {
		r.joined = true
		if err := r.scan(); err != nil {
			r.err = err
			return false
		}
		it, err := r.j.finish()
		if err != nil {
			r.err = err
			return false
		}
		r.it = it
	}
	for {
		d, ok, err := r.nextGroup()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			return false
		}
		if d != nil {
			r.doc = d
			return true
		}
	}
}

func (r *Reader) peek() (*record, error) {
	if r.peeked != nil {
		return r.peeked, nil
	}
	rec, ok, err := r.it.next()
	if err != nil || !ok {
		return nil, err
	}
	r.peeked = rec
	return rec, nil
}

// nextGroup reads one question and its answers (or one orphan answer) from
// the join; it returns a nil doc for a group that makes none.
func (r *Reader) nextGroup() (*pipeline.Doc, bool, error) {
	first, err := r.peek()
	if err != nil || first == nil {
		return nil, false, err
	}
	r.peeked = nil
	if first.Kind == kindAnswer {
		r.report(rowName(first.Row), first.Off, pipeline.Filteredf(ReasonOrphanAnswer,
			"stackexchange: answer %d: no question %d in this file", first.ID, first.QID))
		return nil, true, nil
	}
	q := *first // the iterator may reuse its record
	r.group = r.group[:0]
	prevID := int64(-1)
	for {
		next, err := r.peek()
		if err != nil {
			return nil, false, err
		}
		if next == nil || next.QID != q.QID {
			break
		}
		r.peeked = nil
		switch {
		case next.Kind == kindQuestion:
			r.report(rowName(next.Row), next.Off, pipeline.Corruptf(ReasonDuplicatePost,
				"stackexchange: question %d appears twice", next.ID))
		case next.ID == prevID:
			r.report(rowName(next.Row), next.Off, pipeline.Corruptf(ReasonDuplicatePost,
				"stackexchange: answer %d appears twice", next.ID))
		case strings.TrimSpace(next.Text) == "":
			r.report(rowName(next.Row), next.Off, pipeline.Filteredf(ReasonEmptyAnswer,
				"stackexchange: answer %d has no text", next.ID))
		default:
			r.group = append(r.group, *next)
		}
		if next.Kind == kindAnswer {
			prevID = next.ID
		}
	}
	if len(r.group) == 0 && !r.opts.KeepUnanswered {
		r.report(rowName(q.Row), q.Off, pipeline.Filteredf(ReasonUnanswered,
			"stackexchange: question %d has no answers", q.ID))
		return nil, true, nil
	}
	return r.makeDoc(&q, r.group), true, nil
}

// makeDoc lays out one question and its answers (already in output order).
func (r *Reader) makeDoc(q *record, answers []record) *pipeline.Doc {
	var b strings.Builder
	n := 3 + len(q.Title) + 2 + len(q.Text)
	for i := range answers {
		n += 5 + len(answers[i].Text)
	}
	b.Grow(n)
	b.WriteString("Q: ")
	b.WriteString(q.Title)
	if q.Text != "" {
		b.WriteString("\n\n")
		b.WriteString(q.Text)
	}
	ids := make([]byte, 0, 12*len(answers))
	for i := range answers {
		b.WriteString("\n\nA: ")
		b.WriteString(answers[i].Text)
		if i > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, answers[i].ID, 10)
	}
	id := strconv.FormatInt(q.ID, 10)
	d := &pipeline.Doc{
		ID:     r.opts.Site + ":" + id,
		Source: r.opts.Source,
		Text:   b.String(),
		URL:    "https://" + r.opts.Site + "/questions/" + id,
		Date:   parseDate(q.Date),
	}
	d.SetMeta("site", r.opts.Site)
	d.SetMeta("score", strconv.FormatInt(q.Score, 10))
	d.SetMeta("tags", q.Tags)
	d.SetMeta("answer_ids", string(ids))
	return d
}

// parseDate reads a CreationDate ("2008-07-31T21:42:52.667", UTC without a
// zone); the zero time when it does not parse.
func parseDate(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Doc implements pipeline.Reader.
func (r *Reader) Doc() *pipeline.Doc { return r.doc }

// Err implements pipeline.Reader.
func (r *Reader) Err() error { return r.err }

// Close implements pipeline.Reader: it removes the join's runs and closes
// the input.
func (r *Reader) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	if r.it != nil {
		r.it.Close()
	}
	if r.j != nil {
		if err := r.j.Close(); err != nil && r.err == nil {
			r.err = err
		}
	}
	if r.closer != nil {
		if err := r.closer.Close(); err != nil && r.err == nil {
			r.err = err
		}
	}
	return r.err
}
