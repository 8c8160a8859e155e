package heuristics

import (
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/tokenize"
)

// RedPajamaExtensions is RedPajama-v1's extension whitelist, matched with
// Python's str.endswith on the whole path (so "Makefile" also matches
// "GNU.Makefile", and ".C" is case-sensitive).
var RedPajamaExtensions = []string{".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp",
	".hpp", ".c++", ".h++", ".cc", ".hh", ".C", ".H",
	".cmake", ".css", ".dockerfile", ".f90", ".f", ".f03",
	".f08", ".f77", ".f95", ".for", ".fpp", ".go", ".hs",
	".html", ".java", ".js", ".jl", ".lua", ".md",
	".markdown", ".php", ".php3", ".php4", ".php5",
	".phps", ".phpt", ".pl", ".pm", ".pod", ".perl",
	".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql",
	".scala", ".sh", ".bash", ".command", ".zsh", ".ts",
	".tsx", ".tex", ".vb", "Dockerfile", "Makefile",
	".xml", ".rst", ".m", ".smali"}

// LLaMALicenses are the licences LLaMA kept, as the licenses table spells them.
var LLaMALicenses = []string{"apache-2.0", "bsd-2-clause", "bsd-3-clause", "mit"}

// CodeFilesSpec is the recipe spec of the "code_files" step.
var CodeFilesSpec = pipeline.Spec{
	Name: "code_files",
	Doc: "GitHub files: drop symlinks, submodules, repositories without an allowed licence, names outside the " +
		"extension list, and blobs without text (binary, NULL content over 1 MiB, missing). Reads the github source's metadata.",
	Fields: []pipeline.Field{
		{Name: "licenses", Type: pipeline.TypeStrings, Default: LLaMALicenses,
			Doc: "licences kept, as the licenses table spells them; a repository absent from the table is unlicensed"},
		{Name: "extensions", Type: pipeline.TypeStrings, Default: RedPajamaExtensions,
			Doc: "path suffixes kept (Python str.endswith on the path); empty keeps every name"},
	},
}

// CodeQualitySpec is the recipe spec of the "code_quality" step.
var CodeQualitySpec = pipeline.Spec{
	Name: "code_quality",
	Doc:  "RedPajama's file quality rules: drop empty files, a line over max_line, mean line over max_mean_line, alphanumeric share under min_alnum, alphabetic characters per token under min_alpha_per_token.",
	Fields: []pipeline.Field{
		{Name: "max_line", Type: pipeline.TypeInt, Default: 1000, Min: pipeline.Bound(1), Doc: "longest line allowed, in characters"},
		{Name: "max_mean_line", Type: pipeline.TypeFloat, Default: 100.0, Min: pipeline.Bound(0), Doc: "largest mean line length (characters / lines)"},
		{Name: "min_alnum", Type: pipeline.TypeFloat, Default: 0.25, Min: pipeline.Bound(0), Max: pipeline.Bound(1), Doc: "smallest share of alphanumeric characters"},
		{Name: "min_alpha_per_token", Type: pipeline.TypeFloat, Default: 1.5, Min: pipeline.Bound(0), Doc: "smallest alphabetic characters per token"},
		{Name: "tokenizer", Type: pipeline.TypeString, Default: "",
			Doc: "SentencePiece model counting tokens (the recipe's tokenizer model); empty counts whitespace-separated words"},
	},
}

// RegisterCode adds code_files and code_quality to r.
func RegisterCode(r *pipeline.Registry) {
	r.RegisterStep(CodeFilesSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return NewCodeFiles(c.Strings("licenses"), c.Strings("extensions")), nil
	})
	r.RegisterStep(CodeQualitySpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		q := &CodeQuality{MaxLine: int(c.Int("max_line")), MaxMeanLine: c.Float("max_mean_line"),
			MinAlnum: c.Float("min_alnum"), MinAlphaPerToken: c.Float("min_alpha_per_token")}
		if ref := c.String("tokenizer"); ref != "" {
			data, err := env.ReadFile(ref)
			if err != nil {
				return nil, fmt.Errorf("code_quality: tokenizer %s: %w", ref, err)
			}
			if q.Tokenizer, err = tokenize.Parse(data); err != nil {
				return nil, fmt.Errorf("code_quality: tokenizer %s: %w", ref, err)
			}
		}
		return q, nil
	})
}

