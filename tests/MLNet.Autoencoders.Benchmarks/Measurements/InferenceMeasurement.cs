using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Featurization speed of a fitted 784-512-256-32 autoencoder: <c>Transform</c> read through an ML.NET cursor over the
/// 70k rows (train + test) and over the 10k test rows (what ref.py encodes, batches of 1024), one-row calls through a
/// <c>PredictionEngine</c> and through <c>Encode(row)</c> (the first 2,000 test rows, as ref.py), and how resident memory
/// grows while featurizing 70k and 700k rows (it should not grow with the row count).
/// </summary>
internal static class InferenceMeasurement
{
    private const int Repeats = 5;

    public static JsonObject Run(BenchmarkArgs args)
    {
        var mlContext = new MLContext(seed: 0);
        var train = TrainingData.Arrays(args, train: true, "mlp");
        var test = TrainingData.Arrays(args, train: false, "mlp");
        // Speed does not depend on how well the weights are trained: one epoch gives a real model quickly.
        var options = (AutoencoderOptions)BenchmarkModels.Options("mlp");
        options.Epochs = args.GetInt("--epochs", 1);
        using var transformer = mlContext.Transforms.Autoencoder(options).Fit(FashionMnist.ToDataView(mlContext, train));

        var all = FashionMnist.ToDataView(mlContext, new FashionMnistData([.. train.Features, .. test.Features], [.. train.Labels, .. test.Labels]));
        var testView = FashionMnist.ToDataView(mlContext, test);
        var transform70k = Stats.Of(Repeat(() => ReadLatents(transformer.Transform(all))));
        var transform10k = Stats.Of(Repeat(() => ReadLatents(transformer.Transform(testView))));

        var rows = Enumerable.Range(0, 2000).Select(i => new ImageRow { Features = test.GetFeatures(i).ToArray() }).ToArray();
        using var engine = mlContext.Model.CreatePredictionEngine<ImageRow, LatentRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var prediction = new LatentRow();
        var engineRate = Stats.Of(RepeatOneRow(rows, row => engine.Predict(row, ref prediction)));
        var encodeRate = Stats.Of(RepeatOneRow(rows, row => transformer.Encode(row.Features)));

        // Memory while featurizing: 70k rows, then 700k rows (the 70k cycled ten times through a lazy enumerable).
        GC.Collect();
        double growth70k = RssGrowth(() => ReadLatents(transformer.Transform(all)));
        double growth700k = RssGrowth(() => ReadLatents(transformer.Transform(Cycled(mlContext, all, 10))));

        return new JsonObject
        {
            ["kind"] = "inference",
            ["implementation"] = "MLNet.Autoencoders",
            ["model"] = "mlp",
            ["threads"] = TorchSharp.torch.get_num_threads(),
            ["transform_70k_rows_per_sec"] = Results.StatsNode(transform70k),
            ["transform_10k_rows_per_sec"] = Results.StatsNode(transform10k),
            ["prediction_engine_rows_per_sec"] = Results.StatsNode(engineRate),
            ["encode_row_rows_per_sec"] = Results.StatsNode(encodeRate),
            ["featurize_rss_growth_70k_mb"] = growth70k,
            ["featurize_rss_growth_700k_mb"] = growth700k,
            ["peak_rss_mb"] = ProcessStats.PeakRssMb,
        };
    }

    /// <summary>Reads every latent through a cursor, as a downstream trainer would; returns rows per second.</summary>
    private static double ReadLatents(IDataView output, Action<long>? everyRows = null)
    {
        var watch = Stopwatch.StartNew();
        var column = output.Schema["Latent"];
        long n = 0;
        var latent = default(VBuffer<float>);
        using (var cursor = output.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                getter(ref latent);
                if ((++n & 8191) == 0) everyRows?.Invoke(n);
            }
        }
        return n / watch.Elapsed.TotalSeconds;
    }

    private static IEnumerable<double> Repeat(Func<double> measure)
    {
        measure(); // warm-up
        for (int i = 0; i < Repeats; i++) yield return measure();
    }

    private static IEnumerable<double> RepeatOneRow(ImageRow[] rows, Action<ImageRow> call)
    {
        foreach (var row in rows.Take(100)) call(row); // warm-up
        for (int r = 0; r < Repeats / 2 + 1; r++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var row in rows) call(row);
            yield return rows.Length / watch.Elapsed.TotalSeconds;
        }
    }

    /// <summary>Largest RSS above the starting RSS while <paramref name="run"/> runs, sampled every 8,192 rows.</summary>
    private static double RssGrowth(Func<double> run)
    {
        double start = ProcessStats.RssMb, peak = start;
        var sampler = new Timer(_ => peak = Math.Max(peak, ProcessStats.RssMb), null, 0, 20);
        run();
        sampler.Dispose();
        return Math.Max(peak, ProcessStats.RssMb) - start;
    }

    /// <summary>The rows of <paramref name="data"/> <paramref name="copies"/> times over, produced lazily (one row object reused).</summary>
    private static IDataView Cycled(MLContext mlContext, IDataView data, int copies)
    {
        IEnumerable<ImageRow> Rows()
        {
            var row = new ImageRow { Features = new float[FashionMnist.FeatureCount] };
            var buffer = default(VBuffer<float>);
            for (int c = 0; c < copies; c++)
            {
                using var cursor = data.GetRowCursor([data.Schema["Features"]]);
                var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Features"]);
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    buffer.CopyTo(row.Features);
                    yield return row;
                }
            }
        }
        return mlContext.Data.LoadFromEnumerable(Rows());
    }

    private sealed class LatentRow
    {
        [VectorType(32)]
        public float[] Latent { get; set; } = [];
    }
}
