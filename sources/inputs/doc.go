// Package inputs resolves the input specs of file-based sources into
// pipeline inputs, the common default behind Source.Inputs: a spec is a file,
// a glob, a folder (every file below it that matches the source's patterns)
// or a listing (a file of paths, one per line, such as CommonCrawl's
// wet.paths.gz). It also derives the stable names outputs are called after.
//
// It exists so that the pipeline core knows no file names or suffixes: each
// source says which files are its inputs and which suffixes its names drop.
package inputs
