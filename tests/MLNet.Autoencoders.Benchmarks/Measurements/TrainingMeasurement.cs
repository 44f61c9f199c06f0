using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Seconds per training epoch (median over epochs 2..N, as ref.py), the load other processes put on the machine during
/// those epochs, and the peak RSS of the process while fitting. Reads the full training set into memory (the
/// default), or streams it from an ML.NET binary file with <c>--binary-file PATH --stream</c>.
/// </summary>
internal static class TrainingMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        string model = args.Get("--model", "mlp");
        int epochs = args.GetInt("--epochs", BenchmarkModels.DefaultEpochs(model));
        int? rows = args.GetIntOrNull("--rows");
        string? binaryFile = args.GetOrNull("--binary-file");
        var mlContext = new MLContext(seed: 0);
        IDataView train = binaryFile is null
            ? TrainingData.View(mlContext, args, train: true, model, rows)
            : mlContext.Data.LoadFromBinary(binaryFile);
        // The test set stays loaded too, as in the reference script (which holds train and test as tensors).
        var test = binaryFile is null && rows is null ? TrainingData.Arrays(args, train: false, model) : null;
        long rowCount = train.GetRowCount() ?? CountRows(train);
        double rssAfterData = ProcessStats.RssMb;

        var options = BenchmarkModels.Options(model);
        options.Epochs = epochs;
        options.NumberOfThreads = args.GetIntOrNull("--threads");
        options.StreamTrainingData = args.Has("--stream");
        var foreignLoad = new List<double>();
        var rss = new List<double>();
        // Where the peak falls: up to the end of the first epoch (reading the data, starting libtorch, epoch 1), the later
        // epochs, or building the ONNX model after the last one.
        var phasePeaks = new double[3];
        int phase = 0;
        var last = ProcessStats.CpuReading.Now();
        options.EpochCallback = report =>
        {
            var now = ProcessStats.CpuReading.Now();
            double load = now.ForeignCoresSince(last), rssNow = ProcessStats.RssMb;
            bool training = report.Stage == EpochReport.TrainingStage;
            if (training)
            {
                foreignLoad.Add(load);
                rss.Add(rssNow);
            }
            last = now;
            phase = training && report.Epoch == report.TotalEpochs ? 2 : 1;
            var heap = GC.GetGCMemoryInfo();
            Console.WriteLine($"[{model}] {report}; RSS {rssNow:F0} MB (managed heap {heap.HeapSizeBytes / 1e6:F0} MB, committed {heap.TotalCommittedBytes / 1e6:F0} MB); other processes {load:F2} cores");
        };

        var sampler = new Timer(_ => phasePeaks[phase] = Math.Max(phasePeaks[phase], ProcessStats.RssMb), null, 0, 25);
        var watch = Stopwatch.StartNew();
        using var fitted = BenchmarkModels.Fit(mlContext, options, train);
        watch.Stop();
        sampler.Dispose();
        GC.KeepAlive(test);
        var seconds = fitted.EpochSeconds;
        var laterEpochs = seconds.Length > 1 ? seconds[1..] : seconds;
        var laterLoad = foreignLoad.Count > 1 ? foreignLoad.Skip(1) : foreignLoad;
        return new JsonObject
        {
            ["kind"] = "training",
            ["implementation"] = "MLNet.Autoencoders",
            ["model"] = model,
            ["rows"] = rowCount,
            ["epochs"] = epochs,
            ["batch_size"] = options.BatchSize,
            ["source"] = binaryFile is null ? "memory" : options.StreamTrainingData ? "binary file, streamed" : "binary file, cached",
            ["threads"] = TorchSharp.torch.get_num_threads(),
            ["sec_per_epoch"] = Results.StatsNode(Stats.Of(laterEpochs)),
            ["first_epoch_sec"] = seconds[0],
            ["foreign_load"] = Results.StatsNode(Stats.Of(laterLoad.DefaultIfEmpty(0))),
            ["rss_after_data_mb"] = rssAfterData,
            ["rss_per_epoch_mb"] = new JsonArray(rss.Select(r => (JsonNode)r).ToArray()),
            ["peak_rss_mb"] = ProcessStats.PeakRssMb,
            ["sampled_peak_rss_mb"] = new JsonObject { ["through_first_epoch"] = phasePeaks[0], ["epochs"] = phasePeaks[1], ["after_last_epoch"] = phasePeaks[2] },
            ["fit_sec"] = watch.Elapsed.TotalSeconds,
        };
    }

    private static long CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
