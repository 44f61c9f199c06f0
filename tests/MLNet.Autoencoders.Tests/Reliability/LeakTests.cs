using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>Tests that measure the whole process's memory: they run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurements";
}

/// <summary>
/// Repeated fitting, scoring and disposing, and many single-row predictions, leave neither resident memory nor live
/// TorchSharp tensors behind.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class LeakTests(ITestOutputHelper output)
{
    private const long AllowedGrowth = 50L << 20;

    private sealed class Prediction
    {
        public float[] Latent { get; set; } = [];
    }

    /// <summary>Resident memory after a full garbage collection (finalizers included, so dropped native handles are freed).</summary>
    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Each cycle trains a different way, so every training path is covered: early stopping keeps weight
    /// snapshots, tied weights and greedy pretraining have their own tensors.</summary>
    private static readonly Action<AutoencoderOptions>[] Variants =
    [
        _ => { },
        o => { o.ValidationFraction = 0.2; o.Epochs = 2; },
        o => o.TiedWeights = true,
        o => { o.Pretraining = Pretraining.GreedyLayerWise; o.PretrainingEpochsPerLayer = 1; },
    ];

    [Fact]
    public void Twenty_fit_transform_dispose_cycles_of_both_kinds_do_not_leak()
    {
        const int cycles = 20;
        var rows = SyntheticData.Rows(200);
        long firstRss = 0;
        var rss = new List<long>();
        var watch = Stopwatch.StartNew();
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            var kind = cycle % 2 == 0 ? Kind.Plain : Kind.Denoising;
            var variant = Variants[cycle / 2 % Variants.Length];
            var ml = new MLContext(seed: cycle);
            var data = SyntheticData.Load(ml, rows);
            // Training runs on this thread, so this thread's TorchSharp statistics see every tensor it makes.
            long liveBefore = LiveTensors();
            var model = Kinds.Estimator(ml, kind, o => { o.Epochs = 1; o.Seed = cycle; o.ReconstructionErrorColumnName = "Error"; variant(o); }).Fit(data);
            Assert.True(liveBefore == LiveTensors(), $"cycle {cycle} ({kind}): Fit left {LiveTensors() - liveBefore} live tensors");

            Assert.Equal(rows.Length, ColumnReader.ReadVectors(model.Transform(data), "Latent").Length);
            Assert.Equal(rows.Length, model.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]).Count());
            Assert.Equal(3, model.Encode(rows[0]).Length);
            using (var engine = ml.Model.CreatePredictionEngine<FeaturesRow, Prediction>(model, new PredictionEngineOptions { OwnsTransformer = false }))
                Assert.Equal(3, engine.Predict(new FeaturesRow { Features = rows[1] }).Latent.Length);
            using (var zip = new MemoryStream())
            {
                ml.Model.Save(model, data.Schema, zip);
                zip.Position = 0;
                using var loaded = AutoencoderTransformer.Load(ml, zip);
                Assert.Equal(model.Encode(rows[2]), loaded.Encode(rows[2]));
            }
            model.Dispose();
            Assert.True(liveBefore == LiveTensors(), $"cycle {cycle} ({kind}): {LiveTensors() - liveBefore} live tensors after Dispose");

            rss.Add(Rss());
            if (cycle == 0) firstRss = rss[0];
        }
        long lastRss = rss[^1];
        string trace = $"{cycles} cycles in {watch.Elapsed.TotalSeconds:F1} s; RSS (MB) after each: {string.Join(" ", rss.Select(r => r >> 20))}";
        output.WriteLine(trace);
        Assert.True(lastRss - firstRss < AllowedGrowth, $"resident memory grew by {(lastRss - firstRss) >> 20} MB over {cycles - 1} cycles. {trace}");
    }

    [Fact]
    public void A_hundred_thousand_single_row_predictions_do_not_leak()
    {
        const int predictions = 100_000, step = 10_000;
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(200);
        using var model = Kinds.Estimator(ml, Kind.Plain, o => o.Epochs = 1).Fit(SyntheticData.Load(ml, rows));
        long liveBefore = LiveTensors();
        using var engine = ml.Model.CreatePredictionEngine<FeaturesRow, Prediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var input = new FeaturesRow();
        var prediction = new Prediction();
        var rss = new List<long>();
        var watch = Stopwatch.StartNew();
        for (int i = 1; i <= predictions; i++)
        {
            input.Features = rows[i % rows.Length];
            engine.Predict(input, ref prediction);
            if (i % step == 0) rss.Add(Rss());
        }
        watch.Stop();
        // The first block warms up (JIT tiers, GC heap sizing, ONNX Runtime's arena); growth is measured from its end.
        string trace = $"{predictions} predictions in {watch.Elapsed.TotalSeconds:F1} s (with a GC every {step}); RSS (MB) every {step}: {string.Join(" ", rss.Select(r => r >> 20))}";
        output.WriteLine(trace);
        Assert.Equal(model.Encode(input.Features), prediction.Latent, new FloatComparer(1e-5f));
        Assert.True(rss[^1] - rss[0] < AllowedGrowth, $"resident memory grew by {(rss[^1] - rss[0]) >> 20} MB. {trace}");
        Assert.Equal(liveBefore, LiveTensors());
    }
}
