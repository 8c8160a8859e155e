// Package catalog names the public models a recipe can use (CCNet's
// language models and cutoffs, fastText's lid.176, a LLaMA tokenizer) and
// fetches them into a local cache, so that a real build needs one command
// per model instead of a hunt for URLs, and a recipe can say `ccnet:en` or
// `lid176` instead of a path that only exists on one machine.
//
// Each entry is one or more files with their canonical URL and, where it is
// published or was measured, size and SHA-256. A file whose digest is not
// known in advance is pinned on its first download: the cache records the
// digest it saw (pins.json) and every later fetch or use is checked against
// it, so a model that changes upstream is an error, not a silent change of
// the corpus. Downloads resume after an interruption (HTTP range requests
// validated by the server's ETag), show progress, and appear under their
// final names only when complete and verified.
package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// File is one file of an entry.
type File struct {
	// Name is the file's name in the entry's cache folder.
	Name string
	URL  string
	// Size in bytes and hex SHA-256, when known before the first download
	// (0 and "" otherwise: the first download pins them).
	Size   int64
	SHA256 string
}

// Entry is a named model.
type Entry struct {
	Name string
	Doc  string
	// License says under what terms its publisher distributes it.
	License string
	Files   []File
}

// ccnetBase is where CCNet's Makefile (dl_lm) downloads its models from.
const ccnetBase = "http://dl.fbaipublicfiles.com/cc_net/lm/"

// CCNetLanguages are the languages CCNet published 5-gram models for (its
// Makefile's langs list). Of LLaMA's 20 Wikipedia languages, sl, sr and sv
// are not among them: build those with `tokenmill lm build`.
var CCNetLanguages = []string{"af", "ar", "az", "be", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et",
	"fa", "fi", "fr", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "km", "kn", "ko",
	"lt", "lv", "mk", "ml", "mn", "mr", "my", "ne", "nl", "no", "pl", "pt", "ro", "ru", "uk", "zh"}

// Entries is the built-in catalogue, sorted by name.
func Entries() []Entry {
	es := []Entry{
		{
			Name: "ccnet-cutoffs",
			Doc: "CCNet's perplexity percentiles per language (cutoff.csv: one row per percentile 0..99, one column " +
				"per language); the perplexity step takes p30 and p60 from it",
			License: "MIT (facebookresearch/cc_net)",
			Files: []File{{Name: "cutoff.csv", Size: 21364,
				SHA256: "62a2ff3c587a110610dd7d8750712cbba9da08088ce4f158780d349ac35d430d",
				URL:    "https://raw.githubusercontent.com/facebookresearch/cc_net/bda555bd1cf1ee2e0b925363e62a61cd46c8b60d/cc_net/data/cutoff.csv"}},
		},
		{
			Name:    "lid176",
			Doc:     "fastText's language identifier for 176 languages (lid.176.bin), what CCNet uses",
			License: "CC BY-SA 3.0 (fastText)",
			Files: []File{{Name: "lid.176.bin", Size: 131266198,
				URL: "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin"}},
		},
		{
			Name: "llama-tokenizer",
			Doc: "LLaMA's SentencePiece BPE model (32000 pieces, digits split, byte fallback), as Hugging Face's " +
				"hf-internal-testing/llama-tokenizer publishes it",
			License: "LLaMA license (Meta); check it applies to your use",
			Files: []File{{Name: "tokenizer.model", Size: 499723,
				SHA256: "9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347",
				URL:    "https://huggingface.co/hf-internal-testing/llama-tokenizer/resolve/main/tokenizer.model"}},
		},
	}
	for _, l := range CCNetLanguages {
		es = append(es, Entry{
			Name: "ccnet:" + l,
			Doc: fmt.Sprintf("CCNet's %s language model: a 5-gram KenLM binary (%s.arpa.bin) trained on Wikipedia "+
				"and the SentencePiece model its pieces come from (%s.sp.model)", l, l, l),
			License: "MIT (facebookresearch/cc_net)",
			Files: []File{
				{Name: l + ".arpa.bin", URL: ccnetBase + l + ".arpa.bin"},
				{Name: l + ".sp.model", URL: ccnetBase + l + ".sp.model"},
			},
		})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Name < es[j].Name })
	return es
}

// Lookup finds an entry by name.
func Lookup(name string) (Entry, bool) {
	for _, e := range Entries() {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// IsName reports whether a model reference in a recipe names a catalogue
// entry (ParseRef) rather than a path or URL.
func IsName(ref string) bool {
	_, _, ok := ParseRef(ref)
	return ok
}

// ParseRef reads a recipe's reference to a catalogue model: NAME (the
// entry: its file, or its folder when it has several) or NAME/FILE (one
// file of the entry, e.g. ccnet:en/en.sp.model). A reference with a URL
// scheme, or whose first segment names no entry, is not one.
func ParseRef(ref string) (e Entry, file string, ok bool) {
	if strings.Contains(ref, "://") {
		return Entry{}, "", false
	}
	name, file, _ := strings.Cut(ref, "/")
	if e, ok = Lookup(name); !ok {
		return Entry{}, "", false
	}
	if file == "" {
		return e, "", true
	}
	for _, f := range e.Files {
		if f.Name == file {
			return e, file, true
		}
	}
	return Entry{}, "", false
}

// Dir is the folder of an entry in the cache.
func (e Entry) Dir(cache string) string {
	return cache + "/" + strings.ReplaceAll(e.Name, ":", "/")
}

// Path is the local path a recipe's reference to the entry stands for: the
// file of a one-file entry, else the entry's folder.
func (e Entry) Path(cache string) string {
	if len(e.Files) == 1 {
		return e.Dir(cache) + "/" + e.Files[0].Name
	}
	return e.Dir(cache)
}