// CodeFiles is the metadata half of the code rules. It is safe for
// concurrent use.
type CodeFiles struct {
	licenses   map[string]bool
	extensions []string
}

// NewCodeFiles keeps the given licences and path suffixes.
func NewCodeFiles(licenses, extensions []string) *CodeFiles {
	c := &CodeFiles{licenses: map[string]bool{}, extensions: extensions}
	for _, l := range licenses {
		c.licenses[l] = true
	}
	return c
}

// Name implements pipeline.Step.
func (c *CodeFiles) Name() string { return "code_files" }

// Process implements pipeline.Step. The reasons, in the order they are
// tested: symlink, submodule, unlicensed (no licenses row), license, extension,
// no_content (no contents row), null_content, binary.
func (c *CodeFiles) Process(d *pipeline.Doc) (string, error) {
	switch d.Meta["kind"] {
	case "symlink":
		return "code_files:symlink", nil
	case "submodule":
		return "code_files:submodule", nil
	}
	lic, ok := d.Meta["license"]
	if !ok {
		return "code_files:unlicensed", nil
	}
	if !c.licenses[lic] {
		return "code_files:license", nil
	}
	if len(c.extensions) > 0 && !HasSuffixAny(d.Meta["path"], c.extensions) {
		return "code_files:extension", nil
	}
	switch d.Meta["content"] {
	case "missing":
		return "code_files:no_content", nil
	case "null":
		return "code_files:null_content", nil
	case "binary":
		return "code_files:binary", nil
	}
	return "", nil
}

// HasSuffixAny is Python's str.endswith(tuple).
func HasSuffixAny(p string, suffixes []string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}

// CodeStats are RedPajama's file statistics, computed with Python's
// semantics (see the package comment).
type CodeStats struct {
	Chars, Lines, MaxLine, Alnum, Alpha int
	// Words is len(text.split()) in Python (see CountWords).
	Words int
}

// MeanLine is characters per line, as RedPajama computes it (the line
// terminators count in the characters, not in the lines).
func (s CodeStats) MeanLine() float64 {
	if s.Lines == 0 {
		return 0
	}
	return float64(s.Chars) / float64(s.Lines)
}

// AlnumShare is the share of alphanumeric characters.
func (s CodeStats) AlnumShare() float64 {
	if s.Chars == 0 {
		return 0
	}
	return float64(s.Alnum) / float64(s.Chars)
}

// asciiClass: 1 alphabetic, 2 digit, 4 a line break for str.splitlines
// (\n \r \v \f \x1c \x1d \x1e); bit 8 whitespace for str.split.
var asciiClass = func() (t [128]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-32] = 1, 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 2
	}
	for _, c := range "\n\r\v\f\x1c\x1d\x1e" {
		t[c] = 4
	}
	for _, c := range "\t\n\v\f\r\x1c\x1d\x1e\x1f " {
		t[c] |= 8
	}
	return
}()

