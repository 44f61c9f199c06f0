namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>The benchmark's command line, printed by <c>--help</c> (kept here, in one place, rather than as a comment).</summary>
internal static class Usage
{
    /// <summary>What each <c>--measure</c> does and the options it reads.</summary>
    public const string Text = """
        Issue 8's measurements on the full Fashion-MNIST (60k train / 10k test; apt-get install dataset-fashion-mnist), to put
        beside ../shared/REFERENCE.md's PyTorch figures. The machines are shared and noisy: compare ratios against the reference
        script run in the same session (--reference), never bare times.

          dotnet run -c Release --project tests/MLNet.Autoencoders.Benchmarks -- --measure all --reference ../shared/reference/ref.py
              every measurement, each in its own process, the reference right before ours; writes results/latest.json and
              the generated tables of RESULTS.md. Options: --epochs N (default 5: timing only), --models mlp,tied,dae_gauss,vae,conv,
              --scratch DIR (binary files for streaming, ~1 GB), --skip-growth, --skip-streaming, --threads N, --data DIR.
          ... -- --measure training --model M [--epochs N] [--rows N] [--binary-file PATH --stream]
          ... -- --measure inference | saveload [--model M] | growth [--rounds N] | binary-file --binary-file PATH --copies N
          ... -- --measure quality --model M [--epochs N]   (the reference's full budget by default; models: mlp, bce, tied,
              dae_gauss, dae_mask, stacked, vae, vae_bin, conv)
          ... -- --measure clustering [--rows N] [--pretrain-epochs N] [--cluster-epochs N] [--corruption masking --noise 0.2]
              [--initialization manifold|kmeans] [--neighbors N]
              deep clustering (IDEC) on all 70,000 images, k = 10: accuracy, NMI, ARI, time, peak RSS (issue 14)
          ... -- --measure semisupervised [--seeds 0,1,2] [--budgets 100,1000,1000ref] [--methods default,Joint,...]   (issue 15)
          ... -- --measure report   (rewrite RESULTS.md from results/latest.json)
          ... -- --measure gemm [--threads N] [--layers 784,500,500,2000,10]   (libtorch matrix-multiply GFLOP/s at the MLP's
              shapes, or at every product of the given mirrored network; the epoch's FLOP floor)
          ... -- --measure alignment [--threads N]   (whether libtorch's matrix product is bit-identical wherever its operands
              sit in memory: each training shape of the MLP and the deep-clustering network, operands at 15 offsets)
          ... -- --measure profile [--steps N] [--threads N] [--layers 784,500,500,2000,10 --output linear --rows 70000]   (ms per
              training step of the MLP, or of the given network: gather, forward, loss, backward, Adam; the epoch estimate for --rows)
        """;
}
