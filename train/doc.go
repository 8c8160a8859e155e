// Package train is a pure-Go LLaMA trainer: the model (RMSNorm pre-norm
// blocks, interleaved rotary embeddings, causal multi-head attention, SwiGLU,
// tied or untied embeddings) with hand-written backward passes, AdamW with
// global-norm clipping, the LLaMA cosine schedule, atomic checkpoints,
// llama2.c and safetensors exports, and sampling. Its data loader lives in
// the sub-package train/data.
//
// # Contracts
//
//   - Numerics match the PyTorch reference in testdata/ref_llama_train.py
//     (the model specification is that script's docstring): on the kit's
//     one-step check files the loss and gradient norm agree with the fp64
//     reference within 1e-5 relative, every gradient within 1e-4 of its
//     tensor's largest value, the updated parameters within 1e-4 absolute.
//   - Parameters, gradients and optimizer moments are flat float32 vectors in
//     llama2.c's legacy export order ([Model.Tensors]); linear weights are
//     [out, in] as in torch.
//   - Kernels run on GOMAXPROCS goroutines, but every reduction is split in
//     chunks that do not depend on the number of workers, so a step gives
//     bit-identical results whatever GOMAXPROCS is, and a resumed run matches
//     an uninterrupted one bit for bit.
//   - Matrix products use a packed, blocked GEMM with an AVX2/FMA assembly
//     micro-kernel on amd64 and a portable Go micro-kernel elsewhere (or with
//     the purego build tag); tests check that the two agree.
//   - Checkpoints are written to a temporary file and renamed, so a crash
//     leaves either the old or the new checkpoint.
//
// # Using it
//
// [ConfigByName] ("tiny", "stories15M") or [LoadConfig] (YAML or JSON) gives
// a [Config]; [NewModel] initializes it as llama2.c does. A step is
// [Model.ZeroGrad], [Model.Forward] (mean loss; [Model.SequenceLosses] has
// it per sequence, to attribute loss to data sources), [Model.Backward] and
// [AdamW.Step] with a rate from [Schedule.LR]. [SaveCheckpoint] and
// [LoadCheckpoint] carry the model, the optimizer and opaque loader bytes;
// [ExportLlama2c] and [ExportSafetensors] write the model for other tools;
// [Model.Generate] samples with a key/value cache.
//
// Memory: Forward keeps every layer's activations for the batch (about
// 300 MB for stories15M at batch 8, T 256) plus one chunk of logits: the
// classifier runs in chunks of at most 72 M logits (288 MB) with its
// backward fused, so the B·T×V logits of a large batch never exist at once.
//
// The package must not depend on the pipeline or the sources packages: it
// stands alone for users who bring their own token streams.
package train