// Stats measures text. str.splitlines breaks at \n, \r, \r\n, \v, \f,
// \x1c-\x1e, U+0085, U+2028 and U+2029, and a final break does not start
// another line.
func Stats(text string) CodeStats {
	var s CodeStats
	cur := 0      // characters on the current line
	word := false // inside a word
	alpha, alnum, words, chars := 0, 0, 0, 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			chars++
			// Most characters of code are letters, then spaces: test them
			// first.
			switch k := asciiClass[c]; k {
			case 1:
				alpha++
				alnum++
				cur++
				if !word {
					word = true
					words++
				}
			case 8:
				cur++
				word = false
			case 0:
				cur++
				if !word {
					word = true
					words++
				}
			case 2:
				alnum++
				cur++
				if !word {
					word = true
					words++
				}
			default: // a line break (4|8 or 4)
				if k&8 != 0 {
					word = false
				} else if !word {
					word = true
					words++
				}
				if c == '\r' && i < len(text) && text[i] == '\n' {
					i++
					chars++
				}
				s.Lines++
				s.MaxLine = max(s.MaxLine, cur)
				cur = 0
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		chars++
		if unicode.IsSpace(r) {
			word = false
		} else if !word {
			word = true
			words++
		}
		if r == 0x85 || r == 0x2028 || r == 0x2029 {
			s.Lines++
			s.MaxLine = max(s.MaxLine, cur)
			cur = 0
			continue
		}
		if unicode.IsLetter(r) {
			alpha++
			alnum++
		} else if unicode.IsNumber(r) {
			alnum++
		}
		cur++
	}
	if cur > 0 {
		s.Lines++
		s.MaxLine = max(s.MaxLine, cur)
	}
	s.Alpha, s.Alnum, s.Words, s.Chars = alpha, alnum, words, chars
	return s
}

// CodeQuality is the text half of the code rules. It is safe for
// concurrent use.
type CodeQuality struct {
	MaxLine          int
	MaxMeanLine      float64
	MinAlnum         float64
	MinAlphaPerToken float64
	// Tokenizer counts tokens; nil counts whitespace-separated words.
	Tokenizer *tokenize.Model

	tokens atomic.Int64
}

// Name implements pipeline.Step.
func (q *CodeQuality) Name() string { return "code_quality" }

// Process implements pipeline.Step. The reasons, in RedPajama's order:
// empty, max_line, mean_line, alnum, alpha_per_token.
func (q *CodeQuality) Process(d *pipeline.Doc) (string, error) {
	if d.Text == "" {
		return "code_quality:empty", nil
	}
	s := Stats(d.Text)
	if s.MaxLine > q.MaxLine {
		return fmt.Sprintf("code_quality:max_line>%d", q.MaxLine), nil
	}
	if s.MeanLine() > q.MaxMeanLine {
		return fmt.Sprintf("code_quality:mean_line>%g", q.MaxMeanLine), nil
	}
	if s.AlnumShare() < q.MinAlnum {
		return fmt.Sprintf("code_quality:alnum<%g", q.MinAlnum), nil
	}
	n := s.Words
	if q.Tokenizer != nil {
		n = len(q.Tokenizer.Encode(d.Text))
	}
	q.tokens.Add(int64(n))
	// RedPajama divides by the token count; a text of only whitespace has
	// none (and no letters): it fails the rule rather than divide by zero.
	if n == 0 || float64(s.Alpha)/float64(n) < q.MinAlphaPerToken {
		return fmt.Sprintf("code_quality:alpha_per_token<%g", q.MinAlphaPerToken), nil
	}
	return "", nil
}

// pySpace: the ASCII characters Python's str.split() splits on (\t \n \v
// \f \r, \x1c-\x1f and space).
var pySpace = func() (t [128]bool) {
	for _, c := range "\t\n\v\f\r\x1c\x1d\x1e\x1f " {
		t[c] = true
	}
	return
}()

// CountWords is len(text.split()) in Python: runs of characters that are
// not whitespace (str.isspace: Unicode White_Space plus \x1c-\x1f),
// counted without allocating.
func CountWords(text string) int {
	n := 0
	in := false
	for i := 0; i < len(text); {
		c := text[i]
		var space bool
		if c < utf8.RuneSelf {
			space = pySpace[c]
			i++
		} else {
			r, w := utf8.DecodeRuneInString(text[i:])
			space = unicode.IsSpace(r)
			i += w
		}
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// Counters reports the tokens counted.
func (q *CodeQuality) Counters() map[string]int64 {
	return map[string]int64{"tokens_counted": q.tokens.Load()}
}
