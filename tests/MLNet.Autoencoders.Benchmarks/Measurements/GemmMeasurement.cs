using System.Diagnostics;
using System.Text.Json.Nodes;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// GFLOP/s of libtorch's float matrix multiply through TorchSharp (the BLAS our training runs on: oneMKL inside
/// libtorch_cpu), at the MLP autoencoder's shapes (forward x·Wᵀ and the two backward products, batch 256) and at large
/// square sizes, best of several trials. The peak bounds what an epoch can take: the MLP's ~390 GFLOP per epoch over
/// the best GFLOP/s is its floor (issue 18). Compare with numpy/OpenBLAS on the same machine run by the reference setup.
/// </summary>
internal static class GemmMeasurement
{
    /// <summary>Shapes as M×K · K×N; <c>TransposeA</c>/<c>TransposeB</c> make that operand a transposed view of a contiguous
    /// matrix, as the network's products are (forward x·Wᵀ with W stored [out, in]; grad W = gᵀ·x), so the BLAS runs the
    /// same transposed kernels as in training.</summary>
    internal static readonly (string Name, int M, int K, int N, bool TransposeA, bool TransposeB)[] Shapes =
    [
        ("forward 256x784 · 784x512", 256, 784, 512, false, false),
        ("forward 256x512 · 512x256", 256, 512, 256, false, false),
        ("forward 256x256 · 256x512", 256, 256, 512, false, false),
        ("forward 256x512 · 512x784", 256, 512, 784, false, false),
        ("grad W 784x256 · 256x512", 784, 256, 512, false, false),
        ("grad x 256x512 · 512x784", 256, 512, 784, false, false),
        ("as trained: x · Wᵀ, 256x784 · (512x784)ᵀ", 256, 784, 512, false, true),
        ("as trained: x · Wᵀ, 256x512 · (784x512)ᵀ", 256, 512, 784, false, true),
        ("as trained: gᵀ · x, (256x512)ᵀ · 256x784", 512, 256, 784, true, false),
        ("as trained: gᵀ · x, (256x784)ᵀ · 256x512", 784, 256, 512, true, false),
        ("square 1024", 1024, 1024, 1024, false, false),
        ("square 2048", 2048, 2048, 2048, false, false),
    ];

    public static JsonObject Run(BenchmarkArgs args)
    {
        if (args.GetIntOrNull("--threads") is int threads) torch.set_num_threads(threads);
        TorchSharpSetup.EnsureLoaded();
        var result = new JsonObject
        {
            ["kind"] = "gemm", ["implementation"] = "MLNet.Autoencoders", ["machine"] = MachineFacts.Describe(),
            ["blas"] = "libtorch's `mm` (oneMKL, linked into libtorch_cpu.so)", ["mkl_code_path"] = TorchSharpSetup.MklCodePathState, ["mkl_env"] = MklEnvironment(),
        };
        var shapes = new JsonObject();
        double peak = 0;
        // --layers 784,500,500,2000,10: the three products of every layer of that mirrored network instead (issue 14's network).
        var shapeList = args.Get("--layers", "") is { Length: > 0 } layers
            ? TrainingShapes(layers.Split(',').Select(int.Parse).ToArray(), args.GetInt("--batch-size", 256))
            : Shapes;
        foreach (var (name, m, k, n, transposeA, transposeB) in shapeList)
        {
            using var storedA = transposeA ? rand(k, m) : rand(m, k);
            using var storedB = transposeB ? rand(n, k) : rand(k, n);
            using var a = transposeA ? storedA.t() : storedA.detach();
            using var b = transposeB ? storedB.t() : storedB.detach();
            for (int i = 0; i < 3; i++) { using var warm = a.mm(b); }
            double flops = 2.0 * m * k * n;
            int reps = (int)Math.Clamp(2e9 / flops, 3, 2000);
            double best = double.MaxValue;
            for (int trial = 0; trial < 7; trial++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < reps; i++) { using var c = a.mm(b); }
                best = Math.Min(best, watch.Elapsed.TotalSeconds / reps);
            }
            double gflops = flops / best / 1e9;
            peak = Math.Max(peak, gflops);
            shapes[name] = gflops;
            Console.Error.WriteLine($"{name}: {gflops:F1} GFLOP/s");
        }
        result["gflops"] = shapes;
        result["peak_gflops"] = peak;
        // One epoch of the MLP autoencoder: 6 × weights × rows multiply-adds ×2 (forward, two backward products).
        double epochFlops = 6.0 * MlpWeights() * 60_000;
        result["mlp_epoch_gflop"] = epochFlops / 1e9;
        result["mlp_epoch_floor_seconds"] = epochFlops / (peak * 1e9);
        return result;
    }

    /// <summary>For each Linear(in, out) of the mirrored network: forward x·Wᵀ, grad x = g·W and grad W = gᵀ·x, as autograd runs them.</summary>
    internal static (string Name, int M, int K, int N, bool TransposeA, bool TransposeB)[] TrainingShapes(int[] sizes, int batch)
    {
        var path = MirroredLayers.Path(sizes);
        var shapes = new List<(string, int, int, int, bool, bool)>();
        for (int i = 0; i + 1 < path.Length; i++)
        {
            int input = path[i], output = path[i + 1];
            shapes.Add(($"{input}->{output} forward x·Wᵀ", batch, input, output, false, true));
            if (i > 0) shapes.Add(($"{input}->{output} grad x g·W", batch, output, input, false, false));
            shapes.Add(($"{input}->{output} grad W gᵀ·x", output, batch, input, true, false));
        }
        return shapes.ToArray();
    }

    private static long MlpWeights()
    {
        int[] sizes = [784, 512, 256, 32];
        long weights = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) weights += 2L * sizes[i] * sizes[i + 1];
        return weights;
    }

    internal static JsonObject MklEnvironment()
    {
        var node = new JsonObject();
        foreach (var name in new[] { "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "MKL_DEBUG_CPU_TYPE" })
            node[name] = Environment.GetEnvironmentVariable(name);
        return node;
    }
}
