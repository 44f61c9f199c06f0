using System.Text.Json.Nodes;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Whether libtorch's matrix product gives bit-identical results wherever its operands sit in memory. oneMKL's
/// "conditional numerical reproducibility" promises the same result only for the same alignment: two fits with one seed
/// can then differ when their buffers land at different addresses (seen as a chaotic step tipping between a fit alone
/// and one after other work in the same process). For each training shape of the MLP and of the deep-clustering network
/// (as <see cref="GemmMeasurement"/> runs them, transposed views included), the product of fixed operands is compared
/// with the same product after each operand is copied into a larger buffer at an offset of 1 to 15 floats.
/// </summary>
internal static class AlignmentMeasurement
{
    private const int Offsets = 15;

    public static JsonObject Run(BenchmarkArgs args)
    {
        if (args.GetIntOrNull("--threads") is int threads) torch.set_num_threads(threads);
        TorchSharpSetup.EnsureLoaded();
        using var generator = new Generator(0);
        var shapes = GemmMeasurement.Shapes.Where(s => !s.Name.StartsWith("square", StringComparison.Ordinal))
            .Concat(GemmMeasurement.TrainingShapes([784, 500, 500, 2000, 10], 256));
        var byShape = new JsonObject();
        int differing = 0, compared = 0;
        foreach (var (name, m, k, n, transposeA, transposeB) in shapes)
        {
            using var storedA = transposeA ? randn(k, m, generator: generator) : randn(m, k, generator: generator);
            using var storedB = transposeB ? randn(n, k, generator: generator) : randn(k, n, generator: generator);
            using var expected = Product(storedA, storedB, transposeA, transposeB);
            int shapeDiffering = 0;
            double largest = 0;
            for (int offset = 1; offset <= Offsets; offset++)
            {
                using var scope = NewDisposeScope();
                // Different offsets for the two operands, so every pairing of misalignments is not the same one.
                var a = AtOffset(storedA, offset);
                var b = AtOffset(storedB, (offset * 7) % 16);
                double difference = (Product(a, b, transposeA, transposeB) - expected).abs().max().item<float>();
                largest = Math.Max(largest, difference);
                if (difference != 0) shapeDiffering++;
            }
            differing += shapeDiffering;
            compared += Offsets;
            byShape[name] = new JsonObject { ["differing_offsets"] = shapeDiffering, ["max_abs_difference"] = largest };
            Console.Error.WriteLine($"{name}: {shapeDiffering} of {Offsets} placements differ (max |difference| {largest:G3})");
        }
        return new JsonObject
        {
            ["kind"] = "alignment", ["implementation"] = "MLNet.Autoencoders", ["machine"] = MachineFacts.Describe(),
            ["mkl_env"] = GemmMeasurement.MklEnvironment(),
            ["shapes"] = byShape, ["differing"] = differing, ["compared"] = compared,
        };
    }

    private static Tensor Product(Tensor storedA, Tensor storedB, bool transposeA, bool transposeB) =>
        (transposeA ? storedA.t() : storedA).mm(transposeB ? storedB.t() : storedB);

    /// <summary>A copy of <paramref name="source"/> that starts <paramref name="offset"/> floats into a larger buffer.</summary>
    private static Tensor AtOffset(Tensor source, int offset)
    {
        var buffer = zeros(source.numel() + 16);
        return buffer.narrow(0, offset, source.numel()).view(source.shape).copy_(source);
    }
}
