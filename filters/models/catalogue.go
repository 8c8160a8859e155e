package models

import (
	"fmt"
	"sort"
	"strings"
)

// Model is one entry of the catalogue.
type Model struct {
	// Name is how recipes and the CLI refer to it: "ccnet:en",
	// "ccnet-sp:en", "ccnet-cutoffs", "lid176", "llama-tokenizer".
	Name string
	// URL is the canonical download location.
	URL string
	// File is the name of the file in the cache.
	File string
	// Size is the size in bytes, 0 when it is not known offline.
	Size int64
	// SHA256 is the hex digest, "" when it is not known offline (the first
	// download pins it).
	SHA256 string
	// Doc says what the model is.
	Doc string
}

// CCNetLanguages are the languages of LLaMA's Wikipedia (the paper's 20:
// bg ca cs da de en es fr hr hu it nl pl pt ro ru sl sr sv uk) that CCNet
// publishes a language model for. cc_net's Makefile lists 48 languages;
// sl, sr and sv are not among them, so they have no entry.
var CCNetLanguages = []string{"bg", "ca", "cs", "da", "de", "en", "es", "fr", "hr", "hu", "it", "nl", "pl", "pt", "ro", "ru", "uk"}

// LLaMALanguagesWithoutCCNet are LLaMA's Wikipedia languages that CCNet
// has no model for.
var LLaMALanguagesWithoutCCNet = []string{"sl", "sr", "sv"}

const ccnetLM = "http://dl.fbaipublicfiles.com/cc_net/lm/"

// Catalogue returns every entry, sorted by name.
func Catalogue() []Model {
	ms := []Model{
		{Name: "ccnet-cutoffs", File: "ccnet-cutoff.csv",
			URL: "https://raw.githubusercontent.com/facebookresearch/cc_net/bda555bd1cf1ee2e0b925363e62a61cd46c8b60d/cc_net/data/cutoff.csv",
			Doc: "CCNet's perplexity percentiles per language (cc_net/data/cutoff.csv): the p30/p60 head/middle/tail cutoffs"},
		{Name: "lid176", File: "lid.176.bin",
			URL: "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin",
			Doc: "fastText language identifier, 176 languages (CCNet's and LLaMA's)"},
		{Name: "llama-tokenizer", File: "llama-tokenizer.model", Size: 499723,
			SHA256: "9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347",
			URL:    "https://huggingface.co/TinyLlama/TinyLlama-1.1B-Chat-v1.0/resolve/main/tokenizer.model",
			Doc:    "SentencePiece BPE tokenizer, 32,000 pieces: byte-identical to LLaMA's tokenizer.model (TinyLlama's Apache-2.0 copy)"},
	}
	for _, l := range CCNetLanguages {
		ms = append(ms,
			Model{Name: "ccnet:" + l, File: "ccnet-" + l + ".arpa.bin", URL: ccnetLM + l + ".arpa.bin",
				Doc: "CCNet's 5-gram KenLM model (probing binary) of " + l + " Wikipedia, over ccnet-sp:" + l + " pieces"},
			Model{Name: "ccnet-sp:" + l, File: "ccnet-" + l + ".sp.model", URL: ccnetLM + l + ".sp.model",
				Doc: "CCNet's SentencePiece model of " + l + " Wikipedia, the pieces of ccnet:" + l})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	return ms
}

// Lookup returns the entry called name.
func Lookup(name string) (Model, error) {
	for _, m := range Catalogue() {
		if m.Name == name {
			return m, nil
		}
	}
	if l, ok := strings.CutPrefix(name, "ccnet:"); ok {
		for _, x := range LLaMALanguagesWithoutCCNet {
			if x == l {
				return Model{}, fmt.Errorf("models: CCNet publishes no language model for %q", l)
			}
		}
	}
	return Model{}, fmt.Errorf("models: no model %q in the catalogue (tokenmill models list)", name)
}

// IsName reports whether ref looks like a catalogue name rather than a path
// or URL: "ccnet:en", "lid176". A one-letter scheme is a Windows drive.
func IsName(ref string) bool {
	if strings.Contains(ref, "/") || strings.Contains(ref, `\`) {
		return false
	}
	_, err := Lookup(ref)
	return err == nil
}
