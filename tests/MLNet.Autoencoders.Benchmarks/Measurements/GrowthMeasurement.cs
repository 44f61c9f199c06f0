using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// MLP training seconds per epoch at 15k, 30k and 60k rows, in one process and interleaved (the sizes take turns, in a
/// rotating order, for <c>--rounds</c> rounds): the machine's speed drifts by tens of percent over minutes, so runs of
/// different sizes made one after the other would measure the drift, not the growth.
/// </summary>
internal static class GrowthMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        int[] sizes = [15000, 30000, 60000];
        int epochs = args.GetInt("--epochs", 2), rounds = args.GetInt("--rounds", 5);
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
                options.Epochs = epochs;
                options.NumberOfThreads = args.GetIntOrNull("--threads");
                using var fitted = BenchmarkModels.Fit(mlContext, options, views[n]);
                var later = fitted.EpochSeconds[1..];
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
            ["epochs_per_fit"] = epochs,
            ["rounds"] = rounds,
            ["sec_per_epoch_by_rows"] = bySize,
        };
    }
}
