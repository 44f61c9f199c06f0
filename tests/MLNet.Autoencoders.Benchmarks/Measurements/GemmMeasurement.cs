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
    private static readonly (string Name, int M, int K, int N)[] Shapes =
    [
        ("forward 256x784 · 784x512", 256, 784, 512),
        ("forward 256x512 · 512x256", 256, 512, 256),
        ("forward 256x256 · 256x512", 256, 256, 512),
        ("forward 256x512 · 512x784", 256, 512, 784),
        ("grad W 784x256 · 256x512", 784, 256, 512),
        ("grad x 256x512 · 512x784", 256, 512, 784),
        ("square 1024", 1024, 1024, 1024),
        ("square 2048", 2048, 2048, 2048),
    ];

    public static JsonObject Run(BenchmarkArgs args)
    {
        if (args.GetIntOrNull("--threads") is int threads) torch.set_num_threads(threads);
        TorchSharpSetup.EnsureLoaded();
        var result = new JsonObject
        {
            ["kind"] = "gemm", ["implementation"] = "MLNet.Autoencoders", ["machine"] = MachineFacts.Describe(),
            ["blas"] = "libtorch's `mm` (oneMKL, linked into libtorch_cpu.so)", ["mkl_env"] = MklEnvironment(),
        };
        var shapes = new JsonObject();
        double peak = 0;
        foreach (var (name, m, k, n) in Shapes)
        {
            using var a = rand(m, k);
            using var b = rand(k, n);
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

    private static long MlpWeights()
    {
        int[] sizes = [784, 512, 256, 32];
        long weights = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) weights += 2L * sizes[i] * sizes[i + 1];
        return weights;
    }

    private static JsonObject MklEnvironment()
    {
        var node = new JsonObject();
        foreach (var name in new[] { "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "MKL_DEBUG_CPU_TYPE" })
            node[name] = Environment.GetEnvironmentVariable(name);
        return node;
    }
}
