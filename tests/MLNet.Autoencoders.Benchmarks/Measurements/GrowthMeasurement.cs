using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// MLP training seconds per epoch at 15k, 30k and 60k rows, in one process and interleaved (the sizes take turns, in a
/// rotating order, for <c>--rounds</c> rounds): the machine's speed drifts by tens of percent over minutes, so runs of
/// different sizes made one after the other would measure the drift, not the growth. These machines also run a burst of
/// work faster than sustained work (epoch times rise over the first ten seconds or so, for PyTorch as for us), so every
/// fit trains for about the same time — 3 epochs at 60k, 6 at 30k, 12 at 15k — and only its second half counts.
/// </summary>
internal static class GrowthMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        int[] sizes = [15000, 30000, 60000];
        int epochsAtLargest = args.GetInt("--epochs", 4), rounds = args.GetInt("--rounds", 3);
        var mlContext = new MLContext(seed: 0);
        var train = TrainingData.Arrays(args, train: true, "mlp");
        var views = sizes.ToDictionary(n => n, n => FashionMnist.ToDataView(mlContext, n == train.Count ? train : train.Slice(0, n)));
        var seconds = sizes.ToDictionary(n => n, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < sizes.Length; k++)
            {
                int n = sizes[(k + round) % sizes.Length];
                var options = BenchmarkModels.Options("mlp");
                options.Epochs = epochsAtLargest * sizes[^1] / n;
                options.NumberOfThreads = args.GetIntOrNull("--threads");
                using var fitted = BenchmarkModels.Fit(mlContext, options, views[n]);
                var later = fitted.EpochSeconds[(options.Epochs / 2)..];
                seconds[n].AddRange(later);
                Console.WriteLine($"[growth] round {round + 1}/{rounds}, {n:N0} rows: {string.Join(", ", later.Select(s => s.ToString("F2")))} s/epoch");
            }
        }
        var bySize = new JsonObject();
        foreach (int n in sizes) bySize[n.ToString()] = Results.StatsNode(Stats.Of(seconds[n]));
        return new JsonObject
        {
            ["kind"] = "growth",
            ["implementation"] = "MLNet.Autoencoders",
            ["model"] = "mlp",
            ["epochs_per_fit_at_largest"] = epochsAtLargest,
            ["rounds"] = rounds,
            ["sec_per_epoch_by_rows"] = bySize,
        };
    }
}
