// Package recipes holds the recipes compiled into tokenmill and the sample
// corpus its default build runs on, so that `tokenmill build` works on a
// fresh machine with nothing downloaded.
//
// llama.yaml reproduces the LLaMA-1 data recipe as far as the sources and
// stages it names exist in this build; users copy it and edit it. The sample
// corpus under sample/ is made by tools/samplegen and its models by
// tools/samplemodels (tools/samplemodels/make.sh runs both); sample/books
// is made by tools/booksample (Gutenberg files in each era's boilerplate
// and a Pile shard, with planted near duplicates); nothing but
// data belongs under sample/, since all of it is compiled in.
package recipes
