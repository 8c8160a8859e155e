// Package loop is the training loop on a build's token shards: what
// `tokenmill train` runs with its flags parsed into [Options], so that a
// worker on another machine runs the same loop without copying the CLI.
//
// [Run] reads batches through the mixture-exact loader of train/data, steps
// a train.Model with AdamW on LLaMA's cosine schedule, prints progress, and
// writes Out/ckpt.bin atomically every CkptEvery steps and at the end. The
// checkpoint's extra section holds the loader's position, so a resumed run
// (Resume) reads exactly the batches an uninterrupted run would have.
//
// It is a package of its own, not part of train, because it reads build
// outputs (pipeline/manifest, pipeline/storage through train/data) while
// train stands alone for users who bring their own token streams.
package loop
