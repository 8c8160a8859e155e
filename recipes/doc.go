// Package recipes holds the recipes compiled into tokenmill and the sample
// corpus its default build runs on, so that `tokenmill build` works on a
// fresh machine with nothing downloaded.
//
// llama.yaml reproduces the LLaMA-1 data recipe as far as the sources and
// stages it names exist in this build; users copy it and edit it. The sample
// corpus under sample/ is made by tools/samplegen (see sample/README.md);
// sample/books by tools/booksample (Gutenberg files in each era's
// boilerplate and a Pile shard, with planted near duplicates).
package recipes
