using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>Time to save a fitted model zip, to load it with ML.NET's <c>Model.Load</c> and with the typed loader, and its size.</summary>
internal static class SaveLoadMeasurement
{
    private const int Repeats = 5;

    public static JsonObject Run(BenchmarkArgs args)
    {
        string model = args.Get("--model", "mlp");
        var mlContext = new MLContext(seed: 0);
        var data = TrainingData.View(mlContext, args, train: true, model, maxRows: 2048);
        var options = BenchmarkModels.Options(model);
        options.Epochs = 1;
        using var fitted = BenchmarkModels.Fit(mlContext, options, data);
        string folder = Directory.CreateTempSubdirectory("autoencoder-bench-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.zip");
            var save = Time(() => mlContext.Model.Save(fitted.Transformer, data.Schema, path));
            var load = Time(() => (mlContext.Model.Load(path, out _) as IDisposable)?.Dispose());
            var typedLoad = Time(() => (options is VaeOptions ? (IDisposable)VaeTransformer.Load(mlContext, path) : AutoencoderTransformer.Load(mlContext, path)).Dispose());
            return new JsonObject
            {
                ["kind"] = "saveload",
                ["implementation"] = "MLNet.Autoencoders",
                ["model"] = model,
                ["save_ms"] = Results.StatsNode(save),
                ["load_ms"] = Results.StatsNode(load),
                ["typed_load_ms"] = Results.StatsNode(typedLoad),
                ["zip_mb"] = new FileInfo(path).Length / 1e6,
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Stats Time(Action action)
    {
        action(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Stats.Of(times);
    }
}
