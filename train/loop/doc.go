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
// Before the first step Run checks what it was given, so that a mistake
// fails with a message and not hours later or as a crash: the options
// ([OptionError], all problems at once), the manifest (data.ReadManifest
// validates it before any number in it sizes anything), that the model's
// estimated memory (train.Config.TrainingBytes) fits the limit (GOMEMLIMIT,
// the cgroup's memory.max or the machine's memory, whichever is smallest),
// and every shard's size and SHA-256 (data.Open). It then takes an exclusive
// flock on Out/ckpt.bin.lock, so that two trainers never write one
// checkpoint, and, as the folder's sole writer, removes the temporary files
// (".ckpt.bin.tmp-*", atomicfile's names) a trainer killed while saving
// left; nothing else in Out is touched. On a file system without flock it
// goes on unlocked, says so, and removes only temporary files last written
// before the run started.
//
// It is a package of its own, not part of train, because it reads build
// outputs (pipeline/manifest, pipeline/storage through train/data) while
// train stands alone for users who bring their own token streams.
package loop
